// The People fixture (test_people.cpp, test_network_page.cpp): a gallery made from half of the
// labeled photos, a synthetic broadcast from the other half, run once per build with the gallery;
// each test corrects its own copy of the store. And the helpers that read its outputs.
#pragma once
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "castnet/eval/csv.hpp"
#include "cli.hpp"

namespace castnet::test {

namespace fs = std::filesystem;

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Rows of a CSV with RFC 4180 quoting, each as column -> text.
inline std::vector<std::map<std::string, std::string>> read_rows(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  auto header = split_csv_line(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    auto f = split_csv_line(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < f.size(); ++i) row[header[i]] = f[i];
    rows.push_back(row);
  }
  return rows;
}

inline std::vector<int> labels_of(const fs::path& out) {
  std::vector<int> labels;
  for (auto& r : read_rows(out / "faces.csv")) labels.push_back(std::stoi(r.at("label")));
  return labels;
}

inline std::map<int, std::string> names_of(const fs::path& out) {
  std::map<int, std::string> names;
  for (auto& r : read_rows(out / "nodes.csv")) names[std::stoi(r.at("Id"))] = r.at("Label");
  return names;
}

// Two labelings put the same faces together (noise apart).
inline bool same_partition(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.size() != b.size()) return false;
  std::map<int, int> ab, ba;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if ((a[i] < 0) != (b[i] < 0)) return false;
    if (a[i] < 0) continue;
    if (ab.emplace(a[i], b[i]).first->second != b[i] || ba.emplace(b[i], a[i]).first->second != a[i]) return false;
  }
  return true;
}

// The face ids `castnet people faces P` lists, with each face's frame and left edge.
inline std::vector<std::pair<std::int64_t, std::string>> faces_of(const fs::path& out, int person) {
  auto r = test::castnet_cli(fmt::format("people -o {} faces {}", out.string(), person));
  EXPECT_EQ(r.code, 0) << r.output;
  std::vector<std::pair<std::int64_t, std::string>> faces;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) {
    std::istringstream row(line);
    std::int64_t id = 0;
    std::string frame, left;
    if (row >> id >> frame >> left) faces.push_back({id, frame + "," + left.substr(0, left.size() - 1)});
  }
  return faces;
}

class PeopleFixture : public ::testing::Test {
 protected:
  // Identities with four photos or more: half to the gallery, half to the broadcast. The others
  // (one to three photos) are strangers: in the broadcast only.
  // Made once per build of castnet and shared by the tests' processes (made_once_per_build).
  static void SetUpTestSuite() {
    if (!fs::is_directory(test::shared_dir() / "data") || !fs::exists(default_models_dir() / "dlib_face_recognition_resnet_model_v1.dat")) return;
    if (result_.code == 0) return;  // made once per process, for every suite built on it
    const fs::path faces = test::shared_dir() / "data/faces";
    std::map<std::string, std::vector<std::string>> by_identity;
    for (auto& r : read_rows(faces / "labels.csv")) by_identity[r.at("identity")].push_back((faces / r.at("path")).string());
    for (const auto& [id, paths] : by_identity)
      if (paths.size() >= 4) known_.insert(id);
    result_ = test::made_once_per_build("people", [&](const fs::path& dir) {
      std::ofstream gallery(dir / "gallery.csv"), broadcast(dir / "broadcast.csv");
      gallery << "path,identity\n";
      broadcast << "path,identity\n";
      for (const auto& [id, paths] : by_identity) {
        const std::size_t half = known_.count(id) ? paths.size() / 2 : 0;
        for (std::size_t i = 0; i < paths.size(); ++i) (i < half ? gallery : broadcast) << paths[i] << ',' << id << '\n';
      }
      gallery.close(), broadcast.close();
      fs::remove_all(dir / "synth"), fs::remove_all(dir / "out");
      auto r = test::castnet_cli(fmt::format("synth --photos {0}/broadcast.csv -o {0}/synth --frames 120 --seed 3", dir.string()));
      if (r.code == 0) r = test::castnet_cli(fmt::format("run {0}/synth/frames -o {0}/out --quiet --gallery {0}/gallery.csv", dir.string()));
      return r;
    }, dir_);
  }
  void SetUp() override {
    CASTNET_REQUIRE_SHARED();
    CASTNET_REQUIRE_MODELS();
    ASSERT_EQ(result_.code, 0) << result_.output;
  }
  // A copy of the run's store in a folder of its own, for corrections that must not touch others.
  static fs::path fresh(const std::string& name) {
    fs::path w = test::temp_dir("people_" + name);
    fs::copy_file(dir_ / "out/castnet.sqlite", w / "castnet.sqlite", fs::copy_options::overwrite_existing);
    graph(w);
    return w;
  }
  static void graph(const fs::path& w) {
    auto r = test::castnet_cli(fmt::format("graph -o {} --quiet --no-pictures --no-dynamic", w.string()));
    ASSERT_EQ(r.code, 0) << r.output;
  }
  static test::CliResult people(const fs::path& w, const std::string& args) {
    return test::castnet_cli(fmt::format("people -o {} {}", w.string(), args));
  }
  // Two different people with two faces or more, the largest first.
  static std::pair<int, int> two_people(const std::vector<int>& labels) {
    std::map<int, int> n;
    for (int l : labels) if (l >= 0) ++n[l];
    std::vector<std::pair<int, int>> by_size;
    for (auto [l, k] : n) if (k >= 2) by_size.push_back({k, l});
    std::sort(by_size.rbegin(), by_size.rend());
    return {by_size.at(1).second, by_size.at(2).second};  // not the anchor: small enough to move around
  }
  static inline fs::path dir_;
  static inline std::set<std::string> known_;
  static inline test::CliResult result_{-1, ""};
};

}  // namespace castnet::test
