#include "mpi.hpp"

#include <chrono>
#include <cstdio>
#include <thread>
#include <cstdlib>

#ifdef CASTNET_WITH_MPI
#include <mpi.h>
#endif

namespace castnet::cli {

namespace {

Mpi state;
constexpr int kReady = 1, kTask = 2;

// OpenMPI's mpirun and Slurm's srun (PMI) set these; without a launcher castnet runs alone.
bool launched() { return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK"); }

}  // namespace

const Mpi& mpi() { return state; }

#ifdef CASTNET_WITH_MPI

const Mpi& init_mpi(int* argc, char*** argv) {
  if (!launched()) return state;
  MPI_Init(argc, argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &state.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &state.size);
  return state;
}

void finalize_mpi() {
  int initialised = 0, finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  if (initialised && !finalised) MPI_Finalize();
}

void abort_mpi(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

void send_ready(int last_failed) { MPI_Send(&last_failed, 1, MPI_INT, 0, kReady, MPI_COMM_WORLD); }

int receive_task() {
  int task = -1;
  MPI_Recv(&task, 1, MPI_INT, 0, kTask, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return task;
}

int receive_ready(int* last_failed) {
  // OpenMPI's blocking receive spins on its core; the coordinator mostly waits, and on a
  // machine whose cores the workers fill that spinning costs a worker's share. Poll gently.
  MPI_Status status;
  for (int flag = 0; !flag;) {
    MPI_Iprobe(MPI_ANY_SOURCE, kReady, MPI_COMM_WORLD, &flag, &status);
    if (!flag) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  MPI_Recv(last_failed, 1, MPI_INT, status.MPI_SOURCE, kReady, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return status.MPI_SOURCE;
}

void send_task(int rank, int task) { MPI_Send(&task, 1, MPI_INT, rank, kTask, MPI_COMM_WORLD); }

void barrier() { MPI_Barrier(MPI_COMM_WORLD); }

#else  // built without MPI: one process, always rank 0 of 1

const Mpi& init_mpi(int*, char***) {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (launched() && size && std::atoi(size) > 1) {
    // Every rank would extract everything into the same store: refuse before touching it.
    std::fprintf(stderr, "castnet: This castnet was built without MPI; rebuild with Debian's libopenmpi-dev installed (scripts/setup), or run it without mpirun.\n");
    std::exit(2);
  }
  return state;
}
void finalize_mpi() {}
void abort_mpi(int code) { std::exit(code); }
void send_ready(int) {}
int receive_task() { return -1; }
int receive_ready(int* last_failed) {
  *last_failed = 0;
  return 0;
}
void send_task(int, int) {}
void barrier() {}

#endif

}  // namespace castnet::cli
