// The face constraints on hand-made faces: 2-D embeddings, frames in one broadcast.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "castnet/core/constraints.hpp"

namespace castnet {
namespace {

struct Scene {
  std::vector<FacePlace> where;
  EmbeddingSet x{2, Metric::euclidean, {}};
  std::vector<int> labels;

  // A face at (ex, ey) in embedding space, in frame `seq`, with a box at `left`.
  void face(long seq, double ex, double ey, int label, long left = 0) {
    where.push_back({seq + 1, 1, seq, Box{left, 100, left + 60, 160}});
    x.data.push_back(ex);
    x.data.push_back(ey);
    labels.push_back(label);
  }
};

// No cluster holds two faces of one frame.
bool one_face_per_frame(const Scene& s, const std::vector<int>& labels) {
  std::set<std::pair<int, std::int64_t>> seen;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0 && !seen.insert({labels[i], s.where[i].frame}).second) return false;
  return true;
}

ConstraintOptions only_cannot_link() { return {true, false, 0.5, 0.6, 0.0}; }  // same_person 0.6

TEST(Constraints, CannotLinkSplitsTwoPeopleMergedIntoOneCluster) {
  Scene s;  // A near (0,0), B near (1,0): a clusterer put them together; they share frames 0-4
  for (long f = 0; f < 10; ++f) s.face(f, 0.01 * double(f), 0, 0, 0);
  for (long f = 0; f < 5; ++f) s.face(f, 1 + 0.01 * double(f), 0, 0, 300);
  for (long f = 10; f < 15; ++f) s.face(f, 1, 0.01 * double(f), 0, 300);  // B alone: must follow B
  auto labels = s.labels;
  auto summary = apply_constraints(s.where, s.x, labels, only_cannot_link());
  EXPECT_EQ(summary.split_clusters, 1u);
  EXPECT_TRUE(one_face_per_frame(s, labels));
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(labels[i], labels[0]) << i;
  for (std::size_t i = 10; i < 20; ++i) EXPECT_EQ(labels[i], labels[10]) << i;
  EXPECT_NE(labels[0], labels[10]);
  for (int l : labels) EXPECT_GE(l, 0);  // split, never dropped
}

TEST(Constraints, CannotLinkPeelsOnlyTheOddFaceOfOnePerson) {
  Scene s;  // one person in 30 frames, and in frame 7 a second, different-looking face of them
  for (long f = 0; f < 30; ++f) s.face(f, 0.02 * double(f % 5), 0.02 * double(f % 3), 0, 0);
  s.face(7, 0.3, 0.3, 0, 300);
  auto labels = s.labels;
  apply_constraints(s.where, s.x, labels, only_cannot_link());
  EXPECT_TRUE(one_face_per_frame(s, labels));
  std::map<int, int> size;
  for (int l : labels) ++size[l];
  EXPECT_EQ(size.size(), 2u);
  EXPECT_EQ(size[labels[0]], 30);  // the person is not cut in halves
}

// An anchor on the studio screen behind themself in many frames: each second showing leaves
// alone (the one nearer the person's centre stays), in one pass over the frames. Before, each
// frame was a level of recursion holding a copy of the cluster: memory grew with frames x faces.
TEST(Constraints, CannotLinkPeelsEverySecondShowingOfAnAnchorInOnePass) {
  Scene s;
  const long frames = 3000;
  for (long f = 0; f < frames; ++f) s.face(f, 0.001 * double(f % 50), 0.001 * double(f % 30), 0, 0);
  for (long f = 0; f < frames; f += 3) s.face(f, 0.2, 0.2, 0, 300);  // on the screen, a little off
  auto labels = s.labels;
  auto summary = apply_constraints(s.where, s.x, labels, only_cannot_link());
  EXPECT_EQ(summary.split_clusters, 1u);
  EXPECT_TRUE(one_face_per_frame(s, labels));
  for (long f = 0; f < frames; ++f) EXPECT_EQ(labels[std::size_t(f)], labels[0]) << "the anchor stays whole, frame " << f;
  std::set<int> peeled;
  for (std::size_t i = std::size_t(frames); i < labels.size(); ++i) peeled.insert(labels[i]);
  EXPECT_EQ(peeled.size(), labels.size() - std::size_t(frames)) << "each second showing alone";
  EXPECT_FALSE(peeled.count(labels[0]));
}

TEST(Constraints, CannotLinkResolvesThreeFacesOfOneFrame) {
  Scene s;
  for (long f = 0; f < 6; ++f)
    for (int p = 0; p < 3; ++p) s.face(f, double(p), 0.01 * double(f), 0, 200 * p);
  auto labels = s.labels;
  apply_constraints(s.where, s.x, labels, only_cannot_link());
  EXPECT_TRUE(one_face_per_frame(s, labels));
  EXPECT_EQ(std::set<int>(labels.begin(), labels.end()).size(), 3u);
}

TEST(Constraints, CannotLinkSplitsHashesByTheirMajorityBits) {
  // Perceptual hashes, one bit per component: A is all zeros, B has the first 8 of 20 bits set;
  // each other face flips one of the last 12. A part's centre must stay a hash (the majority
  // bit): a fractional mean differs from every hash in every fractional component, so after nine
  // of A's faces a tenth would be nearer B's seed (9 bits) than A's own part.
  Scene s;
  s.x = EmbeddingSet{20, Metric::hamming, {}};
  auto hash = [&](long frame, bool b, int flip, long left) {
    std::vector<double> h(20, 0.0);
    for (int i = 0; i < 8 && b; ++i) h[std::size_t(i)] = 1;
    if (flip >= 0) h[std::size_t(8 + flip)] = 1;
    s.where.push_back({frame + 1, 1, frame, Box{left, 100, left + 60, 160}});
    s.x.data.insert(s.x.data.end(), h.begin(), h.end());
    s.labels.push_back(0);
  };
  hash(0, false, -1, 0);
  hash(0, true, -1, 300);
  for (int k = 0; k < 12; ++k) hash(1 + k, false, k, 0);
  for (int k = 0; k < 12; ++k) hash(20 + k, true, k, 300);
  auto labels = s.labels;
  apply_constraints(s.where, s.x, labels, {true, false, 0.5, 3.0, 0.0});
  EXPECT_TRUE(one_face_per_frame(s, labels));
  for (std::size_t i = 2; i < 14; ++i) EXPECT_EQ(labels[i], labels[0]) << i;
  for (std::size_t i = 14; i < 26; ++i) EXPECT_EQ(labels[i], labels[1]) << i;
}

TEST(Constraints, MustLinkJoinsATrackedFaceAcrossAShot) {
  Scene s;  // frames 0-5: one face in place; the clusterer cut it in two and left one as noise
  for (long f = 0; f < 6; ++f) s.face(f, 0.1 * double(f), 0, f < 3 ? 0 : 1, 100 + f);
  s.labels[4] = -1;
  auto labels = s.labels;
  auto summary = apply_constraints(s.where, s.x, labels, {true, true, 0.5, 0.6, 0.0});
  EXPECT_EQ(summary.tracks, 1u);
  EXPECT_EQ(summary.joined_noise, 1u);
  EXPECT_EQ(summary.merged_clusters, 1u);
  EXPECT_EQ(std::set<int>(labels.begin(), labels.end()), std::set<int>{0});
}

TEST(Constraints, MustLinkNeedsOverlapCloseEmbeddingsAndConsecutiveFrames) {
  Scene s;
  s.face(0, 0, 0, 0, 0);
  s.face(1, 0, 0, 1, 400);    // same look, elsewhere in the next frame: no track
  s.face(2, 0.9, 0, 2, 400);  // in place, but another face: no track
  s.face(4, 0.9, 0, 3, 400);  // in place and alike, but frame 3 between: no track
  auto labels = s.labels;
  auto summary = apply_constraints(s.where, s.x, labels, {true, true, 0.5, 0.6, 0.0});
  EXPECT_EQ(summary.tracks, 0u);
  EXPECT_EQ(std::set<int>(labels.begin(), labels.end()).size(), 4u);
}

TEST(Constraints, MergeDistanceJoinsNearClustersThatShareNoFrame) {
  Scene s;
  for (long f = 0; f < 4; ++f) s.face(f, 0, 0.01 * double(f), 0);
  for (long f = 10; f < 14; ++f) s.face(f, 0.4, 0.01 * double(f), 1);  // the same person, other lighting
  for (long f = 10; f < 14; ++f) s.face(f, 0.8, 0.01 * double(f), 2, 300);  // someone beside them
  auto labels = s.labels;
  auto summary = apply_constraints(s.where, s.x, labels, {true, false, 0.5, 0.6, 0.5});
  EXPECT_EQ(summary.merged_clusters, 1u);
  EXPECT_EQ(labels[0], labels[4]);
  EXPECT_NE(labels[4], labels[8]);  // 0.4 from cluster 1, but they share frames 10-13
  EXPECT_TRUE(one_face_per_frame(s, labels));
}

// Average linkage is exact after a join: A and B join first; C's centre is too far from B's for
// the pair to be a candidate, yet A and B together are on average close enough to C (0.845).
TEST(Constraints, MergeDistanceMeasuresAJoinedClustersLinkThatOneSideLacked) {
  Scene s;
  for (long f = 0; f < 10; ++f) s.face(f, 0, 0, 0);  // A
  s.face(20, 0.5, 0, 1);                             // B: 0.5 from A
  s.face(30, -0.8, 0, 2);                            // C: 0.8 from A, 1.3 from B
  auto labels = s.labels;
  auto summary = apply_constraints(s.where, s.x, labels, {true, false, 0.5, 0.6, 1.0});
  EXPECT_EQ(summary.merged_clusters, 2u);
  EXPECT_EQ(std::set<int>(labels.begin(), labels.end()).size(), 1u);
}

// The join is UPGMA exactly: on random clusters (some sharing frames) it makes the partition that
// joining the nearest pair of clusters by mean distance, over and over, makes.
TEST(Constraints, MergeDistanceEqualsNaiveAverageLinkage) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> at(0, 2), near(-0.15, 0.15);
    Scene s;
    for (int c = 0; c < 40; ++c) {
      const double cx = at(rng), cy = at(rng);
      const std::size_t n = 1 + rng() % 6;
      std::set<long> frames;  // of this cluster: none twice, so that cannot-link splits nothing first
      while (frames.size() < n) frames.insert(long(rng() % 150));
      for (long f : frames) s.face(f, cx + near(rng), cy + near(rng), c);
    }
    auto labels = s.labels, on_two = s.labels;
    apply_constraints(s.where, s.x, labels, {true, false, 0.5, 0.6, 0.6, 1});
    apply_constraints(s.where, s.x, on_two, {true, false, 0.5, 0.6, 0.6, 2});
    EXPECT_EQ(labels, on_two) << "seed " << seed << ": the join depends on its workers";

