// GEXF for Gephi. 1.2draft by default: Gephi 0.9 and 0.10 read it, and so does networkx, which
// fails on every 1.3 file ("No <graph> element"); 1.3 (what Gephi 0.10 exports) on request.
#pragma once
#include <ostream>
#include <string>

#include "castnet/graph.hpp"

namespace castnet::formats {

enum class GexfVersion { v1_2draft, v1_3 };

struct GexfOptions {
  GexfVersion version = GexfVersion::v1_2draft;
  std::string description;  // goes to <meta><description>: says how node images were chosen
};

// Nodes: id = identity, label "person N", attributes image (path relative to the output
// folder, for the Image Preview plugin), pageranks, faces; viz size from PageRank, a colour,
// and a position. Edges: weight and the co-occurrence count.
void write_gexf(std::ostream& out, const Graph& g, const GexfOptions& opt);

}  // namespace castnet::formats
