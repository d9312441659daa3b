// OpenBLAS runs each GEMM on threads of its own; the engine's workers already keep every core
// busy with small GEMMs, and the two together oversubscribe the machine (1.7x slower at 100,000
// faces). While a search runs, OpenBLAS -- when it is the BLAS this process loaded -- is asked
// for one thread per call, and given back its setting afterwards.
#pragma once
#include <dlfcn.h>

#include <mutex>

namespace castnet::index {

class OneBlasThread {
 public:
  OneBlasThread() {
    std::lock_guard lock(mutex());
    if (users()++ == 0 && get() && set()) {
      saved() = get()();
      set()(1);
    }
  }
  ~OneBlasThread() {
    std::lock_guard lock(mutex());
    if (--users() == 0 && set() && saved() > 0) set()(saved());
  }
  OneBlasThread(const OneBlasThread&) = delete;
  OneBlasThread& operator=(const OneBlasThread&) = delete;

 private:
  using Get = int (*)();
  using Set = void (*)(int);
  static Get get() { return reinterpret_cast<Get>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")); }
  static Set set() { return reinterpret_cast<Set>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")); }
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static int& users() {
    static int n = 0;
    return n;
  }
  static int& saved() {
    static int n = 0;
    return n;
  }
};

}  // namespace castnet::index
