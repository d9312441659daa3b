// Helpers shared by the tests: where ../shared is, reading its CSVs, the built plugins.
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "castnet/core/registry.hpp"
#include "castnet/core/system.hpp"
#include "castnet/network/graph.hpp"

namespace castnet::test {

namespace fs = std::filesystem;

// ../shared beside the repository (CASTNET_SHARED overrides).
inline fs::path shared_dir() {
  if (const char* s = std::getenv("CASTNET_SHARED")) return s;
  return fs::path(CASTNET_SOURCE_DIR).parent_path() / "shared";
}

#define CASTNET_REQUIRE_SHARED()                                                              \
  do {                                                                                        \
    if (!std::filesystem::is_directory(::castnet::test::shared_dir() / "data"))               \
      GTEST_SKIP() << "../shared (test data and references) is absent: "                      \
                   << ::castnet::test::shared_dir() << "; set CASTNET_SHARED to its location"; \
  } while (0)

#define CASTNET_REQUIRE_MODELS()                                                                   \
  do {                                                                                             \
    if (!std::filesystem::exists(::castnet::default_models_dir() / "shape_predictor_5_face_landmarks.dat")) \
      GTEST_SKIP() << "dlib models are absent from " << ::castnet::default_models_dir()            \
                   << "; run scripts/fetch-models";                                                \
  } while (0)

// A CSV with a header row, as rows of column -> text. No quoted fields in the references.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int col(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    throw std::runtime_error("no column " + name);
  }
};

inline std::vector<std::string> split(const std::string& line, char sep = ',') {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

inline Csv read_csv(const fs::path& path) {
  Csv csv;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::string line;
  std::getline(in, line);
  csv.header = split(line);
  while (std::getline(in, line))
    if (!line.empty()) csv.rows.push_back(split(line));
  return csv;
}

// Debian's interpreter, where python3-sklearn and python3-networkx live (PATH may lead elsewhere).
inline std::string python() { return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A networkx reference graph (reference/networkx/edges_*.csv: u,v,weight). Vertex k is the k-th
// node in networkx's G.nodes() order (first appearance in the edge list), named names[k].
struct NamedGraph {
  Graph g;
  std::vector<std::string> names;
};

inline NamedGraph load_reference_graph(const std::string& file) {
  auto csv = read_csv(shared_dir() / "reference/networkx" / file);
  std::map<std::string, int> id;
  NamedGraph out;
  std::vector<Edge> edges;
  std::vector<int> ids;
  auto node = [&](const std::string& n) {
    auto [it, added] = id.emplace(n, static_cast<int>(id.size()));
    if (added) out.names.push_back(n), ids.push_back(it->second);
    return it->second;
  };
  for (const auto& r : csv.rows) {
    int a = node(r[0]), b = node(r[1]);
    edges.push_back({std::min(a, b), std::max(a, b), std::lround(std::stod(r[2])), std::stod(r[2])});
  }
  out.g = build_graph(ids, edges);
  return out;
}

// The plugins of this build (beside libcastnet_core), shared by every test in a binary.
inline const PluginRegistry& registry() {
  static PluginRegistry reg(PluginRegistry::default_dirs());
  return reg;
}

// Scratch files and folders of this test process, removed when its tests all pass and kept (and
// named) for inspection when one fails: a suite run leaves ~130 MB behind otherwise, on a shared
// machine. gtest_discover_tests runs each test in a process of its own.
class ScratchCleaner : public ::testing::EmptyTestEventListener {
 public:
  static void remove_when_passed(const fs::path& p) {
    static ScratchCleaner* cleaner = [] {
      auto* c = new ScratchCleaner;
      ::testing::UnitTest::GetInstance()->listeners().Append(c);  // gtest owns it
      return c;
    }();
    cleaner->paths_.insert(p);
  }

  void OnTestProgramEnd(const ::testing::UnitTest& unit) override {
    std::error_code ignored;
    for (const auto& p : paths_) {
      if (unit.Passed()) fs::remove_all(p, ignored);
      else if (fs::exists(p)) std::cerr << "kept for inspection: " << p.string() << "\n";
    }
  }

 private:
  std::set<fs::path> paths_;
};

// Runs a shell command, returns its exit code; output goes to `log` if given.
inline int run(const std::string& cmd, std::string* log = nullptr) {
  // One log per process: ctest runs test processes side by side.
  fs::path log_file = fs::temp_directory_path() / ("castnet_test_cmd_" + std::to_string(::getpid()) + ".log");
  ScratchCleaner::remove_when_passed(log_file);
  std::string full = cmd + " > " + (log ? log_file.string() + " 2>&1" : "/dev/null 2>&1");
  int rc = std::system(full.c_str());
  if (log) *log = slurp(log_file);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace castnet::test
