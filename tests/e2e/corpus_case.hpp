// A case of the bad-input corpus (test_hostile_corpus.cpp runs them all), and what cases are
// made of; the cases live in the test files by theme.
#pragma once
#include <functional>
#include <string>

#include "castnet/sdk/errors.hpp"
#include "corpus.hpp"

namespace castnet {

namespace fs = std::filesystem;

inline constexpr int code(ExitCode c) { return static_cast<int>(c); }

inline fs::path hamilton(int n) {
  return test::shared_dir() / fmt::format("data/frames/hamilton_360/SHOW_20230313_083000_demo-{:06d}.jpg", n);
}

inline void write(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

// A folder of `n` good frames named PREFIX-00000k.jpg.
inline fs::path good_frames(const fs::path& dir, int n = 2, const std::string& prefix = "SHOW") {
  fs::create_directories(dir);
  for (int k = 1; k <= n; ++k) fs::copy_file(hamilton(k), dir / fmt::format("{}-{:06d}.jpg", prefix, k), fs::copy_options::overwrite_existing);
  return dir;
}

// A ZIP at `zip` of the given members (name -> a Python expression for its bytes), written by
// Python's zipfile (deflated), which allows two members of one name.
inline void make_zip(const fs::path& zip, const std::vector<std::pair<std::string, std::string>>& members) {
  std::string py = "import zipfile, warnings\nwarnings.simplefilter('ignore')\nz = zipfile.ZipFile(r'" + zip.string() + "', 'w', zipfile.ZIP_DEFLATED)\n";
  for (const auto& [name, bytes] : members) py += "z.writestr('" + name + "', " + bytes + ")\n";
  py += "z.close()\n";
  std::ofstream(zip.string() + ".py") << py;
  ASSERT_EQ(test::run(fmt::format("{} '{}.py'", test::python(), zip.string())), 0);
  fs::remove(zip.string() + ".py");
}

struct Case {
  std::string name;
  // Prepares `dir` (dir/out is OUT; from the golden run when `from_golden`) and returns the
  // arguments to castnet.
  std::function<std::string(const fs::path& dir)> setup;
  int code;
  std::string says;  // in the first "castnet: " line when code != 0, else in the output ({dir} filled in)
  bool from_golden = false;
  std::string env = "";
  std::function<void(const fs::path& dir)> then = nullptr;  // what else must hold afterwards
  bool store_harmed = false;  // the case damaged the store itself: its integrity is not castnet's to keep
};

inline void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

inline std::string run_into(const fs::path& frames, const fs::path& dir, const std::string& more = "") {
  const bool clusterer = more.find("--cluster") != std::string::npos;
  return fmt::format("run '{}' -o '{}/out' --quiet {} {}", frames.string(), dir.string(), clusterer ? "" : "--cluster dbscan:min_samples=1", more);
}

// Python's sqlite3 edits the store as any other program could.
inline void edit_store(const fs::path& db, const std::string& python) {
  std::ofstream(db.parent_path() / "harm.py") << "import sqlite3, struct, sys\nc = sqlite3.connect(sys.argv[1])\n" << python << "\nc.commit()\n";
  ASSERT_EQ(test::run(fmt::format("{} '{}' '{}'", test::python(), (db.parent_path() / "harm.py").string(), db.string())), 0);
  fs::remove(db.parent_path() / "harm.py");
}

// Names from users and galleries: test_hostile_names.cpp.
std::vector<Case> people_name_cases();
// Where outputs go (links, broadcast names): test_hostile_outputs.cpp.
std::vector<Case> output_path_cases();
// ZIPs: test_hostile_archives.cpp.
std::vector<Case> archive_cases();
// Inputs changed or moved after they were extracted: test_hostile_changes.cpp.
std::vector<Case> changed_input_cases();

}  // namespace castnet
