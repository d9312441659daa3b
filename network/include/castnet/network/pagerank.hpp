// PageRank of the people, as networkx computes it on the same weighted graph.
#pragma once
#include <vector>

#include "castnet/network/graph.hpp"

namespace castnet {

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
