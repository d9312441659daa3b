// Weighted and unweighted PageRank against networkx 2.8.8 (reference/networkx/pagerank.csv).
#include <map>

#include "castnet/network/graph.hpp"
#include "castnet/network/pagerank.hpp"
#include "support.hpp"

namespace castnet {
namespace {

void check(const std::string& graph, const std::string& file) {
  auto ref = test::read_csv(test::shared_dir() / "reference/networkx/pagerank.csv");
  test::NamedGraph ng = test::load_reference_graph(file);
  for (bool weighted : {true, false}) {
    auto pr = pagerank(ng.g, {.weighted = weighted});
    std::map<std::string, double> expected;
    for (const auto& r : ref.rows)
      if (r[0] == graph && r[1] == (weighted ? "weight" : "None")) expected[r[2]] = std::stod(r[3]);
    ASSERT_EQ(expected.size(), ng.names.size());
    double sum = 0;
    for (std::size_t v = 0; v < ng.names.size(); ++v) {
      // vertex v holds identity v, which is names[v]
      EXPECT_NEAR(pr[v], expected.at(ng.names[ng.g[v].identity]), 1e-6) << graph << " " << ng.names[v] << " weighted=" << weighted;
      sum += pr[v];
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
  }
}

TEST(PageRank, EqualsNetworkxOnLesMiserables) {
  CASTNET_REQUIRE_SHARED();
  check("les_miserables", "edges_les_miserables.csv");
}

TEST(PageRank, EqualsNetworkxOnKarateClub) {
  CASTNET_REQUIRE_SHARED();
  check("karate_club", "edges_karate_club.csv");
}

TEST(PageRank, DanglingMassIsSpreadNotLost) {
  // Two connected vertices and one isolated (dangling). networkx's fixed point for the isolated
  // vertex: b = a*b/3 + (1-a)/3, so b = (1-a)/3 / (1 - a/3); the other two share the rest.
  Graph g = build_graph({0, 1, 2}, {{0, 1, 1, 1.0}});
  auto pr = pagerank(g);
  const double a = 0.85, b = (1 - a) / 3 / (1 - a / 3);
  EXPECT_NEAR(pr[0] + pr[1] + pr[2], 1.0, 1e-12);
  EXPECT_NEAR(pr[2], b, 1e-9);
  EXPECT_NEAR(pr[0], (1 - b) / 2, 1e-9);
}

}  // namespace
}  // namespace castnet
