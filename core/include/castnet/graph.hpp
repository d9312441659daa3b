// The co-occurrence network, held in Boost.Graph, and its analysis.
#pragma once
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "castnet/stages.hpp"

namespace castnet {

struct PersonNode {
  int identity = 0;       // cluster label
  long faces = 0;         // faces in the cluster
  double pagerank = 0;
  int community = 0;      // Louvain, numbered by size
  double radius = 0;      // drawn size, from PageRank (layout units)
  double x = 0, y = 0;    // ForceAtlas2 position
  std::size_t first_frame = 0, last_frame = 0;  // positions in the broadcast's frame list
  std::string image;      // node image, relative to the output folder
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

struct PageRankOptions {
  double alpha = 0.85;
  double tol = 1e-10;   // networkx's stopping rule: sum |x - x_last| < N * tol
  int max_iter = 100;
  bool weighted = true;
};

// networkx.pagerank on an undirected graph: each edge walked both ways, transition
// probabilities proportional to weight, dangling vertices' mass spread uniformly.
// Boost's own boost::graph::page_rank takes no weights and lets dangling mass leak, so this
// is our own power iteration over the Boost graph. Returns one score per vertex.
std::vector<double> pagerank(const Graph& g, const PageRankOptions& opt = {});

}  // namespace castnet
