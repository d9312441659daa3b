#include "castnet/formats/gexf.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>
#include <pugixml.hpp>

namespace castnet::formats {

namespace {

struct Namespaces {
  const char* gexf;
  const char* viz;
  const char* schema;
  const char* version;
};

Namespaces namespaces(GexfVersion v) {
  if (v == GexfVersion::v1_3)
    return {"http://gexf.net/1.3", "http://gexf.net/1.3/viz", "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd", "1.3"};
  return {"http://www.gexf.net/1.2draft", "http://www.gexf.net/1.2draft/viz",
          "http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd", "1.2"};
}

// Shortest text that reads back as the same double: outputs are byte-stable and exact.
std::string num(double v) { return fmt::format("{}", v); }

void attribute(pugi::xml_node attrs, const char* id, const char* type) {
  auto a = attrs.append_child("attribute");
  a.append_attribute("id") = id;
  a.append_attribute("title") = id;
  a.append_attribute("type") = type;
}

void attvalue(pugi::xml_node values, const char* key, const std::string& value) {
  auto v = values.append_child("attvalue");
  v.append_attribute("for") = key;
  v.append_attribute("value") = value.c_str();
}

// Until a layout exists, people sit on a circle in PageRank order, most central first, and
// have a hue of their own: Gephi opens the file with every face visible.
void viz(pugi::xml_node node, std::size_t rank, std::size_t n, double pr, double max_pr) {
  double angle = 2 * std::numbers::pi * rank / std::max<std::size_t>(n, 1);
  double radius = 100.0 + 10.0 * n;
  double size = 10.0 + 40.0 * (max_pr > 0 ? pr / max_pr : 0);
  // Golden-angle hues: neighbours in rank get distinct colours.
  double hue = std::fmod(rank * 137.508, 360.0);
  auto channel = [&](double shift) {
    double h = std::fmod(hue / 60.0 + shift, 6.0);
    double c = std::clamp(std::abs(h - 3.0) - 1.0, 0.0, 1.0);
    return static_cast<int>(std::lround(60 + 170 * c));
  };
  auto color = node.append_child("viz:color");
  color.append_attribute("r") = channel(0);
  color.append_attribute("g") = channel(4);
  color.append_attribute("b") = channel(2);
  color.append_attribute("a") = "1.0";
  auto pos = node.append_child("viz:position");
  pos.append_attribute("x") = num(std::round(radius * std::cos(angle) * 1000) / 1000).c_str();
  pos.append_attribute("y") = num(std::round(radius * std::sin(angle) * 1000) / 1000).c_str();
  pos.append_attribute("z") = "0.0";
  node.append_child("viz:size").append_attribute("value") = num(std::round(size * 1000) / 1000).c_str();
}

}  // namespace

void write_gexf(std::ostream& out, const Graph& g, const GexfOptions& opt) {
  Namespaces ns = namespaces(opt.version);
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto gexf = doc.append_child("gexf");
  gexf.append_attribute("xmlns") = ns.gexf;
  gexf.append_attribute("xmlns:viz") = ns.viz;
  gexf.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
  gexf.append_attribute("xsi:schemaLocation") = ns.schema;
  gexf.append_attribute("version") = ns.version;
  auto meta = gexf.append_child("meta");
  meta.append_child("creator").text() = "castnet";
  if (!opt.description.empty()) meta.append_child("description").text() = opt.description.c_str();

  auto graph = gexf.append_child("graph");
  graph.append_attribute("defaultedgetype") = "undirected";
  graph.append_attribute("mode") = "static";
  auto nattrs = graph.append_child("attributes");
  nattrs.append_attribute("class") = "node";
  nattrs.append_attribute("mode") = "static";
  attribute(nattrs, "image", "string");
  attribute(nattrs, "pageranks", "double");
  attribute(nattrs, "faces", "integer");
  auto eattrs = graph.append_child("attributes");
  eattrs.append_attribute("class") = "edge";
  eattrs.append_attribute("mode") = "static";
  attribute(eattrs, "cooccurrences", "integer");

  const std::size_t n = boost::num_vertices(g);
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return g[a].pagerank > g[b].pagerank; });
  std::vector<std::size_t> rank(n);
  for (std::size_t r = 0; r < n; ++r) rank[order[r]] = r;
  double max_pr = n ? g[order[0]].pagerank : 0;

  auto nodes = graph.append_child("nodes");
  for (std::size_t v = 0; v < n; ++v) {
    const PersonNode& p = g[v];
    auto node = nodes.append_child("node");
    node.append_attribute("id") = std::to_string(p.identity).c_str();
    node.append_attribute("label") = fmt::format("person {}", p.identity).c_str();
    auto values = node.append_child("attvalues");
    attvalue(values, "image", p.image);
    attvalue(values, "pageranks", num(p.pagerank));
    attvalue(values, "faces", std::to_string(p.faces));
    viz(node, rank[v], n, p.pagerank, max_pr);
  }
  auto edges = graph.append_child("edges");
  std::size_t id = 0;
  for (auto [e, end] = boost::edges(g); e != end; ++e, ++id) {
    auto edge = edges.append_child("edge");
    edge.append_attribute("id") = std::to_string(id).c_str();
    edge.append_attribute("source") = std::to_string(g[boost::source(*e, g)].identity).c_str();
    edge.append_attribute("target") = std::to_string(g[boost::target(*e, g)].identity).c_str();
    edge.append_attribute("weight") = num(g[*e].weight).c_str();
    attvalue(edge.append_child("attvalues"), "cooccurrences", std::to_string(g[*e].count));
  }
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
}

}  // namespace castnet::formats
