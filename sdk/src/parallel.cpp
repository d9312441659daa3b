#include "castnet/sdk/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace castnet {

int worker_count(int requested) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return requested > 0 ? std::min(requested, 4 * cores) : cores;
}

void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& f, std::size_t grain) {
  std::size_t t = static_cast<std::size_t>(worker_count(threads));
  grain = std::max<std::size_t>(1, grain);
  t = std::min(t, std::max<std::size_t>(1, n / grain));  // tiny inputs: no thread start-up cost
  if (t <= 1) {
    for (std::size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  const std::size_t chunk = grain;
  std::vector<std::thread> pool;
  std::mutex mu;
  std::exception_ptr failure;  // the first exception of any worker, rethrown on the caller's thread
  for (std::size_t k = 0; k < t; ++k)
    pool.emplace_back([&] {
      try {
        for (std::size_t begin; (begin = next.fetch_add(chunk)) < n;)
          for (std::size_t i = begin; i < std::min(n, begin + chunk); ++i) f(i);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!failure) failure = std::current_exception();
        next = n;  // the others stop at their next chunk
      }
    });
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace castnet
