// DBSCAN labels equal scikit-learn's: on the reference files, and live on random data through
// Debian's python3-sklearn.
#include <cmath>
#include <random>

#include <set>

#include <fmt/format.h>

#include "castnet/eval/clustering_scores.hpp"
#include "castnet/eval/synthetic_faces.hpp"
#include "castnet/sdk/plugin.hpp"
#include "support.hpp"

namespace castnet {
namespace {

Clustering run_dbscan(const EmbeddingSet& x, double eps, int min_samples) {
  auto c = test::registry().create<Clusterer>(PluginKind::clusterer,
                                              parse_stage_spec(fmt::format("dbscan:eps={},min_samples={}", eps, min_samples)), {});
  return c->cluster(x);
}

TEST(Dbscan, EqualsSklearnOnFaceEncodings) {
  CASTNET_REQUIRE_SHARED();
  auto enc = test::read_csv(test::shared_dir() / "reference/face_recognition/hog_encodings.csv");
  EmbeddingSet x;
  x.dim = 128;
  int e0 = enc.col("e0");
  for (const auto& r : enc.rows) {
    if (r[0].rfind("faces/", 0) != 0) continue;
    for (int d = 0; d < 128; ++d) x.data.push_back(std::stod(r[e0 + d]));
  }
  ASSERT_EQ(x.size(), 66u);
  auto ref = test::read_csv(test::shared_dir() / "reference/sklearn/dbscan_labels.csv");
  std::map<std::pair<double, int>, std::vector<int>> expected;
  for (const auto& r : ref.rows) expected[{std::stod(r[0]), std::stoi(r[1])}].push_back(std::stoi(r[ref.col("label")]));
  ASSERT_EQ(expected.size(), 9u);
  for (const auto& [key, labels] : expected)
    EXPECT_EQ(run_dbscan(x, key.first, key.second).labels, labels) << "eps=" << key.first << " min_samples=" << key.second;
}

TEST(Dbscan, EqualsSklearnOnBlobsAndMoons) {
  CASTNET_REQUIRE_SHARED();
  auto pts = test::read_csv(test::shared_dir() / "reference/hdbscan/points_blobs_moons.csv");
  EmbeddingSet x;
  x.dim = 2;
  for (const auto& r : pts.rows) x.data.insert(x.data.end(), {std::stod(r[1]), std::stod(r[2])});
  auto ref = test::read_csv(test::shared_dir() / "reference/sklearn/dbscan_blobs_moons.csv");
  std::vector<int> labels;
  for (const auto& r : ref.rows) labels.push_back(std::stoi(r[ref.col("label")]));
  EXPECT_EQ(run_dbscan(x, 0.3, 5).labels, labels);
}

TEST(Dbscan, EqualsLiveSklearnOnRandomData) {
  if (test::run(test::python() + " -c 'import sklearn'") != 0) GTEST_SKIP() << "python3-sklearn is not installed (scripts/setup installs it)";
  std::mt19937 rng(1234);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  auto dir = std::filesystem::temp_directory_path();
  for (int trial = 0; trial < 4; ++trial) {
    EmbeddingSet x;
    x.dim = 3 + trial * 5;
    std::size_t n = 300 + trial * 100;
    for (std::size_t i = 0; i < n; ++i) {
      float centre = float(i % 5) * 3.0f;
      for (std::size_t d = 0; d < x.dim; ++d) x.data.push_back(centre + noise(rng));
    }
    double eps = (0.9 + 0.1 * trial) * std::sqrt(double(x.dim));  // inside a blob, not across
    int min_samples = 2 + 3 * trial;
    auto in = dir / "castnet_dbscan_live.csv", out = dir / "castnet_dbscan_live_labels.txt";
    {
      std::ofstream f(in);
      f.precision(9);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t d = 0; d < x.dim; ++d) f << (d ? "," : "") << x.row(i)[d];
        f << "\n";
      }
    }
    std::string py = fmt::format(
        "{} -c \"import numpy as np, sklearn.cluster as c; X=np.loadtxt('{}', delimiter=',', dtype=np.float32).astype(np.float64); "
        "print('\\n'.join(map(str, c.DBSCAN(eps={}, min_samples={}, algorithm='brute').fit(X).labels_)))\" > {}",
        test::python(), in.string(), eps, min_samples, out.string());
    ASSERT_EQ(std::system(py.c_str()), 0);
    std::ifstream f(out);
    std::vector<int> expected;
    for (int l; f >> l;) expected.push_back(l);
    auto got = run_dbscan(x, eps, min_samples).labels;
    EXPECT_EQ(got, expected) << "trial " << trial << " eps=" << eps << " min_samples=" << min_samples;
    std::set<int> clusters(got.begin(), got.end());
    EXPECT_GT(clusters.size(), 2u) << "the data should make several clusters";
  }
}

