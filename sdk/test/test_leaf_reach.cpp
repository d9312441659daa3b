// The leaves' reach towards each other (sdk/src/leaf_reach.hpp): every bound holds for every
// point, computed again in double; and on faces spread as dlib's are, the bound proves most
// pairs of leaves apart whose balls overlap (what makes the DBSCAN at a million fast).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../src/ball_tree.hpp"
#include "../src/leaf_reach.hpp"

namespace castnet::index {
namespace {

// 60 people of 120 faces in 128 dimensions: centres about 0.75 apart, faces 0.1 to 0.4 from
// their centre (as bench_cluster's calibrated faces, which match dlib's encodings).
EmbeddingSet faces(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> spread(0.1, 0.4);
  const std::size_t dim = 128, people = 60, each = 120;
  const double unit = 1.0 / std::sqrt(double(dim));
  EmbeddingSet x;
  x.dim = dim;
  std::vector<double> centre(dim);
  for (std::size_t p = 0; p < people; ++p) {
    for (double& v : centre) v = normal(rng) * unit * 0.53;
    for (std::size_t f = 0; f < each; ++f) {
      const double s = spread(rng);
      for (std::size_t d = 0; d < dim; ++d) x.data.push_back(centre[d] + normal(rng) * unit * s);
    }
  }
  return x;
}

double centre_distance(const Tree& t, std::size_t a, std::size_t b) {
  double s = 0;
  for (std::size_t d = 0; d < t.space.dim; ++d) s += std::pow(double(t.centroid(a)[d]) - double(t.centroid(b)[d]), 2);
  return std::sqrt(s);
}

TEST(LeafReach, HoldsForEveryPointAndProvesMostOverlappingLeavesApart) {
  const double radius = 0.4, slack = 1e-5;
  EmbeddingSet x = faces(11);
  Tree t = build_tree(x, 2048, 16, 2048);
  ASSERT_GT(t.leaves.size(), 20u);
  LeafReach reach(t, radius, slack, 2);
  std::size_t overlapping = 0, proved_apart = 0;
  for (std::size_t a : t.leaves)
    for (std::size_t b : t.leaves) {
      if (a == b) continue;
      const double d = centre_distance(t, a, b);
      // Every point of a lies no farther along the axis towards b's centre than the bound.
      for (std::size_t p = t.nodes[a].begin; p < t.nodes[a].end; ++p) {
        double along = 0;
        for (std::size_t k = 0; k < t.space.dim; ++k)
          along += (double(t.space.row(p)[k]) - double(t.centroid(a)[k])) * (double(t.centroid(b)[k]) - double(t.centroid(a)[k])) / d;
        ASSERT_LE(along, reach.reach(a, b)) << "leaves " << a << " and " << b << ", point " << p;
      }
      if (a < b && d - t.nodes[a].radius - t.nodes[b].radius <= radius) {
        ++overlapping;
        proved_apart += d - reach.reach(a, b) - reach.reach(b, a) > radius + slack;
      }
    }
  ASSERT_GT(overlapping, 100u);
  EXPECT_GT(double(proved_apart), 0.5 * double(overlapping)) << proved_apart << " of " << overlapping;
}

}  // namespace
}  // namespace castnet::index
