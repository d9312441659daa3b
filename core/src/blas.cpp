#include "castnet/blas.hpp"

#include <dlfcn.h>

namespace castnet {

namespace {

// libblas.so.3 is whichever BLAS the system's alternative points to (libdlib links it by that
// name), so we ask the loaded library itself. Plugins are loaded RTLD_LOCAL, hence a handle of
// our own rather than RTLD_DEFAULT.
void* blas_handle() {
  static void* h = [] {
    void* p = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD);
    return p ? p : dlopen("libblas.so.3", RTLD_LAZY);
  }();
  return h;
}

}  // namespace

BlasInfo blas_info() {
  void* h = blas_handle();
  if (!h) return {"no libblas.so.3 found", false};
  using config_fn = char* (*)();
  if (auto f = reinterpret_cast<config_fn>(dlsym(h, "openblas_get_config")))
    return {f(), true};  // "OpenBLAS 0.3.21 ... Haswell ..."
  if (dlsym(h, "bli_info_get_version_str")) return {"BLIS", true};
  if (dlsym(h, "MKL_Get_Version")) return {"MKL", true};
  return {"reference BLAS (slow: install libopenblas0-pthread)", false};
}

void set_blas_threads(int n) {
  using set_fn = void (*)(int);
  if (void* h = blas_handle())
    if (auto f = reinterpret_cast<set_fn>(dlsym(h, "openblas_set_num_threads"))) f(n);
}

const char* build_isa() { return CASTNET_ISA; }

}  // namespace castnet
