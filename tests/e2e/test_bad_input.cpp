// Bad input ends in one clear sentence and a documented exit code (docs/cli.md), or, for bad
// frames among good ones, a warning, a count, and a finished run. Nothing stored is lost.
#include "castnet/core/store.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/plugin.hpp"
#include "cli.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

constexpr int code(ExitCode c) { return static_cast<int>(c); }

fs::path frame(int n) {
  return test::shared_dir() / fmt::format("data/frames/hamilton_360/SHOW_20230313_083000_demo-{:06d}.jpg", n);
}

// The message is one sentence on one line, prefixed "castnet: ".
void expect_one_sentence(const std::string& output, const std::string& needle) {
  auto at = output.find("castnet: ");
  ASSERT_NE(at, std::string::npos) << output;
  std::string line = output.substr(at, output.find('\n', at) - at);
  EXPECT_NE(line.find(needle), std::string::npos) << line;
  EXPECT_EQ(line.back(), '.') << line;
}

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    CASTNET_REQUIRE_SHARED();
    CASTNET_REQUIRE_MODELS();
  }
};

TEST_F(BadInput, EmptyFolder) {
  auto dir = test::temp_dir("empty");
  auto r = test::castnet_cli(fmt::format("run {} -o {}/out", dir.string(), dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::input));
  expect_one_sentence(r.output, "holds no image files");
}

TEST_F(BadInput, MissingFolder) {
  auto r = test::castnet_cli("run /nonexistent/frames -o /tmp/castnet_never");
  EXPECT_EQ(r.code, code(ExitCode::input));
  expect_one_sentence(r.output, "does not exist");
}

TEST_F(BadInput, OnlyATextFileNamedJpg) {
  auto dir = test::temp_dir("textjpg");
  fs::create_directories(dir / "frames");
  std::ofstream(dir / "frames/notes-000001.jpg") << "these are not pixels\n";
  auto r = test::castnet_cli(fmt::format("run {}/frames -o {}/out --quiet", dir.string(), dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::input));
  expect_one_sentence(r.output, "No frame in");
}

