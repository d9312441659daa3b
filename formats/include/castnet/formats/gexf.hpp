// GEXF for Gephi. 1.2draft by default: Gephi 0.9 and 0.10 read it, and so does networkx, which
// fails on every 1.3 file ("No <graph> element"); 1.3 (what Gephi 0.10 exports) on request.
#pragma once
#include <ostream>
#include <string>

#include "castnet/network/graph.hpp"
#include "castnet/network/timeline.hpp"

namespace castnet::formats {

enum class GexfVersion { v1_2draft, v1_3 };

struct GexfOptions {
  GexfVersion version = GexfVersion::v1_2draft;
  std::string description;  // goes to <meta><description>: says how node images were chosen
  bool dynamic = false;     // node and edge spells from `timeline`, for Gephi's timeline
};

// Nodes: id = identity, label "person N", attributes image (path relative to the output folder,
// for the Image Preview plugin), pageranks, modularity_class (Gephi's own column names), faces, broadcasts (how many the person is
// seen in),
// first_seen, last_seen; viz position (the layout), size (the radius, from PageRank) and colour
// (the community), alpha included. Edges: weight and the co-occurrence count.
// `timeline` gives first_seen/last_seen, and the spells of the dynamic variant; without one,
// those attributes are left out.
void write_gexf(std::ostream& out, const Graph& g, const GexfOptions& opt, const Timeline* timeline = nullptr);

}  // namespace castnet::formats
