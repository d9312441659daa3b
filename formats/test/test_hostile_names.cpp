// A property test of the writers (issue 33): 200 random names of the worst kinds (control
// characters, bytes that are not UTF-8, markup, quotes, formulas, right-to-left marks, 10 kB),
// as a store written before the naming rule, or by another program, may hold them. Every output
// that carries names must still parse: GEXF and SVG as XML, CSV as RFC 4180 UTF-8 that no
// spreadsheet runs, the pages as UTF-8 without a control character.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "castnet/core/connect.hpp"
#include "castnet/core/text.hpp"
#include "castnet/formats/gexf.hpp"
#include "castnet/formats/graph_picture.hpp"
#include "castnet/formats/network_page.hpp"
#include "castnet/formats/report.hpp"
#include "castnet/formats/tables.hpp"
#include "castnet/network/graph.hpp"
#include "e2e/corpus.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

std::string random_name(std::mt19937& rng, std::size_t k) {
  static const std::vector<std::string> pieces = {
      "Ada", " ", "Lovelace", "\x01", "\x0b", "\x1b[2J", std::string(1, '\0'), "\x7f", "\xc2\x85", "\xc2\x9f",  // controls
      "\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xef\xbf\xbe", "\xef\xbf\xbf",                           // not UTF-8, non-characters
      "<script>alert(1)</script>", "]]>", "&amp;", "\"", "'", ",", "\n", "\r\n", "\t",                          // markup, quotes, CSV
      "=", "+", "-", "@", "=HYPERLINK(\"http://x\")", "\xe2\x80\xae", "\xe2\x80\x8f", "\xf0\x9f\x98\x80", "Ł"};  // formulas, RTL, emoji
  if (k == 0) return std::string(10240, 'x') + "\x01";
  std::string name;
  for (std::size_t n = 1 + rng() % 8; n > 0; --n) name += pieces[rng() % pieces.size()];
  return name;
}

bool valid_utf8_without_controls(const std::string& s) {
  if (valid_utf8(s) != s) return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) return false;
  return true;
}

bool xml_parses(const fs::path& file) { return test::run(fmt::format("xmllint --noout '{}' 2>/dev/null", file.string())) == 0; }

TEST(HostileNames, TwoHundredRandomNamesLeaveEveryOutputParsing) {
  std::mt19937 rng(33);
  Network net;
  const std::size_t people = 200, frames = 400;
  for (std::size_t f = 0; f < frames; ++f) net.frames.push_back({std::int64_t(f + 1), fmt::format("SHOW_20230313_083000_x-{:06d}.jpg", f + 1), "", long(f)});
  std::vector<int> ids;
  std::vector<Edge> edges;
  for (std::size_t p = 0; p < people; ++p) {
    ids.push_back(int(p));
    for (std::size_t f = p % 7; f < frames; f += 5 + p % 11) net.appearances[int(p)].push_back(f);
    if (p) edges.push_back({int(p - 1), int(p), 3, 0.5});
  }
  net.edges = edges;
  net.graph = build_graph(ids, edges);
  std::vector<std::string> names;
  for (std::size_t v = 0; v < people; ++v) {
    auto& node = net.graph[v];
    node.name = names.emplace_back(random_name(rng, v));
    node.pagerank = 1.0 / people, node.radius = 10, node.x = double(v % 20) * 40, node.y = double(v / 20) * 40;
    node.first_frame = net.appearances[node.identity].front(), node.last_frame = net.appearances[node.identity].back();
    node.image = fmt::format("node_images/{}.jpg", node.identity);
  }
  const fs::path out = fs::temp_directory_path() / fmt::format("castnet_test_hostile_names_{}", ::getpid());
  fs::remove_all(out);
  fs::create_directories(out);
  Timeline tl = timeline_of(net, 4.0);
  std::ostringstream gexf;
  formats::write_gexf(gexf, net.graph, {}, &tl);
  std::ofstream(out / "graph.gexf") << gexf.str();
  std::ofstream dynamic(out / "graph-dynamic.gexf");
  formats::write_gexf(dynamic, net.graph, {formats::GexfVersion::v1_3, "", true}, &tl);
  dynamic.close();
  std::ofstream(out / "nodes.csv") << [&] { std::ostringstream s; formats::write_nodes_csv(s, net.graph); return s.str(); }();
  formats::OutputBatch batch(out);
  formats::write_graph_pictures(batch, net.graph);
  formats::write_report(batch, {&net, &tl, "", true});
  formats::write_network_page(batch, net, tl, gexf.str());
  batch.commit();

  EXPECT_TRUE(xml_parses(out / "graph.gexf"));
  EXPECT_TRUE(xml_parses(out / "graph-dynamic.gexf"));
  EXPECT_TRUE(xml_parses(out / "graph.svg"));
  EXPECT_EQ(test::csv_problem(test::slurp(out / "nodes.csv"), true), "");
  EXPECT_TRUE(valid_utf8_without_controls(test::slurp(out / "nodes.csv")));
  for (const char* page : {"report.html", "network.html"}) EXPECT_TRUE(valid_utf8_without_controls(test::slurp(out / page))) << page;
  // And each name is still there, repaired, not lost (the 10 kB one too).
  for (const char* file : {"graph.gexf", "graph-dynamic.gexf"}) {
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_file((out / file).c_str(), pugi::parse_default & ~pugi::parse_wconv_attribute)) << file;
    std::size_t v = 0;
    for (auto node : doc.child("gexf").child("graph").child("nodes").children("node")) {
      ASSERT_LT(v, names.size());
      EXPECT_EQ(std::string(node.attribute("label").value()), formats::xml_text(names[v])) << file << ", person " << v;
      ++v;
    }
    EXPECT_EQ(v, people) << file;
  }
  if (!HasFailure()) fs::remove_all(out);
}

}  // namespace
}  // namespace castnet
