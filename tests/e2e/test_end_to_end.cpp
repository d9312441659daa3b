// `castnet run` on the 60 Hamilton frames (a singer and a pianist): every output is there, and the
// two people come out as the two largest clusters, each matching its labeled photos.
#include <algorithm>
#include <map>
#include <set>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "castnet/core/store.hpp"
#include "castnet/sdk/metric.hpp"
#include "cli.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

fs::path frames() { return test::shared_dir() / "data/frames/hamilton_360"; }

// Labeled photos (faces/<person>/...) with face_recognition's encodings.
std::vector<std::pair<std::string, std::vector<double>>> labeled_photos() {
  auto csv = test::read_csv(test::shared_dir() / "reference/face_recognition/hog_encodings.csv");
  std::vector<std::pair<std::string, std::vector<double>>> out;
  int e0 = csv.col("e0");
  for (const auto& r : csv.rows) {
    if (r[0].rfind("faces/", 0) != 0) continue;
    std::vector<double> v;
    for (int d = 0; d < 128; ++d) v.push_back(std::stod(r[e0 + d]));
    out.emplace_back(test::split(r[0], '/')[1], v);
  }
  return out;
}

// The person whose labeled photo is nearest to most faces of the cluster.
std::string majority_person(const EmbeddingSet& x, const std::vector<std::size_t>& members) {
  auto photos = labeled_photos();
  std::map<std::string, int> votes;
  for (auto i : members) {
    auto best = std::min_element(photos.begin(), photos.end(), [&](const auto& a, const auto& b) {
      return distance(x.row(i), a.second.data(), 128, Metric::euclidean) < distance(x.row(i), b.second.data(), 128, Metric::euclidean);
    });
    ++votes[best->first];
  }
  return std::max_element(votes.begin(), votes.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
}

class HamiltonRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::is_directory(frames()) || !fs::exists(default_models_dir() / "dlib_face_recognition_resnet_model_v1.dat")) return;
    out_ = test::temp_dir("hamilton");
    // The seed preset: face_recognition's boxes and encodings, scikit-learn's DBSCAN.
    result_ = test::castnet_cli(fmt::format("run {} -o {} --quiet --preset seed", frames().string(), out_.string()));
  }
  void SetUp() override {
    CASTNET_REQUIRE_SHARED();
    CASTNET_REQUIRE_MODELS();
    ASSERT_EQ(result_.code, 0) << result_.output;
  }
  static inline fs::path out_;
  static inline test::CliResult result_{-1, ""};
};

TEST_F(HamiltonRun, WritesEveryOutput) {
  for (const char* f : {"castnet.sqlite", "cluster.txt", "faces.csv", "nodes.csv", "edges.csv", "graph.gexf",
                        "montages/montage-all.jpg"})
    EXPECT_TRUE(fs::is_regular_file(out_ / f)) << f;
  auto faces = test::read_csv(out_ / "faces.csv");
  EXPECT_EQ(faces.header, (std::vector<std::string>{"frame", "left", "top", "right", "bottom", "score", "label"}));
  EXPECT_EQ(faces.rows.size(), 40u);  // face_recognition finds 40 faces in these frames
  EXPECT_EQ(test::count_lines(out_ / "cluster.txt"), 40u);
  // A crop of every face an output shows: here, where no cluster has 100 faces, every face of a
  // person is a montage tile; a face left as noise is in no picture and is not cropped.
  std::size_t crops = 0, people_faces = 0;
  for (const auto& e : fs::directory_iterator(out_ / "faces")) crops += e.path().extension() == ".jpg";
  for (const auto& r : faces.rows) people_faces += r[6] != "-1";
  EXPECT_EQ(crops, people_faces);
  EXPECT_GT(crops, 30u);
  auto nodes = test::read_csv(out_ / "nodes.csv");
  EXPECT_EQ(nodes.header, (std::vector<std::string>{"Id", "Label", "Image"}));
  EXPECT_GE(nodes.rows.size(), 2u);
  for (const auto& r : nodes.rows) {
    EXPECT_EQ(r[1], "person " + r[0]) << "no gallery, no names";
    EXPECT_TRUE(fs::is_regular_file(out_ / r[2])) << r[2];
    EXPECT_TRUE(fs::is_regular_file(out_ / fmt::format("montages/montage-{}.jpg", r[0]))) << r[0];
  }
  EXPECT_EQ(test::read_csv(out_ / "edges.csv").header,
            (std::vector<std::string>{"Source", "Target", "Type", "Weight", "CocurFrames"}));
  std::string gexf = test::slurp(out_ / "graph.gexf");
  EXPECT_NE(gexf.find("<attvalue for=\"image\" value=\"node_images/"), std::string::npos);
  EXPECT_NE(gexf.find("<attvalue for=\"pageranks\""), std::string::npos);
  std::string first_line = test::slurp(out_ / "cluster.txt").substr(0, 40);
  EXPECT_EQ(first_line.rfind("[MATCH] FACEID=\"", 0), 0u) << first_line;
}

