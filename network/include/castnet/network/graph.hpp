// The co-occurrence network, held in Boost.Graph: one vertex per person, one edge per pair seen
// together. What is computed on it lives beside it: pagerank.hpp, community.hpp, layout.hpp.
#pragma once
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "castnet/sdk/edge.hpp"

namespace castnet {

struct PersonNode {
  int identity = 0;       // cluster label
  std::string name;       // empty unless named (castnet people, a gallery)
  long faces = 0;         // faces in the cluster
  double pagerank = 0;
  int community = 0;      // Louvain, numbered by size
  double radius = 0;      // drawn size, from PageRank (layout units)
  double x = 0, y = 0;    // ForceAtlas2 position
  std::size_t first_frame = 0, last_frame = 0;  // positions in the network's frame list
  long broadcasts = 0;    // broadcasts the person appears in
  std::string image;      // node image, relative to the output folder
  // What Gephi and the pages show: the name, else "person N".
  std::string label() const { return name.empty() ? "person " + std::to_string(identity) : name; }
};

struct CooccurrenceEdge {
  long count = 0;
  double weight = 0;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, PersonNode,
                                    CooccurrenceEdge>;

// One vertex per identity (sorted), one edge per Edge. Identities absent from `edges` stay as
// isolated vertices: a person seen alone is still a person.
Graph build_graph(const std::vector<int>& identities, const std::vector<Edge>& edges);

}  // namespace castnet
