#include "castnet/sdk/progress.hpp"

#include <atomic>
#include <mutex>

namespace castnet {
namespace {

std::mutex& handler_mutex() {
  static std::mutex m;
  return m;
}
ProgressHandler& handler() {
  static ProgressHandler h;
  return h;
}
std::atomic<bool> installed{false};

}  // namespace

void set_progress_handler(ProgressHandler h) {
  std::lock_guard lock(handler_mutex());
  installed = static_cast<bool>(h);
  handler() = std::move(h);
}

void report_progress(const std::string& step, std::size_t done, std::size_t total) {
  if (!installed) return;
  std::lock_guard lock(handler_mutex());
  if (handler()) handler()(step, done, total);
}

}  // namespace castnet
