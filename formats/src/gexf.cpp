#include "castnet/formats/gexf.hpp"

#include <fmt/format.h>
#include <pugixml.hpp>

#include "castnet/formats/style.hpp"
#include "castnet/formats/tables.hpp"

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
  v.append_attribute("value") = xml_text(value).c_str();
}

void spells(pugi::xml_node parent, const std::vector<Spell>& list, const Timeline& t) {
  if (list.empty()) return;
  auto s = parent.append_child("spells");
  for (const auto& sp : list) {
    auto e = s.append_child("spell");
    e.append_attribute("start") = t.format(sp.start).c_str();
    e.append_attribute("end") = t.format(sp.end).c_str();
  }
}

// <gexf> with its namespaces, and <meta>.
pugi::xml_node gexf_root(pugi::xml_document& doc, const GexfOptions& opt) {
  Namespaces ns = namespaces(opt.version);
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
  if (!opt.description.empty()) meta.append_child("description").text() = xml_text(opt.description).c_str();
  return gexf;
}

// The node and edge attribute declarations: Gephi's own column names, and ours.
void declare_attributes(pugi::xml_node graph, const Timeline* timeline) {
  const char* time_type = timeline && timeline->origin ? "string" : "double";
  auto nattrs = graph.append_child("attributes");
  nattrs.append_attribute("class") = "node";
  nattrs.append_attribute("mode") = "static";
  attribute(nattrs, "image", "string");
  attribute(nattrs, "pageranks", "double");
  attribute(nattrs, "modularity_class", "integer");
  attribute(nattrs, "faces", "integer");
  attribute(nattrs, "broadcasts", "integer");
  if (timeline) {
    attribute(nattrs, "first_seen", time_type);
    attribute(nattrs, "last_seen", time_type);
  }
  auto eattrs = graph.append_child("attributes");
  eattrs.append_attribute("class") = "edge";
  eattrs.append_attribute("mode") = "static";
  attribute(eattrs, "cooccurrences", "integer");
}

// viz:color (alpha included), viz:position and viz:size.
void viz(pugi::xml_node node, const PersonNode& p) {
  Rgb c = community_colour(p.community);
  auto color = node.append_child("viz:color");
  color.append_attribute("r") = c.r;
  color.append_attribute("g") = c.g;
  color.append_attribute("b") = c.b;
  color.append_attribute("a") = "1.0";
  auto pos = node.append_child("viz:position");
  pos.append_attribute("x") = num(p.x).c_str();
  pos.append_attribute("y") = num(p.y).c_str();
  pos.append_attribute("z") = "0.0";
  node.append_child("viz:size").append_attribute("value") = num(p.radius).c_str();
}

void write_nodes(pugi::xml_node graph, const Graph& g, const Timeline* timeline, bool dynamic) {
  auto nodes = graph.append_child("nodes");
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
    const PersonNode& p = g[v];
    auto node = nodes.append_child("node");
    node.append_attribute("id") = std::to_string(p.identity).c_str();
    node.append_attribute("label") = xml_text(p.label()).c_str();
    auto values = node.append_child("attvalues");
    attvalue(values, "image", p.image);
    attvalue(values, "pageranks", num(p.pagerank));
    attvalue(values, "modularity_class", std::to_string(p.community));
    attvalue(values, "faces", std::to_string(p.faces));
    attvalue(values, "broadcasts", std::to_string(p.broadcasts));
    if (timeline) {
      attvalue(values, "first_seen", timeline->format(timeline->frame_seconds.at(p.first_frame)));
      attvalue(values, "last_seen", timeline->format(timeline->frame_seconds.at(p.last_frame)));
    }
    if (dynamic) spells(node, timeline->nodes.at(p.identity), *timeline);
    viz(node, p);
  }
}

void write_edges(pugi::xml_node graph, const Graph& g, const Timeline* timeline, bool dynamic) {
  auto edges = graph.append_child("edges");
  std::size_t id = 0;
  for (auto [e, end] = boost::edges(g); e != end; ++e, ++id) {
    int a = g[boost::source(*e, g)].identity, b = g[boost::target(*e, g)].identity;
    auto edge = edges.append_child("edge");
    edge.append_attribute("id") = std::to_string(id).c_str();
    edge.append_attribute("source") = std::to_string(a).c_str();
    edge.append_attribute("target") = std::to_string(b).c_str();
    edge.append_attribute("weight") = num(g[*e].weight).c_str();
    attvalue(edge.append_child("attvalues"), "cooccurrences", std::to_string(g[*e].count));
    if (dynamic) spells(edge, timeline->edges.at({std::min(a, b), std::max(a, b)}), *timeline);
  }
}

}  // namespace

void write_gexf(std::ostream& out, const Graph& g, const GexfOptions& opt, const Timeline* timeline) {
  const bool dynamic = opt.dynamic && timeline;
  pugi::xml_document doc;
  auto graph = gexf_root(doc, opt).append_child("graph");
  graph.append_attribute("defaultedgetype") = "undirected";
  graph.append_attribute("mode") = dynamic ? "dynamic" : "static";
  if (dynamic) {
    graph.append_attribute("timeformat") = timeline->origin ? "dateTime" : "double";
    if (opt.version == GexfVersion::v1_3) graph.append_attribute("timerepresentation") = "interval";
  }
  declare_attributes(graph, timeline);
  write_nodes(graph, g, timeline, dynamic);
  write_edges(graph, g, timeline, dynamic);
  doc.save(out, "    ", pugi::format_default, pugi::encoding_utf8);
}

}  // namespace castnet::formats
