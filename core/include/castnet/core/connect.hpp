// The third stage: connect the identities of the latest clustering, then rank them (PageRank),
// find communities (Louvain) and lay them out (ForceAtlas2), all seeded. The result, Network, is
// everything the writers need.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"
#include "castnet/network/graph.hpp"
#include "castnet/network/timeline.hpp"

namespace castnet {

struct Network {
  std::vector<StoredFrame> frames;
  std::vector<StoredFace> faces;
  std::vector<int> labels;        // parallel to faces
  EmbeddingSet embeddings;        // parallel to faces
  std::vector<Edge> edges;
  Graph graph;  // with PageRank, communities and layout
  std::map<int, std::vector<std::size_t>> appearances;  // identity -> frame positions it is seen in
  ClusteringRun run;
  std::string edge_rule_key;
};

// The same store gives the same network, to the bit.
Network connect_people(const FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                       const StageSpec& edge_rule);

// When each person and link of `net` is on screen, frames timed by their numbers.
Timeline timeline_of(const Network& net, double interval_seconds = 4.0);

}  // namespace castnet
