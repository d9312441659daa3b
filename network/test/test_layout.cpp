// ForceAtlas2 with overlap prevention: seeded and deterministic, no two faces overlap, and
// linked people end up nearer each other than unlinked ones.
#include <cmath>
#include <random>

#include "castnet/network/layout.hpp"
#include "castnet/network/pagerank.hpp"
#include "support.hpp"

namespace castnet {
namespace {

Graph random_graph(std::size_t n, std::size_t m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = int(i);
  std::vector<Edge> edges;
  // Two dense groups with a few links between them.
  for (std::size_t k = 0; k < m; ++k) {
    int group = int(rng() % 2), a = int(rng() % (n / 2)) + group * int(n / 2), b = int(rng() % (n / 2)) + group * int(n / 2);
    if (rng() % 10 == 0) b = int(rng() % n);
    if (a != b) edges.push_back({std::min(a, b), std::max(a, b), 1, 0.2 + double(rng() % 80) / 100.0});
  }
  return build_graph(ids, edges);
}

std::vector<double> radii(const Graph& g) {
  auto pr = pagerank(g);
  double max_pr = *std::max_element(pr.begin(), pr.end());
  std::vector<double> r;
  for (double p : pr) r.push_back(node_radius(p, max_pr));
  return r;
}

TEST(Layout, DeterministicForASeedAndDifferentForAnother) {
  Graph g = random_graph(40, 120, 1);
  auto r = radii(g);
  auto a = force_atlas2(g, r), b = force_atlas2(g, r), c = force_atlas2(g, r, {.seed = 7});
  ASSERT_EQ(a.size(), 40u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i].x == b[i].x && a[i].y == b[i].y);
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) differs |= a[i].x != c[i].x;
  EXPECT_TRUE(differs);
}

TEST(Layout, NoTwoFacesOverlapAndLinkedPeopleSitCloser) {
  for (std::size_t n : {2, 15, 120}) {
    Graph g = random_graph(n, n * 4, n);
    auto r = radii(g);
    auto p = force_atlas2(g, r);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j)
        ASSERT_GE(std::hypot(p[i].x - p[j].x, p[i].y - p[j].y), r[i] + r[j]) << n << " nodes: " << i << " and " << j << " overlap";
    if (n < 15) continue;
    double linked = 0, all = 0;
    std::size_t nl = 0, na = 0;
    for (auto [e, end] = boost::edges(g); e != end; ++e, ++nl) {
      auto a = boost::source(*e, g), b = boost::target(*e, g);
      linked += std::hypot(p[a].x - p[b].x, p[a].y - p[b].y);
    }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j, ++na) all += std::hypot(p[i].x - p[j].x, p[i].y - p[j].y);
    EXPECT_LT(linked / double(nl), 0.9 * all / double(na)) << n << " nodes";
  }
}

TEST(Layout, RadiusGrowsWithPageRank) {
  EXPECT_DOUBLE_EQ(node_radius(1.0, 1.0), 40.0);
  EXPECT_DOUBLE_EQ(node_radius(0.0, 1.0), 10.0);
  EXPECT_LT(node_radius(0.2, 1.0), node_radius(0.5, 1.0));
}

}  // namespace
}  // namespace castnet
