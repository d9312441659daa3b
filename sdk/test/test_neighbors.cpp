// The exact engine against the brute force, query by query: ranges, capped counts, k-th
// distances, k nearest and pairs, on clustered data in three metrics, with ties made on purpose
// (coordinates on a grid put many distances exactly on the radius) and duplicate points.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <random>
#include <set>
#include <span>

#include "castnet/sdk/neighbors.hpp"

namespace castnet {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Case {
  const char* name;
  Metric metric;
  std::size_t dim;
  bool grid;      // coordinates in {0, 0.5, 1}: distances tie at the radius
  double radius;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

EmbeddingSet make_points(const Case& c, std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.15);
  std::uniform_int_distribution<int> bit(0, 1), third(0, 2);
  EmbeddingSet x;
  x.dim = c.dim;
  x.metric = c.metric;
  std::vector<std::vector<double>> centres(12, std::vector<double>(c.dim));
  for (auto& centre : centres)
    for (double& v : centre) v = c.metric == Metric::hamming ? bit(rng) : noise(rng) * 4;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 10 == 9) {  // a duplicate of an earlier point
      std::vector<double> copy(x.row(i / 2), x.row(i / 2) + c.dim);
      x.data.insert(x.data.end(), copy.begin(), copy.end());
      continue;
    }
    const auto& centre = centres[rng() % centres.size()];
    for (std::size_t d = 0; d < c.dim; ++d) {
      double v = centre[d] + noise(rng);
      if (c.metric == Metric::hamming) v = (rng() % 8 == 0) ? 1 - centre[d] : centre[d];
      if (c.grid) v = 0.5 * third(rng);
      x.data.push_back(v);
    }
  }
  return x;
}

class NeighborsTest : public ::testing::TestWithParam<Case> {};

