// Facts about the machine and the install that the stages need: which BLAS dlib's ResNet runs
// on (Debian's libdlib links the generic libblas.so.3; with the reference BLAS behind it an
// embedding costs ~15x more than with OpenBLAS), the build's instruction set, where the models
// are, and how many workers "all cores" means.
#pragma once
#include <filesystem>
#include <string>

namespace castnet {

struct BlasInfo {
  std::string name;     // "OpenBLAS ..." or "reference BLAS (slow)"
  bool optimized = false;
};
BlasInfo blas_info();
// OpenBLAS chooses its kernels when it loads, by the CPU's model number, and 0.3.21 (Debian 12)
// takes recent Xeons for its oldest x86-64 core, "Prescott" (SSE3), which makes ResNet's matrix
// products ~2.5x slower. Where it did so on a CPU with AVX2, this starts the program again
// (execv of argv) with OPENBLAS_CORETYPE naming the CPU's kernels; otherwise, and where the
// user set that variable, it returns. Call it first thing in main.
void use_this_cpus_blas_kernels(char** argv);
// Limits OpenBLAS's own threads (we run one worker per core); no-op on other BLAS.
void set_blas_threads(int n);
// OpenBLAS's threads now (0 on other BLAS).
int blas_threads();
// The instruction set the build was compiled for ("x86-64-v3" or "generic").
const char* build_isa();

// $CASTNET_MODELS, else ${XDG_CACHE_HOME:-~/.cache}/castnet/models, as scripts/setup uses.
std::filesystem::path default_models_dir();

// Workers for a request of `requested`: worker_count (0: one per core; at most four per core).
int resolve_threads(int requested);

}  // namespace castnet