// A year in miniature: 20,000 calibrated synthetic faces (distances as dlib's, Zipf-sized
// identities), scikit-learn's DBSCAN at the seed's settings, run live on the same float64 points.
TEST(Dbscan, EqualsLiveSklearnOn20000CalibratedFaces) {
  if (test::run(test::python() + " -c 'import sklearn'") != 0) GTEST_SKIP() << "python3-sklearn is not installed (scripts/setup installs it)";
  SyntheticFaces faces = synthetic_faces(20000, 3);
  auto dir = std::filesystem::temp_directory_path() / fmt::format("castnet_dbscan20k_{}", ::getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "points.bin", std::ios::binary);
    f.write(reinterpret_cast<const char*>(faces.x.data.data()), std::streamsize(faces.x.data.size() * sizeof(double)));
  }
  std::string script = fmt::format("{}/tests/bench/sklearn_dbscan.py", CASTNET_SOURCE_DIR);
  ASSERT_EQ(test::run(fmt::format("{} {} {}/points.bin 0.4 5 {}/labels.txt", test::python(), script, dir.string(), dir.string())), 0);
  std::ifstream f(dir / "labels.txt");
  std::vector<int> expected;
  for (int l; f >> l;) expected.push_back(l);
  auto got = run_dbscan(faces.x, 0.4, 5).labels;
  EXPECT_EQ(got, expected);
  EXPECT_GT(std::set<int>(got.begin(), got.end()).size(), 100u) << "a hundred people and more";
  std::filesystem::remove_all(dir);
}

// The engine and the brute force it replaced give the same labels, metric by metric.
TEST(Dbscan, TreeEqualsBruteForce) {
  SyntheticFaces faces = synthetic_faces(3000, 5);
  for (Metric m : {Metric::euclidean, Metric::cosine}) {
    faces.x.metric = m;
    double eps = m == Metric::euclidean ? 0.4 : 0.08;
    auto brute = test::registry().create<Clusterer>(
        PluginKind::clusterer, parse_stage_spec(fmt::format("dbscan:eps={},min_samples=4,algorithm=brute", eps)), {});
    EXPECT_EQ(run_dbscan(faces.x, eps, 4).labels, brute->cluster(faces.x).labels) << to_string(m);
  }
}

// The approximate clusterer finds nearly the exact one's clusters on calibrated faces (its
// recall@10 is 0.994 at 20,000: docs/clustering-a-year.md).
TEST(Dbscan, HnswNearlyEqualsExact) {
  SyntheticFaces faces = synthetic_faces(3000, 9);
  auto approximate = test::registry().create<Clusterer>(PluginKind::clusterer, parse_stage_spec("dbscan-hnsw:eps=0.4,min_samples=5"), {});
  std::vector<int> exact = run_dbscan(faces.x, 0.4, 5).labels, got = approximate->cluster(faces.x).labels;
  EXPECT_GT(scores::adjusted_rand_index(scores::noise_as_singletons(exact), scores::noise_as_singletons(got)), 0.98);
  EXPECT_EQ(scores::cluster_count(got), scores::cluster_count(exact));
}

}  // namespace
}  // namespace castnet