TEST_P(NeighborsTest, ExactEngineEqualsBruteForce) {
  const Case& c = GetParam();
  EmbeddingSet x = make_points(c, 3000, 7);  // a few dozen leaves
  BruteForceIndex brute(x);
  auto engine = make_neighbor_index(x);
  ASSERT_EQ(engine->size(), x.size());

  std::vector<std::size_t> a, b;
  for (std::size_t i = 0; i < x.size(); i += 11) {
    brute.within(i, c.radius, a);
    engine->within(i, c.radius, b);
    ASSERT_EQ(a, b) << "within, point " << i;
  }
  // Many points in blocks, before and after a count has made the leaves' reach.
  std::vector<std::size_t> some;
  for (std::size_t i = 0; i < x.size(); i += 9) some.push_back(i);  // too few to make the reach
  auto within_each_equals_brute = [&](const char* when) {
    std::atomic<std::size_t> calls{0};  // found() runs on the workers at once (neighbors.hpp)
    engine->within_each(some, c.radius, 2, [&](std::size_t i, const std::vector<std::size_t>& hits) {
      ++calls;
      std::vector<std::size_t> expected;
      brute.within(i, c.radius, expected);
      ASSERT_EQ(hits, expected) << "within_each " << when << ", point " << i;
    });
    EXPECT_EQ(calls.load(), some.size()) << "within_each " << when;
  };
  within_each_equals_brute("before counts");
  for (std::size_t cap : {std::size_t{1}, std::size_t{5}, std::size_t{300}, x.size()})
    EXPECT_EQ(brute.count_within(c.radius, cap, 2), engine->count_within(c.radius, cap, 2)) << "cap " << cap;
  // The neighbours a count met: all of them below the cap (DBSCAN's border points need no second
  // search), else cap of them, each within the radius.
  std::vector<std::vector<std::size_t>> met(x.size());
  auto counts = engine->count_within(c.radius, 5, 2, [&](std::size_t i, const std::vector<std::size_t>& hits) { met[i] = hits; });
  for (std::size_t i = 0; i < x.size(); ++i) {
    brute.within(i, c.radius, a);
    ASSERT_EQ(met[i].size(), counts[i]) << "point " << i;
    if (counts[i] < 5) {
      ASSERT_EQ(met[i], a) << "point " << i;
    }
    for (std::size_t j : met[i]) ASSERT_TRUE(std::binary_search(a.begin(), a.end(), j)) << "point " << i;
  }
  within_each_equals_brute("after counts");

  for (std::size_t k : {std::size_t{1}, std::size_t{40}})
    EXPECT_EQ(brute.kth_distance(k, 2), engine->kth_distance(k, 2)) << "k " << k;

  std::vector<Neighbor> na, nb;
  for (std::size_t i = 0; i < x.size(); i += 31) {
    brute.nearest(i, 10, na);
    engine->nearest(i, 10, nb);
    ASSERT_EQ(na.size(), nb.size());
    for (std::size_t k = 0; k < na.size(); ++k) {
      EXPECT_EQ(na[k].index, nb[k].index) << "nearest of " << i << ", rank " << k;
      EXPECT_EQ(na[k].distance, nb[k].distance);
    }
  }

  // The bounded k-nearest graph: each point's k nearest within the radius, as brute force ranks
  // them (ties by index), the calls one at a time and once per point.
  for (std::size_t k : {std::size_t{1}, std::size_t{6}, std::size_t{33}}) {
    std::size_t calls = 0;
    engine->nearest_within_each(k, c.radius, 2, [&](std::size_t i, const std::vector<Neighbor>& near) {
      ++calls;
      if (i % 5) return;
      brute.nearest(i, k, na);
      na.erase(std::find_if(na.begin(), na.end(), [&](const Neighbor& n) { return n.distance > c.radius; }), na.end());
      ASSERT_EQ(na.size(), near.size()) << "nearest_within_each k " << k << ", point " << i;
      for (std::size_t r = 0; r < na.size(); ++r) {
        ASSERT_EQ(na[r].index, near[r].index) << "nearest_within_each k " << k << ", point " << i << ", rank " << r;
        ASSERT_EQ(na[r].distance, near[r].distance);
      }
    });
    EXPECT_EQ(calls, x.size()) << "k " << k;
  }
  // With a budget: k of the points within the radius, nearest first, and exact for a point with
  // fewer than k there; the same on every run and thread count.
  std::vector<std::vector<Neighbor>> first(x.size()), second(x.size());
  engine->nearest_within_each(6, c.radius, 2, [&](std::size_t i, const std::vector<Neighbor>& near) { first[i] = near; }, 64);
  engine->nearest_within_each(6, c.radius, 1, [&](std::size_t i, const std::vector<Neighbor>& near) { second[i] = near; }, 64);
  for (std::size_t i = 0; i < x.size(); i += 3) {
    brute.within(i, c.radius, a);
    ASSERT_EQ(first[i].size(), std::min<std::size_t>(6, a.size())) << "budget, point " << i;
    for (std::size_t r = 0; r < first[i].size(); ++r) {
      ASSERT_TRUE(std::binary_search(a.begin(), a.end(), first[i][r].index)) << "budget, point " << i;
      ASSERT_EQ(first[i][r].distance, x.distance(i, first[i][r].index));
      if (r) ASSERT_LE(first[i][r - 1].distance, first[i][r].distance);
      ASSERT_EQ(first[i][r].index, second[i][r].index) << "budget, point " << i << ": depends on the threads";
    }
    if (a.size() < 6) {
      brute.nearest(i, a.size(), na);
      for (std::size_t r = 0; r < na.size(); ++r) ASSERT_EQ(na[r].index, first[i][r].index) << "budget, point " << i;
    }
  }

  // Among a sample (every third point, and a few twice): the brute force's nearest of the sample
  // within the radius, ties by index, once per point.
  std::vector<std::size_t> among;
  for (std::size_t i = 0; i < x.size(); i += 3) among.push_back(i);
  among.insert(among.end(), {0, 3});
  for (std::size_t k : {std::size_t{1}, std::size_t{6}, std::size_t{33}}) {
    std::vector<std::vector<Neighbor>> want(x.size()), got(x.size());
    brute.nearest_among_each(among, k, c.radius, 2, [&](std::size_t i, const std::vector<Neighbor>& near) { want[i] = near; });
    std::size_t calls = 0;
    engine->nearest_among_each(among, k, c.radius, 2, [&](std::size_t i, const std::vector<Neighbor>& near) { got[i] = near, ++calls; });
    EXPECT_EQ(calls, x.size()) << "nearest_among_each k " << k;
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(want[i].size(), got[i].size()) << "nearest_among_each k " << k << ", point " << i;
      for (std::size_t r = 0; r < want[i].size(); ++r) {
        ASSERT_EQ(want[i][r].index, got[i][r].index) << "nearest_among_each k " << k << ", point " << i << ", rank " << r;
        ASSERT_EQ(want[i][r].distance, got[i][r].distance);
      }
    }
  }

  const PairGroups all;  // every pair
  std::set<std::pair<std::size_t, std::size_t>> pa, pb;
  brute.pairs_within(c.radius, 2, all, [&](std::size_t i, std::size_t j) { pa.emplace(std::min(i, j), std::max(i, j)); });
  std::size_t calls = 0;
  engine->pairs_within(c.radius, 2, all, [&](std::size_t i, std::size_t j) {
    ++calls;
    pb.emplace(std::min(i, j), std::max(i, j));
  });
  EXPECT_EQ(pa, pb);
  EXPECT_EQ(calls, pb.size()) << "each pair once";
  // With groups (one large, as DBSCAN's joined components, many single points, and points that
  // take part in no pair, as DBSCAN's that are not core): every pair across groups, and no pair
  // that is not within the radius or holds a point that takes no part.
  auto group_of = [](std::size_t i) { return i % 11 == 5 ? kNoPairs : i % 7 == 0 ? i : 0; };
  const PairGroups groups = [&](std::span<const std::size_t> points, std::span<std::size_t> out) {
    for (std::size_t k = 0; k < points.size(); ++k) out[k] = group_of(points[k]);
  };
  std::set<std::pair<std::size_t, std::size_t>> across;
  engine->pairs_within(c.radius, 2, groups, [&](std::size_t i, std::size_t j) {
    ASSERT_TRUE(pa.count({std::min(i, j), std::max(i, j)})) << i << ", " << j;
    ASSERT_TRUE(group_of(i) != kNoPairs && group_of(j) != kNoPairs) << i << ", " << j;
    across.emplace(std::min(i, j), std::max(i, j));
  });
  for (auto [i, j] : pa)
    if (pair_needed(groups, i, j)) {
      ASSERT_TRUE(across.count({i, j})) << i << ", " << j;
    }
  // Not merely the pairs with a point that takes no part: some of one group's are skipped too.
  auto one_group = [&](const auto& pairs) {
    return std::count_if(pairs.begin(), pairs.end(), [&](auto p) { return group_of(p.first) != kNoPairs && group_of(p.first) == group_of(p.second); });
  };
  EXPECT_LT(one_group(across), one_group(pa)) << "pairs of one group are skipped";

  // Spanning trees and forests (edges within the radius: DBSCAN's clusters of core points), with
  // floors of 0 (single linkage) and of core distances (HDBSCAN's mutual reachability, where many
  // edges tie at a core distance): the same edges as Prim's, on any number of threads.
  auto same = [](const std::vector<TreeEdge>& p, const std::vector<TreeEdge>& q) {
    if (p.size() != q.size()) return false;
    for (std::size_t k = 0; k < p.size(); ++k)
      if (p[k].a != q[k].a || p[k].b != q[k].b || p[k].weight != q[k].weight) return false;
    return true;
  };
  for (const auto& floor : {std::vector<double>{}, brute.kth_distance(5, 2)})
    for (double max_weight : {kInf, c.radius}) {
      auto prim = brute.spanning_forest(floor, max_weight, 2);
      if (max_weight == kInf) {
        ASSERT_EQ(prim.size(), x.size() - 1);
      }
      EXPECT_TRUE(same(prim, engine->spanning_forest(floor, max_weight, 2))) << "floors: " << floor.size() << ", max weight " << max_weight;
      EXPECT_TRUE(same(prim, engine->spanning_forest(floor, max_weight, 1))) << "one thread";
    }
}