// Issue 32: each person's montage is a grid about as tall as it is wide, so that it fills its
// square in montage-final.png (and its box in report.html), whether it holds 3 faces or 40.
TEST_F(HamiltonRun, MontagesAreGridsThatFillTheirSquare) {
  const cv::Scalar grey(235, 235, 235);
  cv::Mat final_png = cv::imread((out_ / "montage-final.png").string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(final_png.empty());
  const int cell = 250;
  std::vector<int> people;  // montage-final's order: by person number
  for (const auto& r : test::read_csv(out_ / "nodes.csv").rows) people.push_back(std::stoi(r[0]));
  std::sort(people.begin(), people.end());
  std::size_t k = 0;
  for (int person : people) {
    cv::Mat m = cv::imread((out_ / fmt::format("montages/montage-{}.jpg", person)).string(), cv::IMREAD_COLOR);
    ASSERT_FALSE(m.empty()) << person;
    EXPECT_GE(m.cols, m.rows) << person;
    EXPECT_LE(m.cols, 2 * m.rows) << "person " << person << "'s montage is a strip";
    // Its cell, inside the frame and above the caption: mostly faces, not the grey around them.
    const int col = int(k % 6), row = int(k / 6);
    cv::Mat inside = final_png(cv::Rect(col * cell + 5, row * cell + 5, cell - 10, 220)), is_grey;
    cv::inRange(inside, grey - cv::Scalar(3, 3, 3), grey + cv::Scalar(3, 3, 3), is_grey);
    EXPECT_LT(cv::countNonZero(is_grey), 0.55 * double(inside.total())) << "person " << person << "'s faces fill too little of their cell";
    ++k;
  }
  EXPECT_GE(k, 2u);
}

TEST_F(HamiltonRun, ReclusteringFindsTheSingerAndThePianistAsTheTwoLargestClusters) {
  // The seed's eps 0.4 splits the singer's distant shots (50 px faces) from his close-ups;
  // face_recognition's own tolerance is 0.6. At 0.5 the two people come out whole.
  auto c = test::castnet_cli(fmt::format("cluster -o {} --cluster dbscan:eps=0.5 --quiet", out_.string()));
  ASSERT_EQ(c.code, 0) << c.output;
  FaceStore store(out_ / "castnet.sqlite");
  auto run = store.latest_clustering();
  ASSERT_TRUE(run);
  auto faces = store.faces(run->detector);
  auto x = store.embeddings(faces, run->embedder);
  std::vector<std::int64_t> ids;
  for (const auto& f : faces) ids.push_back(f.id);
  auto labels = store.clustering(run->id, ids).labels;
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) members[labels[i]].push_back(i);
  ASSERT_GE(members.size(), 2u);
  std::vector<std::pair<std::size_t, int>> by_size;
  for (const auto& [l, m] : members) by_size.emplace_back(m.size(), l);
  std::sort(by_size.rbegin(), by_size.rend());
  // Truth for this clip, checked by eye: frames 1-47 show the singer (Lin-Manuel Miranda: far right
  // of the stage, then in close-up), frames 48-60 the pianist (Alex Lacamoire).
  auto frame_number = [&](std::size_t i) {
    for (const auto& f : store.frames())
      if (f.id == faces[i].frame_id) return std::stoi(f.name.substr(f.name.size() - 10, 6));
    return -1;
  };
  const auto& singer = members[by_size[0].second];
  const auto& pianist = members[by_size[1].second];
  for (auto i : singer) EXPECT_LE(frame_number(i), 47) << "a pianist face in the singer's cluster";
  for (auto i : pianist) EXPECT_GE(frame_number(i), 48) << "a singer face in the pianist's cluster";
  EXPECT_EQ(pianist.size(), 6u);  // every face face_recognition finds in frames 48-60
  // And the singer's cluster is the singer of the labeled photo set.
  EXPECT_EQ(majority_person(x, singer), "lin_manuel_miranda");

  // `castnet graph` re-runs from the store, and the same store gives the same bytes.
  ASSERT_EQ(test::castnet_cli(fmt::format("graph -o {} --quiet", out_.string())).code, 0);
  std::string first = test::slurp(out_ / "graph.gexf");
  ASSERT_EQ(test::castnet_cli(fmt::format("graph -o {} --quiet", out_.string())).code, 0);
  EXPECT_EQ(first, test::slurp(out_ / "graph.gexf"));
  EXPECT_EQ(test::read_csv(out_ / "nodes.csv").rows.size(), 2u);
}

