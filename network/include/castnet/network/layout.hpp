// Node positions for drawing the network: ForceAtlas2 (Jacomy et al. 2014, Gephi's default
// layout) with its "prevent overlap" mode, seeded, then a pass that pushes apart any two circles
// still touching, so that faces drawn at these positions with these radii never overlap.
#pragma once
#include <cstdint>
#include <vector>

#include "castnet/network/graph.hpp"

namespace castnet {

struct Point2 {
  double x = 0, y = 0;
};

struct LayoutOptions {
  std::uint64_t seed = 42;
  int iterations = 0;      // 0: as many as a graph of this size affords (600 for small ones)
  double gravity = 1.0;
  double scaling = 0;      // 0: Gephi's default (10 under 100 nodes, 2 above)
  double gap = 4.0;        // smallest space left between two circles
};

// `radius` per vertex in layout units (pictures scale positions and radii alike).
std::vector<Point2> force_atlas2(const Graph& g, const std::vector<double>& radius, const LayoutOptions& opt = {});

// Radius of a person's circle from PageRank: area grows with rank, from 10 to 40 units.
double node_radius(double pagerank, double max_pagerank);

}  // namespace castnet