INSTANTIATE_TEST_SUITE_P(Metrics, NeighborsTest,
                         ::testing::Values(Case{"euclidean128", Metric::euclidean, 128, false, 1.2},
                                           Case{"euclidean_grid", Metric::euclidean, 8, true, 1.0},
                                           Case{"cosine", Metric::cosine, 32, false, 0.05},
                                           Case{"hamming", Metric::hamming, 64, false, 10}),
                         [](const auto& info) { return std::string(info.param.name); });

// Boruvka's rounds keep what a point's last search proved; many small sets in a few dimensions,
// clustered and with ties, put that bookkeeping through far more rounds and cases than one set.
// (Seeds 392 and 527 on one thread once caught a lower bound kept from an unproven edge.)
TEST(Neighbors, SpanningForestEqualsPrimOnManySmallSets) {
  std::vector<unsigned> seeds;
  for (unsigned s = 380; s < 400; ++s) seeds.push_back(s);
  for (unsigned s = 520; s < 540; ++s) seeds.push_back(s);
  for (unsigned seed : seeds) {
    Case c{"small", Metric::euclidean, 2 + seed % 6, seed % 3 == 0, 0.8};
    EmbeddingSet x = make_points(c, 300 + 17 * (seed % 50), seed);
    BruteForceIndex brute(x);
    auto engine = make_neighbor_index(x);
    std::vector<double> core = brute.kth_distance(1 + seed % 7, 1);
    for (double max_weight : {kInf, 0.3}) {
      auto prim = brute.spanning_forest(core, max_weight, 1);
      for (int threads : {1, 2}) {
        auto boruvka = engine->spanning_forest(core, max_weight, threads);
        ASSERT_EQ(prim.size(), boruvka.size()) << "seed " << seed;
        for (std::size_t k = 0; k < prim.size(); ++k)
          ASSERT_TRUE(prim[k].a == boruvka[k].a && prim[k].b == boruvka[k].b && prim[k].weight == boruvka[k].weight)
              << "seed " << seed << ", max weight " << max_weight << ", threads " << threads << ", edge " << k;
      }
    }
  }
}

TEST(Neighbors, PairsOfOneGroupAreSkipped) {
  EmbeddingSet x = make_points({"e", Metric::euclidean, 16, false, 0}, 1000, 3);
  auto engine = make_neighbor_index(x);
  std::size_t found = 0;
  engine->pairs_within(10.0, 1, [](auto, auto out) { std::fill(out.begin(), out.end(), 0); },
                       [&](std::size_t, std::size_t) { ++found; });
  EXPECT_EQ(found, 0u);
}

}  // namespace
}  // namespace castnet