TEST_F(HamiltonRun, TheJoinAloneIsAppliedAndReported) {
  // merge_distance without the frame constraints still joins, and `castnet cluster` says so.
  auto count = [](const std::string& out) { return std::stoi(out.substr(out.find(" faces, ") + 8)); };
  auto cut = test::castnet_cli(fmt::format("cluster -o {} --cluster chinese-whispers:threshold=0.3",
                                           out_.string()));
  ASSERT_EQ(cut.code, 0) << cut.output;
  EXPECT_EQ(cut.output.find("constraints:"), std::string::npos) << cut.output;
  auto joined = test::castnet_cli(fmt::format(
      "cluster -o {} --cluster chinese-whispers:threshold=0.3 --constraints cannot_link=false,must_link=false,merge_distance=0.6",
      out_.string()));
  ASSERT_EQ(joined.code, 0) << joined.output;
  EXPECT_LT(count(joined.output), count(cut.output)) << cut.output << joined.output;
  EXPECT_NE(joined.output.find("constraints: 0 tracks (0 noise faces joined, "), std::string::npos) << joined.output;
  EXPECT_EQ(joined.output.find(" 0 clusters merged"), std::string::npos) << joined.output;
}

TEST_F(HamiltonRun, TheRunsGexfValidatesAndNetworkxReadsIt) {
  if (test::run("xmllint --version") != 0) GTEST_SKIP() << "xmllint is missing (scripts/setup installs libxml2-utils)";
  fs::path schemas = test::temp_dir("schemas");
  for (const char* version : {"1.2draft", "1.3"}) {
    ASSERT_EQ(test::castnet_cli(fmt::format("graph -o {} --quiet --gexf-version {}", out_.string(), version)).code, 0);
    std::string fix = fmt::format("{} {}/tests/gexf/fix_viz_schema.py {} {} {}/{}", test::python(), CASTNET_SOURCE_DIR,
                                  (test::shared_dir() / "data/gexf/schema").string(), version, schemas.string(), version);
    ASSERT_EQ(test::run(fix), 0) << fix;
    std::string log;
    EXPECT_EQ(test::run(fmt::format("xmllint --noout --schema {}/{}/gexf.xsd {}/graph.gexf", schemas.string(), version,
                                    out_.string()), &log), 0) << version << ": " << log;
  }
  ASSERT_EQ(test::castnet_cli(fmt::format("graph -o {} --quiet", out_.string())).code, 0);  // default: 1.2draft
  std::string log;
  ASSERT_EQ(test::run(fmt::format("{} -c \"import networkx as nx, os; g = nx.read_gexf('{}/graph.gexf'); "
                                  "assert g.number_of_nodes() >= 2; "
                                  "assert all(os.path.isfile(os.path.join('{}', d['image'])) and d['pageranks'] > 0 "
                                  "for _, d in g.nodes(data=True)); print('ok', g.number_of_nodes())\"",
                                  test::python(), out_.string(), out_.string()), &log), 0) << log;
}

TEST_F(HamiltonRun, LegacyPresetReusesTheStoreAndRecordsItsPipeline) {
  // Same store, another detector: Haar detects; then phash on the HOG faces reuses detection.
  auto legacy = test::castnet_cli(fmt::format("run {} -o {} --quiet --preset legacy", frames().string(), out_.string()));
  ASSERT_EQ(legacy.code, 0) << legacy.output;
  std::string record = test::slurp(out_ / "pipeline.toml");
  EXPECT_NE(record.find("plugin = \"haar\""), std::string::npos) << record;
  EXPECT_NE(record.find("plugin = \"hash-groups\""), std::string::npos) << record;
  auto phash = test::castnet_cli(fmt::format("extract {} -o {} --quiet --preset seed --embedder phash", frames().string(), out_.string()));
  ASSERT_EQ(phash.code, 0) << phash.output;
  EXPECT_NE(phash.output.find("60 frames reused the faces 'dlib-hog:small_faces=false,upsample=1' had found"), std::string::npos) << phash.output;
  // The record reproduces the run.
  auto again = test::castnet_cli(fmt::format("run {} -o {} --quiet --pipeline {}/pipeline.toml", frames().string(), out_.string(),
                                             out_.string()));
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_EQ(test::slurp(out_ / "pipeline.toml"), record);
}

