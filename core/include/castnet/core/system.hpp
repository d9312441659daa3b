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
// Limits OpenBLAS's own threads (we run one worker per core); no-op on other BLAS.
void set_blas_threads(int n);
// The instruction set the build was compiled for ("x86-64-v3" or "generic").
const char* build_isa();

// $CASTNET_MODELS, else ${XDG_CACHE_HOME:-~/.cache}/castnet/models, as scripts/setup uses.
std::filesystem::path default_models_dir();

// Workers for a request of `requested`: worker_count (0: one per core; at most four per core).
int resolve_threads(int requested);

}  // namespace castnet
