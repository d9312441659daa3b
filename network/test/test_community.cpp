// Louvain communities: modularity at least networkx's louvain_communities (seed 42) on the same
// graphs, within 0.005 (reference/networkx/louvain.csv), and the same seed gives the same result.
#include <map>
#include <set>

#include "castnet/network/community.hpp"
#include "support.hpp"

namespace castnet {
namespace {

double reference_q(const std::string& graph) {
  auto csv = test::read_csv(test::shared_dir() / "reference/networkx/louvain.csv");
  for (const auto& r : csv.rows)
    if (r[0] == graph) return std::stod(r[csv.col("modularity")]);
  throw std::runtime_error("no reference for " + graph);
}

void check(const std::string& graph, const std::string& file) {
  Graph g = test::load_reference_graph(file).g;
  auto communities = louvain(g);
  double q = modularity(g, communities), ref = reference_q(graph);
  std::printf("%s: modularity %.6f (networkx %.6f), %zu communities\n", graph.c_str(), q, ref,
              std::set<int>(communities.begin(), communities.end()).size());
  EXPECT_GE(q, ref - 0.005) << graph;
  EXPECT_EQ(louvain(g), communities) << "same seed, same communities";
  for (std::uint64_t seed : {1, 7, 1234}) EXPECT_GE(modularity(g, louvain(g, {.seed = seed})), ref - 0.02) << graph << " seed " << seed;
}

TEST(Louvain, LesMiserablesAtLeastNetworkx) {
  CASTNET_REQUIRE_SHARED();
  check("les_miserables", "edges_les_miserables.csv");
}

TEST(Louvain, KarateClubAtLeastNetworkx) {
  CASTNET_REQUIRE_SHARED();
  check("karate_club", "edges_karate_club.csv");
}

TEST(Louvain, ModularityMatchesTheDefinitionOnASmallGraph) {
  // Two triangles joined by one edge, all weights 1: Q = 2 * (3/7 - (7/14)^2) = 5/14.
  Graph g = build_graph({0, 1, 2, 3, 4, 5}, {{0, 1, 1, 1}, {0, 2, 1, 1}, {1, 2, 1, 1}, {3, 4, 1, 1}, {3, 5, 1, 1}, {4, 5, 1, 1}, {2, 3, 1, 1}});
  auto c = louvain(g);
  EXPECT_EQ(c, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  EXPECT_NEAR(modularity(g, c), 5.0 / 14.0, 1e-12);
}

}  // namespace
}  // namespace castnet
