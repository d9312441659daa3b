// Progress with an ETA on a terminal; a log line every ~10% when stderr is not one.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>

namespace castnet {

class Progress {
 public:
  Progress(std::string label, std::size_t total, bool quiet = false);
  void advance(std::size_t n = 1);
  void finish();

 private:
  void draw(bool final);
  std::string label_;
  std::size_t total_, done_ = 0, last_logged_decile_ = 0, logged_done_ = 0;
  bool tty_, quiet_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace castnet
