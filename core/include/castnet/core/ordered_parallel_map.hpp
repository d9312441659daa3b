// A parallel map over a stream whose results are consumed in stream order: frames are read one
// after another from their source, processed out of order by several workers, and written in
// broadcast order, so what is stored does not depend on the thread count.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace castnet {

// pull() -> std::optional<In> gives the next item (nothing at the end); it is called by one
// worker at a time. work(In, worker) -> R runs on `threads` workers; consume(R) runs on the
// calling thread, in the order the items were pulled. Workers stay within `window` items of the
// consumer, so memory stays bounded however long the stream. When pull or a worker throws,
// every earlier result is still consumed, then the exception is rethrown here; so is one thrown
// by consume. One function on purpose: the workers and the consumer share the locals below, and
// the whole protocol reads in one place.
template <class In, class R, class Pull, class Work, class Consume>
void ordered_parallel_map(int threads, std::size_t window, Pull&& pull, Work&& work, Consume&& consume) {
  std::mutex mu, pull_mu;
  std::condition_variable cv;
  std::map<std::size_t, R> ready;  // finished out of order, consumed in order
  std::size_t consumed = 0, total = 0;
  std::atomic<std::size_t> pulled{0};
  bool exhausted = false;
  std::exception_ptr failure;
  auto fail = [&](std::exception_ptr e) {
    std::lock_guard lock(mu);
    if (!failure) failure = e;
  };

  auto worker = [&](int t) {
    for (;;) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return pulled < consumed + window || failure || exhausted; });
        if (failure || exhausted) return;
      }
      std::optional<In> item;
      std::size_t k = 0;
      try {
        std::lock_guard source(pull_mu);
        item = pull();
        if (item) k = pulled++;
      } catch (...) {
        fail(std::current_exception());
      }
      if (!item) {
        {
          std::lock_guard lock(mu);
          if (!exhausted) exhausted = true, total = pulled;
        }
        cv.notify_all();
        return;
      }
      try {
        R r = work(std::move(*item), t);
        std::lock_guard lock(mu);
        ready.emplace(k, std::move(r));
      } catch (...) {
        fail(std::current_exception());
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);

  try {
    for (;;) {
      std::optional<R> r;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return ready.count(consumed) || failure || (exhausted && consumed == total); });
        if (!ready.count(consumed)) break;  // the end, or a failure before this item
        r = std::move(ready.extract(consumed).mapped());
        ++consumed;
      }
      cv.notify_all();
      consume(std::move(*r));
    }
  } catch (...) {
    fail(std::current_exception());
  }
  cv.notify_all();
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace castnet