    std::vector<std::vector<std::size_t>> parts(40);
    for (std::size_t i = 0; i < s.labels.size(); ++i) parts[std::size_t(s.labels[i])].push_back(i);
    auto mean = [&](const auto& a, const auto& b) {
      double sum = 0;
      for (std::size_t i : a)
        for (std::size_t j : b) sum += s.x.distance(i, j);
      return sum / double(a.size() * b.size());
    };
    auto share = [&](const auto& a, const auto& b) {
      for (std::size_t i : a)
        for (std::size_t j : b)
          if (s.where[i].frame == s.where[j].frame) return true;
      return false;
    };
    for (;;) {
      std::size_t ba = 0, bb = 0;
      double best = 0.6;
      for (std::size_t a = 0; a < parts.size(); ++a)
        for (std::size_t b = a + 1; b < parts.size(); ++b)
          if (!parts[a].empty() && !parts[b].empty() && !share(parts[a], parts[b]) && mean(parts[a], parts[b]) < best)
            best = mean(parts[a], parts[b]), ba = a, bb = b;
      if (best >= 0.6) break;
      parts[ba].insert(parts[ba].end(), parts[bb].begin(), parts[bb].end());
      parts[bb].clear();
    }
    std::size_t expected = 0;
    for (const auto& p : parts) {
      if (p.empty()) continue;
      ++expected;
      for (std::size_t i : p) EXPECT_EQ(labels[i], labels[p[0]]) << "seed " << seed;
    }
    EXPECT_EQ(std::set<int>(labels.begin(), labels.end()).size(), expected) << "seed " << seed;
    EXPECT_LT(expected, 35u) << "seed " << seed;  // joins were made
  }
}

TEST(Constraints, LabelsAreDenseAndTheSameEveryRun) {
  Scene s;
  for (long f = 0; f < 8; ++f) s.face(f, double(f % 2), 0, 5, 300 * (f % 2));
  for (long f = 0; f < 8; ++f) s.face(f, 3, 0, -1, 600);
  auto a = s.labels, b = s.labels;
  apply_constraints(s.where, s.x, a, {true, true, 0.5, 0.6, 0.6});
  apply_constraints(s.where, s.x, b, {true, true, 0.5, 0.6, 0.6});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a[0], 0);
  for (int l : a) EXPECT_LE(l, 1);
  EXPECT_EQ(a[8], -1);  // noise that no track holds stays noise
}

}  // namespace
}  // namespace castnet
