#include "castnet/core/system.hpp"

#include "castnet/sdk/parallel.hpp"

#include <dlfcn.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
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

// The OpenBLAS core type for this CPU's widest vectors, as OpenBLAS itself names them
// (driver/others/dynamic.c); null where the fallback is already the best there is.
const char* openblas_core_for_this_cpu() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return nullptr;
}

}  // namespace

void use_this_cpus_blas_kernels(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE")) return;  // the user's choice, or our own restart
  void* h = blas_handle();
  using name_fn = char* (*)();
  auto corename = h ? reinterpret_cast<name_fn>(dlsym(h, "openblas_get_corename")) : nullptr;
  if (!corename || std::string_view(corename()) != "Prescott") return;  // OpenBLAS knew this CPU
  const char* core = openblas_core_for_this_cpu();
  if (!core) return;
  setenv("OPENBLAS_CORETYPE", core, 1);
  execv("/proc/self/exe", argv);  // returns only if it failed: then on with the kernels we have
  unsetenv("OPENBLAS_CORETYPE");
}

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

int blas_threads() {
  using get_fn = int (*)();
  if (void* h = blas_handle())
    if (auto f = reinterpret_cast<get_fn>(dlsym(h, "openblas_get_num_threads"))) return f();
  return 0;
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
