// Running under MPI (mpirun, srun): which rank this process is, of how many. castnet is built
// with MPI when Debian's OpenMPI is installed (scripts/setup installs it); the same binary runs
// without a launcher as one process, and MPI is initialised only when a launcher started it.
#pragma once

namespace castnet::cli {

struct Mpi {
  int rank = 0, size = 1;
  bool active() const { return size > 1; }
};

// Initialises MPI if a launcher started this process (and castnet was built with MPI); the
// result stays valid until finalize_mpi().
const Mpi& init_mpi(int* argc, char*** argv);
const Mpi& mpi();
void finalize_mpi();
// Ends every rank with `code`: a rank that failed must not leave the others waiting for it.
[[noreturn]] void abort_mpi(int code);

// The task farm's messages: a worker asks for work (saying whether its last input failed), the
// coordinator answers with an input's index, or -1 when there is no more.
void send_ready(int last_failed);
int receive_task();
// Coordinator: waits for any worker's request; returns its rank and what it said.
int receive_ready(int* last_failed);
void send_task(int rank, int task);
void barrier();

}  // namespace castnet::cli
