// graph.gexf validates against the official XSDs (with the viz declaration corrected, see
// fix_viz_schema.py) in both versions, and networkx reads the 1.2draft file back whole.
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "castnet/formats/gexf.hpp"
#include "castnet/network/community.hpp"
#include "castnet/network/layout.hpp"
#include "castnet/network/pagerank.hpp"
#include "support.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

// Les Misérables (networkx's), with PageRank and an image path per node: a graph with edges.
Graph sample_graph() {
  // Weights rescaled into (0, 1] as the edge rule writes them; counts are the raw weights.
  Graph g = test::load_reference_graph("edges_les_miserables.csv").g;
  for (auto [e, end] = boost::edges(g); e != end; ++e) g[*e].weight /= 31.0;
  auto pr = pagerank(g);
  auto community = louvain(g);
  double max_pr = *std::max_element(pr.begin(), pr.end());
  std::vector<double> radius;
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
    g[v].pagerank = pr[v];
    g[v].community = community[v];
    g[v].radius = node_radius(pr[v], max_pr);
    g[v].faces = 10 + static_cast<long>(v);
    g[v].image = fmt::format("node_images/{}.jpg", g[v].identity);
    radius.push_back(g[v].radius);
  }
  auto pos = force_atlas2(g, radius);
  for (std::size_t v = 0; v < pos.size(); ++v) g[v].x = pos[v].x, g[v].y = pos[v].y;
  return g;
}

fs::path write(const Graph& g, formats::GexfVersion v, const std::string& name) {
  fs::path path = fs::temp_directory_path() / name;
  std::ofstream out(path);
  formats::write_gexf(out, g, {v, "test graph"});
  return path;
}

fs::path corrected_schema(const std::string& version) {
  fs::path out = fs::temp_directory_path() / ("castnet_gexf_schema_" + version);
  std::string cmd = fmt::format("{} {}/tests/gexf/fix_viz_schema.py {} {} {}", test::python(), CASTNET_SOURCE_DIR,
                                (test::shared_dir() / "data/gexf/schema").string(), version, out.string());
  EXPECT_EQ(test::run(cmd), 0) << cmd;
  return out / "gexf.xsd";
}

int xmllint(const fs::path& schema, const fs::path& file, std::string* log) {
  return test::run(fmt::format("xmllint --noout --schema {} {}", schema.string(), file.string()), log);
}

TEST(Gexf, ValidatesAgainstCorrectedOfficialSchemas) {
  CASTNET_REQUIRE_SHARED();
  if (test::run("xmllint --version") != 0) GTEST_SKIP() << "xmllint is missing (scripts/setup installs libxml2-utils)";
  Graph g = sample_graph();
  for (auto [version, v] : {std::pair{"1.2draft", formats::GexfVersion::v1_2draft}, std::pair{"1.3", formats::GexfVersion::v1_3}}) {
    fs::path file = write(g, v, fmt::format("castnet_test_{}.gexf", version));
    fs::path schema = corrected_schema(version);
    std::string log;
    EXPECT_EQ(xmllint(schema, file, &log), 0) << version << ":\n" << log;
    // The corrected schema still catches real mistakes: a node without its id.
    std::string text = test::slurp(file);
    auto at = text.find("<node id=\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 10, "<node ref=\"");
    fs::path broken = file;
    broken += ".broken.gexf";
    std::ofstream(broken) << text;
    EXPECT_NE(xmllint(schema, broken, &log), 0) << version << ": a node without id validated";
  }
}

TEST(Gexf, NetworkxReadsEveryNodeImageAndPagerank) {
  CASTNET_REQUIRE_SHARED();
  if (test::run(test::python() + " -c 'import networkx'") != 0) GTEST_SKIP() << "python3-networkx is missing (scripts/setup installs it)";
  Graph g = sample_graph();
  fs::path file = write(g, formats::GexfVersion::v1_2draft, "castnet_test_networkx.gexf");
  std::string log;
  int rc = test::run(fmt::format(
      "{} -c \"import networkx as nx; g = nx.read_gexf('{}'); "
      "print(g.number_of_nodes(), g.number_of_edges()); "
      "[print(n, d['image'], repr(d['pageranks']), d['faces'], d['viz']['size']) for n, d in sorted(g.nodes(data=True), key=lambda x: int(x[0]))]\"",
      test::python(), file.string()), &log);
  ASSERT_EQ(rc, 0) << log;
  std::istringstream in(log);
  std::size_t nodes, edges;
  in >> nodes >> edges;
  EXPECT_EQ(nodes, boost::num_vertices(g));
  EXPECT_EQ(edges, boost::num_edges(g));
  for (std::size_t v = 0; v < nodes; ++v) {
    int id;
    std::string image, pr;
    long faces;
    double size;
    in >> id >> image >> pr >> faces >> size;
    ASSERT_EQ(id, g[v].identity);
    EXPECT_EQ(image, g[v].image);
    EXPECT_EQ(std::stod(pr), g[v].pagerank) << "pagerank must survive the round trip exactly";
    EXPECT_EQ(faces, g[v].faces);
    EXPECT_GT(size, 0);
  }
}

TEST(Gexf, SameGraphGivesByteIdenticalFiles) {
  CASTNET_REQUIRE_SHARED();
  Graph g = sample_graph();
  std::ostringstream a, b;
  formats::write_gexf(a, g, {});
  formats::write_gexf(b, g, {});
  EXPECT_EQ(a.str(), b.str());
}

}  // namespace
}  // namespace castnet
