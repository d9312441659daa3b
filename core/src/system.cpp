#include "castnet/core/system.hpp"

#include "castnet/sdk/parallel.hpp"

#include <dlfcn.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

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

std::filesystem::path default_models_dir() {
  namespace fs = std::filesystem;
  if (const char* m = std::getenv("CASTNET_MODELS"); m && *m) return m;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "castnet" / "models";
  const char* home = std::getenv("HOME");
  if (!home || !*home)  // as scripts/setup does: the account's home when HOME is unset
    if (const passwd* pw = getpwuid(getuid())) home = pw->pw_dir;
  return fs::path(home ? home : ".") / ".cache" / "castnet" / "models";
}

int resolve_threads(int requested) { return worker_count(requested); }

}  // namespace castnet
