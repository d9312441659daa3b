#include "castnet/core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace castnet {

Progress::Progress(std::string label, std::size_t total, bool quiet)
    : label_(std::move(label)), total_(total), tty_(isatty(STDERR_FILENO) != 0), quiet_(quiet),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void Progress::advance(std::size_t n) {
  done_ += n;
  draw(false);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final) {
  if (quiet_ || total_ == 0) return;
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double eta = done_ ? elapsed / done_ * (total_ - std::min(done_, total_)) : 0;
  if (tty_) {
    if (!final && now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    std::fprintf(stderr, "\r%s %zu/%zu (%3.0f%%) %.0fs elapsed, ETA %.0fs   %s", label_.c_str(), done_, total_,
                 100.0 * done_ / total_, elapsed, eta, final ? "\n" : "");
  } else {
    std::size_t decile = done_ * 10 / total_;
    if (decile == last_logged_decile_ && (!final || logged_done_ == done_)) return;
    last_logged_decile_ = decile;
    logged_done_ = done_;
    std::fprintf(stderr, "%s %zu/%zu, %.0fs elapsed, ETA %.0fs\n", label_.c_str(), done_, total_, elapsed, eta);
  }
  std::fflush(stderr);
}

}  // namespace castnet
