// The corpus's cases about writing outputs (issue 33): `castnet graph` replaces its outputs all
// at once or not at all, and writes nothing through a symbolic link planted in OUT.
#include <map>
#include <set>

#include <fmt/ranges.h>

#include "corpus_case.hpp"

namespace castnet {

namespace {

// Every regular file under OUT but the store, by path: what a failed `graph` must leave alone.
std::map<std::string, std::string> outputs_of(const fs::path& out) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(out))
    if (e.is_regular_file() && e.path().filename().string().rfind("castnet.sqlite", 0) != 0)
      files[e.path().lexically_relative(out).string()] = test::slurp(e.path());
  return files;
}

TEST(HostileOutputs, ADiskFullAtAnyStepOfGraphLeavesTheEarlierOutputsByteForByte) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  const fs::path dir = test::temp_dir("disk_full_graph");
  fs::copy(test::golden_run(test::shared_dir() / "data/frames/hamilton_360") / "out", dir / "out", fs::copy_options::recursive);
  ASSERT_EQ(test::castnet_cli(fmt::format("people -o '{}/out' name 0 Ada", dir.string())).code, 0);  // the next graph differs
  const auto before = outputs_of(dir / "out");
  // A file size limit (KiB) stands in for a full disk: the first output larger than it fails,
  // so each limit fails a different step; the largest lets every output through.
  std::set<std::string> failed_at;
  for (int kib : {1, 16, 128, 192, 256, 384, 512, 1024, 2048, 4096, 1 << 20}) {
    auto r = test::castnet_cli(fmt::format("graph -o '{}/out' --quiet", dir.string()), fmt::format("trap '' XFSZ; ulimit -f {};", kib));
    if (kib == 1 << 20) {
      EXPECT_EQ(r.code, 0) << r.output;
      EXPECT_TRUE(outputs_of(dir / "out") != before) << "the last graph, with room, wrote nothing new";
      break;
    }
    std::cout << kib << " KiB: exit " << r.code << ": " << r.output.substr(0, r.output.find('\n')) << "\n";
    if (r.code == 0) continue;
    // The store's journal may be what fails first, at the smallest limits.
    EXPECT_TRUE(r.code == code(ExitCode::output) || r.code == code(ExitCode::store)) << kib << " KiB: " << r.output;
    if (r.output.find("The face store") == std::string::npos) {
      EXPECT_NE(r.output.find("the earlier outputs are kept"), std::string::npos) << r.output;
      failed_at.insert(r.output.substr(0, r.output.find(" could not be written")));
    }
    const auto after = outputs_of(dir / "out");
    for (const auto& [path, bytes] : after)
      EXPECT_TRUE(before.count(path) && before.at(path) == bytes) << path << " is new or changed at " << kib << " KiB: " << r.output;
    for (const auto& [path, bytes] : before) EXPECT_TRUE(after.count(path)) << path << " is gone at " << kib << " KiB: " << r.output;
    for (const auto& e : fs::recursive_directory_iterator(dir / "out"))
      EXPECT_EQ(e.path().string().find(".part"), std::string::npos) << e.path() << " left behind";
  }
  EXPECT_GE(failed_at.size(), 3u) << "the limits should fail at three different outputs at least";
  for (const auto& problem : test::output_problems(dir / "out")) ADD_FAILURE() << problem;
}

}  // namespace