TEST_F(HamiltonRun, ExtractResumesWithoutRedoingFrames) {
  auto again = test::castnet_cli(fmt::format("extract {} -o {} --quiet --preset seed", frames().string(), out_.string()));
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("60 frames (60 done before), 0 faces"), std::string::npos) << again.output;
}

TEST_F(HamiltonRun, ExecutionSettingsReuseWhatIsStored) {
  // batch and threads change how the work runs, not what it gives: nothing is embedded again,
  // and a clusterer's threads do not make a second clustering key.
  auto again = test::castnet_cli(fmt::format("extract {} -o {} --quiet --preset seed --threads 1 --embedder dlib-resnet:batch=3",
                                             frames().string(), out_.string()));
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("60 frames (60 done before), 0 faces"), std::string::npos) << again.output;
  auto cl = test::castnet_cli(fmt::format("cluster -o {} --cluster dbscan:threads=1", out_.string()));
  ASSERT_EQ(cl.code, 0) << cl.output;
  EXPECT_NE(cl.output.find("(dbscan:eps=0.4,min_samples=5)\n"),
            std::string::npos) << cl.output;
  // A setting that changes the result is a new key: padding re-embeds every face.
  auto other = test::castnet_cli(fmt::format("extract {} -o {} --quiet --preset seed --embedder dlib-resnet:padding=0.3",
                                             frames().string(), out_.string()));
  ASSERT_EQ(other.code, 0) << other.output;
  EXPECT_NE(other.output.find("60 frames (0 done before), 40 faces"), std::string::npos) << other.output;
}

TEST(Regraph, ReusesCropsRenamesThemToNewLabelsAndDropsStaleFiles) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto dir = test::temp_dir("regraph");
  fs::create_directories(dir / "frames");
  for (int n : {5, 30, 35, 40, 48, 50})
    fs::copy_file(frames() / fmt::format("SHOW_20230313_083000_demo-{:06d}.jpg", n), dir / fmt::format("frames/SHOW-{:06d}.jpg", n));
  ASSERT_EQ(test::castnet_cli(fmt::format("run {0}/frames -o {0}/out --quiet --cluster dbscan:eps=0.5,min_samples=1", dir.string())).code, 0);
  auto montages_before = std::distance(fs::directory_iterator(dir / "out/montages"), fs::directory_iterator{});
  // The frames are gone: a re-run can only use the crops it wrote.
  fs::rename(dir / "frames", dir / "frames.away");
  auto r = test::castnet_cli(fmt::format("cluster -o {0}/out --cluster dbscan:eps=0.3,min_samples=1", dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  r = test::castnet_cli(fmt::format("graph -o {0}/out --quiet", dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("no longer readable"), std::string::npos) << r.output;
  auto faces = test::read_csv(dir / "out/faces.csv");
  auto store_faces = FaceStore(dir / "out/castnet.sqlite").faces(test::kDefaultDetector);
  ASSERT_EQ(faces.rows.size(), store_faces.size());
  std::set<std::string> expected, found;
  for (std::size_t i = 0; i < faces.rows.size(); ++i) expected.insert(fmt::format("{}-{}.jpg", faces.rows[i][6], store_faces[i].id));
  for (const auto& e : fs::directory_iterator(dir / "out/faces")) found.insert(e.path().filename().string());
  EXPECT_EQ(found, expected) << "one crop per face, named by its new label";
  auto people = test::read_csv(dir / "out/nodes.csv").rows.size();
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "out/node_images"), fs::directory_iterator{}), long(people));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "out/montages"), fs::directory_iterator{}), long(people + 1));  // + montage-all
  EXPECT_GT(people + 1, std::size_t(montages_before)) << "eps 0.3 should split people apart";
}

