// kill -9 at a random moment of extract, cluster or graph (a few seeds each): the store passes
// PRAGMA integrity_check, and running again gives outputs byte-identical to an uninterrupted run.
#include <chrono>
#include <random>

#include "corpus.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

constexpr int kFrames = 10;

fs::path frames_dir(const fs::path& dir) {
  fs::create_directories(dir / "frames");
  for (int n = 1; n <= kFrames; ++n) {
    auto to = dir / fmt::format("frames/SHOW-{:06d}.jpg", n);
    if (!fs::exists(to))
      fs::copy_file(test::shared_dir() / fmt::format("data/frames/hamilton_360/SHOW_20230313_083000_demo-{:06d}.jpg", n * 3), to);
  }
  return dir / "frames";
}

// Every output file under OUT (the store aside), by its path below OUT.
std::map<std::string, std::string> outputs(const fs::path& out) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    std::string rel = fs::relative(e.path(), out).string();
    if (e.is_regular_file() && rel.rfind("castnet.sqlite", 0) != 0) files[rel] = test::slurp(e.path());
  }
  return files;
}

std::string args(const std::string& stage, const fs::path& frames, const fs::path& out) {
  const std::string cluster = "--cluster dbscan:min_samples=2";
  if (stage == "extract") return fmt::format("extract '{}' -o '{}' --quiet", frames.string(), out.string());
  if (stage == "cluster") return fmt::format("cluster -o '{}' --quiet {}", out.string(), cluster);
  if (stage == "graph") return fmt::format("graph -o '{}' --quiet", out.string());
  return fmt::format("run '{}' -o '{}' --quiet {}", frames.string(), out.string(), cluster);
}

// Starts castnet, and kills it with SIGKILL after `ms` milliseconds; whether it was still running.
bool kill_after(const std::string& arguments, int ms) {
  return 137 == test::run(fmt::format("sh -c '{} {} & p=$!; sleep {:.3f}; kill -9 $p 2>/dev/null; wait $p'", CASTNET_BIN, arguments, ms / 1000.0));
}

class CrashSafety : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    CASTNET_REQUIRE_SHARED();
    CASTNET_REQUIRE_MODELS();
  }
};

TEST_P(CrashSafety, KillNineThenRunAgainGivesTheSameOutputs) {
  const std::string stage = GetParam();
  fs::path dir = test::temp_dir("crash_" + stage);
  fs::path frames = frames_dir(dir);
  ASSERT_EQ(test::castnet_cli(args("run", frames, dir / "reference")).code, 0);
  const auto reference = outputs(dir / "reference");
  ASSERT_GT(reference.count("graph.gexf"), 0u);

  // How long the stage itself takes here and now (the machine is shared, ctest runs tests side by
  // side): the kills land at seeded fractions of it.
  auto prepare = [&](const fs::path& out) {
    if (stage != "extract") {
      ASSERT_EQ(test::castnet_cli(args("extract", frames, out)).code, 0);
    }
    if (stage == "graph") {
      ASSERT_EQ(test::castnet_cli(args("cluster", frames, out)).code, 0);
    }
  };
  prepare(dir / "timed");
  auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(test::castnet_cli(args(stage, frames, dir / "timed")).code, 0);
  const double stage_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  int killed = 0;
  for (unsigned seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(fmt::format("{} killed, seed {}", stage, seed));
    fs::path out = dir / fmt::format("out{}", seed);
    prepare(out);  // the stages before the one killed ran to the end
    std::mt19937 random(seed);
    const double fraction = std::uniform_real_distribution<double>(0.1, 0.8)(random);
    killed += kill_after(args(stage, frames, out), int(fraction * stage_ms));
    if (fs::exists(out / "castnet.sqlite")) {
      EXPECT_EQ(test::integrity(out / "castnet.sqlite"), "ok");
    }
    auto again = test::castnet_cli(args("run", frames, out));
    ASSERT_EQ(again.code, 0) << again.output;
    auto now = outputs(out);
    EXPECT_EQ(now.size(), reference.size());
    for (const auto& [file, bytes] : reference) {
      auto it = now.find(file);
      if (it == now.end()) ADD_FAILURE() << file << " is missing after the re-run";
      else EXPECT_TRUE(it->second == bytes) << file << " differs from the uninterrupted run's";
    }
  }
  EXPECT_GT(killed, 0) << "no seed killed " << stage << " while it ran: the test proves nothing";
  std::cout << stage << ": killed mid-way in " << killed << " of 3 seeds\n";
  if (!HasFailure()) fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Stages, CrashSafety, ::testing::Values("extract", "cluster", "graph"));

}  // namespace
}  // namespace castnet
