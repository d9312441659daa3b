// Chinese whispers: dlib's clusters exactly on dlib's graph (every pair within the threshold),
// and on the bounded graph a year needs, the same people on calibrated faces.
#include <map>
#include <random>

#include <dlib/clustering.h>
#include <fmt/format.h>

#include "castnet/eval/clustering_scores.hpp"
#include "castnet/eval/synthetic_faces.hpp"
#include "castnet/sdk/plugin.hpp"
#include "support.hpp"

namespace castnet {
namespace {

std::vector<int> whispers(const EmbeddingSet& x, const std::string& params) {
  return test::registry().create<Clusterer>(PluginKind::clusterer, parse_stage_spec("chinese-whispers:" + params), {})->cluster(x).labels;
}

// dlib's dnn_face_recognition_ex.cpp: every pair closer than the threshold, then
// dlib::chinese_whispers; labels renumbered by first face as the plugin does.
std::vector<int> dlib_whispers(const EmbeddingSet& x, double threshold) {
  std::vector<dlib::sample_pair> edges;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i; j < x.size(); ++j)
      if (i == j || x.distance(i, j) < threshold) edges.emplace_back(i, j);
  std::vector<unsigned long> raw;
  dlib::chinese_whispers(edges, raw);
  std::map<unsigned long, int> id;
  std::vector<int> out;
  for (auto l : raw) out.push_back(id.emplace(l, int(id.size())).first->second);
  return out;
}

TEST(ChineseWhispers, OnEveryPairItGivesDlibsClustersExactly) {
  for (unsigned long long seed : {1ull, 2ull, 3ull}) {
    SyntheticFaces f = synthetic_faces(1500, seed);
    for (double threshold : {0.4, 0.5, 0.6})
      EXPECT_EQ(whispers(f.x, fmt::format("threshold={},max_neighbors=0", threshold)), dlib_whispers(f.x, threshold))
          << "seed " << seed << ", threshold " << threshold;
  }
}

TEST(ChineseWhispers, TheBoundedGraphFindsThePeopleTheWholeGraphFinds) {
  SyntheticFaces f = synthetic_faces(10000, 5);
  auto every = whispers(f.x, "threshold=0.4,max_neighbors=0");
  auto e = scores::bcubed(f.identity, every);
  for (const char* bounded : {"threshold=0.4,sample=0", "threshold=0.4", "threshold=0.4,sample=16"}) {
    auto b = scores::bcubed(f.identity, whispers(f.x, bounded));
    EXPECT_GE(b.f1, e.f1 - 0.005) << bounded << ": " << b.f1 << ", every pair " << e.f1;
    EXPECT_GE(b.precision, 0.99) << bounded;
  }
}

// An episode (2,300 faces, an anchor with a fifth of them): no face has 8 of the sample within
// the threshold, so every face whispers on its exact nearest, and the clusters are the exact
// graph's, face for face: docs/quality.md's sets are clustered as before the sample.
TEST(ChineseWhispers, AnEpisodeIsClusteredOnTheExactGraph) {
  for (unsigned long long seed : {1ull, 2ull, 3ull}) {
    SyntheticFaces f = synthetic_faces(2300, seed);
    EXPECT_EQ(whispers(f.x, "threshold=0.4"), whispers(f.x, "threshold=0.4,sample=0")) << "seed " << seed;
  }
}

// Where a large person's faces follow the sample (and the next people's are half sample, half
// exact, which split such a person in two when both kinds whispered), each of the largest people
// stays one cluster, as on the exact graph.
TEST(ChineseWhispers, TheSampleKeepsLargePeopleWhole) {
  SyntheticFaces f = synthetic_faces(40000, 5);
  auto labels = whispers(f.x, "threshold=0.4");
  auto b = scores::bcubed(f.identity, labels), e = scores::bcubed(f.identity, whispers(f.x, "threshold=0.4,sample=0"));
  EXPECT_GE(b.f1, e.f1 - 0.005) << "sample " << b.f1 << ", exact " << e.f1;
  std::map<int, std::map<int, std::size_t>> clusters_of;  // identity -> cluster -> faces
  for (std::size_t i = 0; i < labels.size(); ++i) ++clusters_of[f.identity[i]][labels[i]];
  for (const auto& [identity, clusters] : clusters_of) {
    std::size_t faces = 0, most = 0;
    for (auto [cluster, n] : clusters) faces += n, most = std::max(most, n);
    if (faces < 1000) continue;
    EXPECT_GE(double(most), 0.95 * double(faces)) << "identity " << identity << " of " << faces << " faces";
  }
}

}  // namespace
}  // namespace castnet
