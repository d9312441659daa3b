// A parallel map whose results are consumed in input order: frames are processed out of order
// by several workers but written in broadcast order, so what is stored does not depend on the
// thread count.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace castnet {

// Runs work(k, worker) -> R for k in [0, n) on `threads` workers and hands each result to
// consume(k, R) on the calling thread, in order of k. Workers stay within `window` items of the
// consumer, so memory stays bounded however long the input. When a worker throws, every earlier
// result is still consumed, then the exception is rethrown here; so is one thrown by consume.
template <class R, class Work, class Consume>
void ordered_parallel_map(std::size_t n, int threads, std::size_t window, Work&& work, Consume&& consume) {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::size_t, R> ready;  // finished out of order, consumed in order
  std::size_t consumed = 0;
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;

  auto worker = [&](int t) {
    for (;;) {
      std::size_t k = next.fetch_add(1);
      if (k >= n) return;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return k < consumed + window || failure; });
        if (failure) return;
      }
      try {
        R r = work(k, t);
        std::lock_guard lock(mu);
        ready.emplace(k, std::move(r));
      } catch (...) {
        std::lock_guard lock(mu);
        if (!failure) failure = std::current_exception();
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);

  try {
    while (consumed < n) {
      R r;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return ready.count(consumed) || failure; });
        if (!ready.count(consumed)) break;  // a worker failed before finishing this item
        r = std::move(ready.extract(consumed).mapped());
        ++consumed;
      }
      cv.notify_all();
      consume(consumed - 1, std::move(r));
    }
  } catch (...) {
    std::lock_guard lock(mu);
    if (!failure) failure = std::current_exception();
  }
  cv.notify_all();
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace castnet