std::vector<Case> output_path_cases() {
  auto outside = [](const fs::path& dir) { return dir / "outside"; };
  return {
      // Finding 14: faces extracted after the latest clustering are not clustered yet, not noise.
      Case{"FacesExtractedAfterTheClusteringAreNotCalledNoise", [](const fs::path& dir) {
             EXPECT_EQ(test::castnet_cli(run_into(good_frames(dir / "a", 2, "A"), dir)).code, 0);
             EXPECT_EQ(test::castnet_cli(fmt::format("extract '{}' -o '{}/out' --quiet", good_frames(dir / "b", 3, "B").string(), dir.string())).code, 0);
             return fmt::format("graph -o '{}/out' --quiet", dir.string());
           }, 0, "6 faces were extracted after the latest clustering", false, "", [](const fs::path& dir) {
             const std::string report = test::slurp(dir / "out/report.html");
             EXPECT_NE(report.find("<td>faces left as noise</td><td>0</td>"), std::string::npos);
             EXPECT_NE(report.find("<td>faces not clustered yet</td><td>6</td>"), std::string::npos);
           }},
      Case{"AnOutputThatIsALinkIsReplacedNotFollowed", [=](const fs::path& dir) {
             write(outside(dir), "keep");
             for (const char* name : {"report.html", "graph.svg"}) {
               fs::remove(dir / "out" / name);
               fs::create_symlink(outside(dir), dir / "out" / name);
             }
             fs::create_symlink(outside(dir), dir / "out/network.html.part");  // a .part planted before the run
             fs::remove_all(dir / "out/faces");  // crops are made again, beside a planted link too
             fs::create_directories(dir / "out/faces");
             fs::create_symlink(outside(dir), dir / "out/faces/0-1.jpg.part");
             fs::create_directories(dir / "elsewhere");
             write(dir / "elsewhere/montage-0.jpg", "keep");
             fs::remove_all(dir / "out/montages");
             fs::create_directory_symlink(dir / "elsewhere", dir / "out/montages");
             return fmt::format("graph -o '{}/out' --quiet", dir.string());
           }, 0, "", true, "", [=](const fs::path& dir) {
             EXPECT_EQ(test::slurp(outside(dir)), "keep");
             EXPECT_EQ(test::slurp(dir / "elsewhere/montage-0.jpg"), "keep");
             for (const char* name : {"report.html", "graph.svg", "network.html", "montages"})
               EXPECT_FALSE(fs::is_symlink(dir / "out" / name)) << name;
             EXPECT_TRUE(fs::is_regular_file(dir / "out/montages/montage-0.jpg"));
             EXPECT_TRUE(fs::is_regular_file(dir / "out/faces/0-1.jpg") && !fs::is_symlink(dir / "out/faces/0-1.jpg"));
           }},
      Case{"TwoGraphsOnOneOut", [](const fs::path& dir) {
             // Another writer holds OUT (util-linux flock stands in for a castnet graph running).
             const fs::path lock = dir / "out/.castnet.lock";
             EXPECT_EQ(test::run(fmt::format("(flock -x -o '{0}' sleep 30 >/dev/null 2>&1 & echo $! > '{1}/holder.pid'); "
                                             "for i in $(seq 50); do flock -n '{0}' true || exit 0; sleep 0.1; done; exit 1",
                                             lock.string(), dir.string())), 0) << "the lock was not taken";
             return fmt::format("graph -o '{}/out' --quiet", dir.string());
           }, code(ExitCode::output), "is being written by another castnet (process ", true, "", [](const fs::path& dir) {
             test::run(fmt::format("kill $(cat '{}/holder.pid')", dir.string()));
           }},
      Case{"FramesMovedThenGraphLinksNoImageItDidNotWrite", [](const fs::path& dir) {
             EXPECT_EQ(test::castnet_cli(run_into(good_frames(dir / "frames", 3), dir)).code, 0);
             fs::rename(dir / "frames", dir / "moved");
             fs::remove_all(dir / "out/faces");
             fs::remove_all(dir / "out/node_images");
             return fmt::format("graph -o '{}/out'", dir.string());
           }, 0, "are no longer readable", false, "", [](const fs::path& dir) {
             auto nodes = test::read_csv(dir / "out/nodes.csv");
             ASSERT_FALSE(nodes.rows.empty());
             for (const auto& row : nodes.rows) EXPECT_EQ(row.at(2), "") << "an image castnet could not write is linked";
             std::ifstream cluster(dir / "out/cluster.txt");
             for (std::string line; std::getline(cluster, line);) EXPECT_NE(line.find("IMG=\"\""), std::string::npos) << line;
             EXPECT_EQ(test::slurp(dir / "out/report.html").find("node_images/"), std::string::npos);
           }},
      Case{"AnOutputFolderPathTooLongForSQLite", [](const fs::path& dir) {
             fs::path out = dir;
             for (int k = 0; k < 3; ++k) out /= std::string(200, char('a' + k));  // each name short enough, the path not
             fs::create_directories(out);
             return fmt::format("run '{}' -o '{}' --quiet", good_frames(dir / "frames").string(), out.string());
           }, code(ExitCode::output), "SQLite opens paths of under 508 bytes"},
      Case{"PerBroadcastFoldersFromBroadcastNamesStayInsideAndApart", [](const fs::path& dir) {
             // A ZIP named "...zip" is broadcast "..", and two folders named `frames` are two
             // broadcasts of one name: neither may write over the combined outputs or each other.
             good_frames(dir / "a/frames", 2, "A");
             good_frames(dir / "b/frames", 2, "B");
             good_frames(dir / "zip", 2, "Z");
             EXPECT_EQ(test::run(fmt::format("cd '{}/zip' && {} -c \"import zipfile,glob; z=zipfile.ZipFile('../...zip','w'); "
                                             "[z.write(f) for f in sorted(glob.glob('*.jpg'))]\"", dir.string(), test::python())), 0);
             EXPECT_EQ(test::castnet_cli(fmt::format("run '{0}/a/frames' '{0}/b/frames' '{0}/...zip' -o '{0}/out' --quiet --cluster dbscan:min_samples=1",
                                                     dir.string())).code, 0);
             return fmt::format("graph -o '{}/out' --quiet --per-broadcast", dir.string());
           }, 0, "", false, "", [](const fs::path& dir) {
             std::set<std::string> folders;
             for (const auto& e : fs::directory_iterator(dir / "out/broadcasts")) folders.insert(e.path().filename().string());
             EXPECT_EQ(folders.size(), 3u) << fmt::format("{}", fmt::join(folders, " "));
             EXPECT_TRUE(folders.count("frames")) << fmt::format("{}", fmt::join(folders, " "));
             EXPECT_TRUE(folders.count("_..")) << fmt::format("{}", fmt::join(folders, " "));
             // Each folder its broadcast's, and the combined network all three broadcasts' still.
             std::size_t faces = 0;
             for (const auto& f : folders) faces += test::read_csv(dir / "out/broadcasts" / f / "faces.csv").rows.size();
             EXPECT_GT(faces, 0u);
             EXPECT_EQ(test::read_csv(dir / "out/faces.csv").rows.size(), faces);
           }},
  };
}

}  // namespace castnet