// Frames moved away and their crops gone: `graph` says so in one castnet sentence for the
// broadcast, not a line per frame, and no library prints a line per missing picture.
TEST(Regraph, FramesMovedAwayGiveOneSentenceForTheBroadcast) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto dir = test::temp_dir("moved");
  fs::create_directories(dir / "frames");
  for (int n : {30, 35, 40, 48})
    fs::copy_file(frames() / fmt::format("SHOW_20230313_083000_demo-{:06d}.jpg", n), dir / fmt::format("frames/SHOW-{:06d}.jpg", n));
  ASSERT_EQ(test::castnet_cli(fmt::format("run {0}/frames -o {0}/out --quiet", dir.string())).code, 0);
  fs::rename(dir / "frames", dir / "frames.away");
  fs::remove_all(dir / "out/faces");
  auto r = test::castnet_cli(fmt::format("graph -o {0}/out --quiet", dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  std::size_t lines = 0;
  for (std::size_t at = r.output.find("warning:"); at != std::string::npos; at = r.output.find("warning:", at + 1)) ++lines;
  EXPECT_EQ(lines, 1u) << r.output;
  EXPECT_NE(r.output.find("4 of the 4 frames wanted from broadcast frames (first: SHOW-000030.jpg) are no longer readable"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("WARN"), std::string::npos) << "a library's own line per missing picture: " << r.output;
}

// The store names an input by its normalised path; a source that named its frames by the path as
// typed (../shared/...) could not find them again, and every face crop went missing.
TEST(Regraph, AnInputPathWithDotDotStillGivesEveryShownFaceItsCrop) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto dir = test::temp_dir("dotdot");
  fs::create_directories(dir / "frames");
  for (int n : {30, 35, 40})
    fs::copy_file(frames() / fmt::format("SHOW_20230313_083000_demo-{:06d}.jpg", n), dir / fmt::format("frames/SHOW-{:06d}.jpg", n));
  // The default pipeline gives every face a person (the seed's DBSCAN leaves three faces noise,
  // which no picture shows and castnet does not crop).
  auto r = test::castnet_cli(fmt::format("run {0}/frames/../frames -o {0}/out --quiet", dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("no longer readable"), std::string::npos) << r.output;
  const auto faces = test::read_csv(dir / "out/faces.csv").rows;
  ASSERT_GT(faces.size(), 0u);
  for (const auto& f : faces) ASSERT_NE(f[6], "-1");
  EXPECT_EQ(std::size_t(std::distance(fs::directory_iterator(dir / "out/faces"), fs::directory_iterator{})), faces.size());
}

// OpenBLAS 0.3.21 takes this machine class's Xeons for its oldest x86-64 core (Prescott, SSE3), and
// ResNet's products run ~2.5x slower; castnet starts again with the CPU's own kernels
// (use_this_cpus_blas_kernels). A user's OPENBLAS_CORETYPE is left as it is.
TEST(Blas, OpenBlasRunsThisCpusKernelsUnlessTheUserChoseOthers) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto dir = test::temp_dir("blas");
  fs::create_directories(dir / "frames");
  fs::copy_file(frames() / "SHOW_20230313_083000_demo-000030.jpg", dir / "frames/SHOW-000030.jpg");
  auto blas = [&](const std::string& env, const std::string& out) {
    auto r = test::castnet_cli(fmt::format("extract {}/frames -o {}/{} --threads 1", dir.string(), dir.string(), out), env);
    EXPECT_EQ(r.code, 0) << r.output;
    auto at = r.output.find("BLAS: ");
    return at == std::string::npos ? r.output : r.output.substr(at, r.output.find('\n', at) - at);
  };
  const std::string chosen = blas("OPENBLAS_CORETYPE=Prescott", "chosen");
  if (chosen.find("OpenBLAS") == std::string::npos || chosen.find("DYNAMIC_ARCH") == std::string::npos)
    GTEST_SKIP() << "libblas.so.3 is not an OpenBLAS that chooses its kernels at run time: " << chosen;
  EXPECT_NE(chosen.find(" Prescott "), std::string::npos) << chosen;
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
    GTEST_SKIP() << "no AVX2 here: castnet keeps OpenBLAS's own choice, whatever it is";
  const std::string ours = blas("env -u OPENBLAS_CORETYPE", "ours");
  EXPECT_EQ(ours.find(" Prescott "), std::string::npos) << ours;
}

}  // namespace
}  // namespace castnet
