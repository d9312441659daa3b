// Running the built `castnet` binary from tests.
#pragma once
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include <fmt/format.h>

#include "support.hpp"

namespace castnet::test {

// The key under which the store keeps the default detector's faces.
inline const std::string kDefaultDetector = "dlib-hog:small_faces=true,upsample=0";
// ... and the seed preset's (face_recognition's).
inline const std::string kSeedDetector = "dlib-hog:small_faces=false,upsample=1";

struct CliResult {
  int code;
  std::string output;  // stdout and stderr
};

inline CliResult castnet_cli(const std::string& args, const std::string& env = "") {
  std::string log;
  int code = run(fmt::format("{} {} {}", env, CASTNET_BIN, args), &log);
  return {code, log};
}

inline fs::path temp_dir(const std::string& name) {
  // Per process: ctest may run tests of one binary side by side.
  fs::path p = fs::temp_directory_path() / fmt::format("castnet_e2e_{}_{}", name, ::getpid());
  fs::remove_all(p);
  fs::create_directories(p);
  ScratchCleaner::remove_when_passed(p);
  return p;
}

// A folder made once per build of castnet and shared by the tests' processes (ctest runs them
// side by side): the first to take the lock calls make(folder), and the folder counts as made
// when it succeeds; the others wait, then find it made. Returns make's result, or success.
inline CliResult made_once_per_build(const std::string& name, const std::function<CliResult(const fs::path&)>& make, fs::path& folder) {
  folder = fs::temp_directory_path() / fmt::format("castnet_{}_{}", name, fs::last_write_time(CASTNET_BIN).time_since_epoch().count());
  fs::create_directories(folder);
  int lock = ::open((folder / "lock").c_str(), O_CREAT | O_RDWR, 0644);
  ::flock(lock, LOCK_EX);
  CliResult result{0, ""};
  if (!fs::exists(folder / "ready")) {
    result = make(folder);
    if (result.code == 0) std::ofstream(folder / "ready") << "ok\n";
  }
  ::flock(lock, LOCK_UN);
  ::close(lock);
  return result;
}

inline std::size_t count_lines(const fs::path& p) {
  std::ifstream in(p);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

// The rows of a `castnet compare --markdown` table, header left out: each row's cells, the
// pipeline's name first.
inline std::vector<std::vector<std::string>> compare_rows(const fs::path& md) {
  std::ifstream in(md);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("| ", 0) == 0 && line.find("| pipeline") != 0) {
      std::vector<std::string> cells;
      for (auto& c : split(line, '|')) cells.push_back(c.empty() ? c : c.substr(1, c.size() - 2));
      rows.push_back({cells.begin() + 1, cells.end()});
    }
  return rows;
}

}  // namespace castnet::test