TEST_F(BadInput, BadFramesAmongGoodOnesAreCountedAndSkipped) {
  auto dir = test::temp_dir("mixed");
  fs::create_directories(dir / "frames");
  for (int n : {1, 2, 3}) fs::copy_file(frame(n), dir / fmt::format("frames/SHOW-{:06d}.jpg", n));
  std::ofstream(dir / "frames/SHOW-000004.jpg") << "text, not a JPEG";
  std::ofstream(dir / "frames/SHOW-000005.jpg");  // 0 bytes
  std::string jpeg = test::slurp(frame(4));
  std::ofstream(dir / "frames/SHOW-000006.jpg", std::ios::binary) << jpeg.substr(0, jpeg.size() / 2);  // truncated
  auto r = test::castnet_cli(fmt::format("run {}/frames -o {}/out --quiet --cluster dbscan:min_samples=1", dir.string(), dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  // Two faces in each good frame: the singer, and the pianist far off in the wide shot.
  EXPECT_NE(r.output.find("6 frames (0 done before), 6 faces, 3 unreadable"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("warning: frame SHOW-000006.jpg is unreadable (truncated JPEG"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("warning: frame SHOW-000005.jpg is unreadable (empty file)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("warning: frame SHOW-000004.jpg is unreadable (not a readable image)"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir / "out/graph.gexf"));
}

TEST_F(BadInput, MissingModelFile) {
  auto dir = test::temp_dir("nomodel");
  fs::create_directories(dir / "frames");
  fs::copy_file(frame(1), dir / "frames/a-000001.jpg");
  auto r = test::castnet_cli(fmt::format("run {}/frames -o {}/out", dir.string(), dir.string()),
                             fmt::format("CASTNET_MODELS={}/models", dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::model));
  expect_one_sentence(r.output, "shape_predictor_5_face_landmarks.dat is missing");
}

TEST_F(BadInput, UnknownPluginAndBadParameters) {
  auto dir = test::temp_dir("badparams");
  fs::create_directories(dir / "frames");
  fs::copy_file(frame(1), dir / "frames/a-000001.jpg");
  std::string base = fmt::format("run {}/frames -o {}/out --quiet", dir.string(), dir.string());
  // Each: a stage given wrongly, and the start of the one sentence that says so (exit code 2).
  const std::pair<const char*, const char*> cases[] = {
      {"--detector no-such-detector", "No detector plugin named 'no-such-detector'; installed: dlib-hog"},
      {"--cluster dbscan:epsilon=0.5", "dbscan has no parameter 'epsilon'"},
      {"--cluster dbscan:eps=-0.5", "parameter 'eps' takes number above 0, not '-0.5'"},
      {"--cluster dbscan:eps=0", "parameter 'eps' takes number above 0, not '0'"},  // a radius of 0 means nothing
      {"--detector dlib-hog:upsample=lots", "parameter 'upsample' takes integer from 0 to 4, not 'lots'"},
      // The face constraints, a stage of their own, are checked as a plugin's parameters are;
      // no clusterer takes them any more.
      {"--constraints track_overlap=0", "constraints: parameter 'track_overlap' takes number above 0"},
      {"--constraints cannot_link=maybe", "constraints: parameter 'cannot_link' takes"},
      {"--constraints merge_distance=-1", "constraints: parameter 'merge_distance' takes number"},
      {"--constraints maybe", "--constraints takes none, on, or param=value pairs"},
      {"--cluster dbscan:cannot_link=false", "dbscan has no parameter 'cannot_link'"},
      {"--detector dlib-hog:small_faces=sometimes", "dlib-hog: parameter 'small_faces' takes"},
  };
  for (const auto& [stage, sentence] : cases) {
    SCOPED_TRACE(stage);
    auto r = test::castnet_cli(base + " " + stage);
    EXPECT_EQ(r.code, code(ExitCode::usage));
    expect_one_sentence(r.output, sentence);
  }
}

TEST_F(BadInput, AFailingLaterStageKeepsWhatWasStored) {
  auto dir = test::temp_dir("keep");
  fs::create_directories(dir / "frames");
  for (int n : {1, 2}) fs::copy_file(frame(n), dir / fmt::format("frames/a-{:06d}.jpg", n));
  ASSERT_EQ(test::castnet_cli(fmt::format("extract {}/frames -o {}/out --quiet", dir.string(), dir.string())).code, 0);
  auto r = test::castnet_cli(fmt::format("cluster -o {}/out --cluster dbscan:min_samples=0", dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::usage));
  r = test::castnet_cli(fmt::format("run {}/frames -o {}/out --edges nope", dir.string(), dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::usage));
  EXPECT_EQ(r.output.find("extract:"), std::string::npos) << "a bad stage must stop the run before any work";
  FaceStore store(dir / "out/castnet.sqlite");
  EXPECT_EQ(store.faces(test::kDefaultDetector).size(), 4u);  // the singer and the pianist in each frame
  auto again = test::castnet_cli(fmt::format("extract {}/frames -o {}/out --quiet", dir.string(), dir.string()));
  EXPECT_NE(again.output.find("2 frames (2 done before)"), std::string::npos) << again.output;
}

TEST_F(BadInput, PipelineFileMistakesAndAMetricTheClustererCannotUse) {
  auto dir = test::temp_dir("pipefile");
  fs::create_directories(dir / "frames");
  for (int n : {1, 2}) fs::copy_file(frame(n), dir / fmt::format("frames/a-{:06d}.jpg", n));
  std::ofstream(dir / "bad.toml") << "[detector]\nplugin = \"dlib-hog\"\n[clusterr]\nplugin = \"dbscan\"\n";
  auto r = test::castnet_cli(fmt::format("run {0}/frames -o {0}/out --pipeline {0}/bad.toml", dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::usage));
  expect_one_sentence(r.output, "unknown stage [clusterr]");
  std::ofstream(dir / "typed.toml") << "[clusterer]\nplugin = \"hdbscan\"\nmin_cluster_size = 2.5\n";
  r = test::castnet_cli(fmt::format("run {0}/frames -o {0}/out --pipeline {0}/typed.toml", dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::usage));
  expect_one_sentence(r.output, "hdbscan: parameter 'min_cluster_size' takes integer of at least 2, not '2.5'");
  // hash-groups counts bits; ResNet embeddings are euclidean.
  ASSERT_EQ(test::castnet_cli(fmt::format("extract {0}/frames -o {0}/out --quiet", dir.string())).code, 0);
  r = test::castnet_cli(fmt::format("cluster -o {0}/out --cluster hash-groups", dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::usage));
  expect_one_sentence(r.output, "The clusterer 'hash-groups' cannot work with euclidean distances");
}

TEST_F(BadInput, BrokenPluginLibraries) {
  auto env = [](const char* fixture) { return fmt::format("CASTNET_PLUGIN_PATH={}/{}", CASTNET_FIXTURES, fixture); };
  auto r = test::castnet_cli("plugins", env("not_a_plugin"));
  EXPECT_EQ(r.code, 0) << r.output;  // listed as a warning; the other plugins still work
  EXPECT_NE(r.output.find("castnet_fixture_not_a_plugin.so is not a castnet plugin (it exports no castnet_plugins)"), std::string::npos)
      << r.output;
  r = test::castnet_cli("plugins", env("wrong_version"));
  EXPECT_NE(r.output.find("was built for castnet plugin API version 999, but this castnet has version " + std::to_string(kPluginApiVersion)),
            std::string::npos)
      << r.output;

  auto dir = test::temp_dir("throwing");
  fs::create_directories(dir / "frames");
  fs::copy_file(frame(22), dir / "frames/a-000022.jpg");
  ASSERT_EQ(test::castnet_cli(fmt::format("extract {0}/frames -o {0}/out --quiet", dir.string())).code, 0);
  r = test::castnet_cli(fmt::format("cluster -o {}/out --cluster throwing", dir.string()), env("throwing_factory"));
  EXPECT_EQ(r.code, code(ExitCode::plugin));
  expect_one_sentence(r.output, "The clusterer plugin 'throwing' failed to build: the fixture's factory always throws");
}

TEST_F(BadInput, ABroadcastWithoutFacesGivesAnEmptyNetworkNotAnError) {
  auto dir = test::temp_dir("nofaces");
  fs::create_directories(dir / "frames");
  for (int n : {10, 11, 12}) fs::copy_file(frame(n), dir / fmt::format("frames/a-{:06d}.jpg", n));  // the stage, nobody on it
  auto r = test::castnet_cli(fmt::format("run {0}/frames -o {0}/out --quiet", dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("graph: 0 people, 0 edges"), std::string::npos) << r.output;
  for (const char* f : {"graph.gexf", "graph-dynamic.gexf", "graph.png", "report.html", "nodes.csv"}) EXPECT_TRUE(fs::exists(dir / "out" / f)) << f;
}

TEST_F(BadInput, CommandsBeforeExtractionSayWhatToRunFirst) {
  auto dir = test::temp_dir("noextract");
  auto r = test::castnet_cli(fmt::format("graph -o {}/out", dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::store));
  expect_one_sentence(r.output, "holds no face store");
}

// A store damaged behind castnet's back: one embedding made NaN, then one of another dimension.
// Each is one sentence, and no clustering is added.
TEST_F(BadInput, DamagedEmbeddingsClusterNothing) {
  auto dir = test::temp_dir("nan");
  fs::create_directories(dir / "frames");
  for (int n : {1, 2}) fs::copy_file(frame(n), dir / fmt::format("frames/a-{:06d}.jpg", n));
  ASSERT_EQ(test::castnet_cli(fmt::format("extract {0}/frames -o {0}/out --quiet", dir.string())).code, 0);
  // Python's sqlite3 edits the store as any other program could.
  std::ofstream(dir / "damage.py") << R"(import sqlite3, struct, sys
c = sqlite3.connect(sys.argv[1])
rowid, vec = c.execute("SELECT rowid, vec FROM embeddings ORDER BY rowid LIMIT 1").fetchone()
if sys.argv[2] == "nan":
    c.execute("UPDATE embeddings SET vec = ? WHERE rowid = ?", (struct.pack("<f", float("nan")) + vec[4:], rowid))
elif sys.argv[2] == "short":  # the last one read
    rowid, vec = c.execute("SELECT rowid, vec FROM embeddings ORDER BY rowid DESC LIMIT 1").fetchone()
    c.execute("UPDATE embeddings SET vec = ?, dim = 64 WHERE rowid = ?", (vec[:256], rowid))
print(c.execute("SELECT count(*) FROM clusterings").fetchone()[0])
c.commit()
)";
  auto damage = [&](const std::string& how, std::string* out = nullptr) {
    return test::run(fmt::format("{0} {1}/damage.py {1}/out/castnet.sqlite {2}", test::python(), dir.string(), how), out);
  };
  ASSERT_EQ(damage("short"), 0);
  auto r = test::castnet_cli(fmt::format("cluster -o {}/out", dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::store));
  expect_one_sentence(r.output, "embeddings of mixed dimensions");
  ASSERT_EQ(damage("nan"), 0);  // the first one read
  r = test::castnet_cli(fmt::format("cluster -o {}/out", dir.string()));
  EXPECT_EQ(r.code, code(ExitCode::store));
  expect_one_sentence(r.output, "is not a number (NaN or infinite)");
  std::string log;
  damage("count", &log);
  EXPECT_EQ(log, "0\n") << "no clustering stored";
}

// Ctrl-C in the middle of clustering 30,000 faces (copies of a stored one, a little apart): the
// clustering is stored in one transaction at the end, so nothing of it lands, and the store
// still opens and clusters.
TEST_F(BadInput, AnInterruptedClusteringLeavesTheStoreAsItWas) {
  auto dir = test::temp_dir("sigint");
  fs::create_directories(dir / "frames");
  for (int n : {1, 2}) fs::copy_file(frame(n), dir / fmt::format("frames/a-{:06d}.jpg", n));
  ASSERT_EQ(test::castnet_cli(fmt::format("extract {0}/frames -o {0}/out --quiet", dir.string())).code, 0);
  std::ofstream(dir / "grow.py") << R"py(import random, sqlite3, struct, sys
c = sqlite3.connect(sys.argv[1])
face = c.execute("SELECT id, frame_id, detector, left, top, right, bottom FROM faces ORDER BY id LIMIT 1").fetchone()
embedder, dim, metric, vec = c.execute("SELECT embedder, dim, metric, vec FROM embeddings WHERE face_id = ?", (face[0],)).fetchone()
base = struct.unpack("<%df" % dim, vec)
rng = random.Random(1)
for k in range(30000):
    fid = c.execute("INSERT INTO faces(frame_id, detector, idx, left, top, right, bottom) VALUES(?,?,?,?,?,?,?)",
                    (face[1], face[2], 1000 + k) + face[3:]).lastrowid
    moved = struct.pack("<%df" % dim, *[v + rng.gauss(0, 0.03) for v in base])
    c.execute("INSERT INTO embeddings VALUES(?,?,?,?,?)", (fid, embedder, dim, metric, moved))
c.commit()
)py";
  ASSERT_EQ(test::run(fmt::format("{0} {1}/grow.py {1}/out/castnet.sqlite", test::python(), dir.string())), 0);
  std::size_t faces = FaceStore(dir / "out/castnet.sqlite").faces(test::kDefaultDetector).size();
  ASSERT_GT(faces, 30000u);
  // timeout sends SIGINT, as Ctrl-C does, a second into a clustering that takes far longer.
  auto r = test::castnet_cli(fmt::format("cluster -o {}/out --cluster dbscan:algorithm=brute", dir.string()), "timeout -s INT 1");
  EXPECT_NE(r.code, 0);
  FaceStore store(dir / "out/castnet.sqlite");
  EXPECT_FALSE(store.latest_clustering().has_value()) << "no clustering stored";
  EXPECT_EQ(store.faces(test::kDefaultDetector).size(), faces) << "every face still there";
}

}  // namespace
}  // namespace castnet
