// Communities of the co-occurrence network: Louvain modularity optimisation (Blondel et al.
// 2008) on edge weights, as networkx.community.louvain_communities does it, seeded so that the
// same graph gives the same communities.
#pragma once
#include <cstdint>
#include <vector>

#include "castnet/network/graph.hpp"

namespace castnet {

struct LouvainOptions {
  double resolution = 1.0;
  double threshold = 1e-7;  // stop when a level gains less modularity than this
  std::uint64_t seed = 42;
  bool weighted = true;
};

// Community of each vertex, numbered by size (largest first), ties by lowest vertex.
std::vector<int> louvain(const Graph& g, const LouvainOptions& opt = {});

// Newman's weighted modularity of a partition (networkx.community.modularity).
double modularity(const Graph& g, const std::vector<int>& community, double resolution = 1.0, bool weighted = true);

}  // namespace castnet
