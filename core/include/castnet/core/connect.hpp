// The third stage: connect the identities of the latest clustering, then rank them (PageRank),
// find communities (Louvain) and lay them out (ForceAtlas2), all seeded. The result, Network, is
// everything the writers need.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"
#include "castnet/network/graph.hpp"
#include "castnet/network/timeline.hpp"

namespace castnet {

struct Network {
  std::vector<StoredBroadcast> broadcasts;
  std::vector<StoredFrame> frames;         // broadcast order, then frame order
  std::vector<StoredFace> faces;
  std::vector<int> labels;        // parallel to faces; -1: noise, or not clustered yet
  std::size_t unclustered = 0;    // faces extracted after the latest clustering (label -1, not noise)
  EmbeddingSet embeddings;        // parallel to faces
  std::vector<Edge> edges;
  Graph graph;  // with PageRank, communities and layout
  std::map<int, std::vector<std::size_t>> appearances;  // identity -> frame positions it is seen in
  std::map<int, std::string> names;     // person -> name, from corrections or the gallery
  std::vector<std::string> notes;       // what naming and the corrections could not do, a sentence each
  ClusteringRun run;
  std::string edge_rule_key;
};

// The latest clustering's faces, embeddings and labels, the users' corrections replayed on them
// and the people named (core/people.hpp): what connect_people connects.
Network load_people(const FaceStore& store);

// The same store gives the same network, to the bit. With `only_broadcast`, the network of that
// broadcast alone, its people numbered as in the whole store's clustering.
Network connect_people(const FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                       const StageSpec& edge_rule, std::optional<std::int64_t> only_broadcast = std::nullopt);

// When each person and link of `net` is on screen. A frame's time is the source's timestamp,
// else its number times the interval (the Visual Explorer keeps one frame every 4 s), else its
// position; broadcasts sit at their start times where Visual Explorer names give them, else one
// after another.
Timeline timeline_of(const Network& net, double interval_seconds = 4.0);

}  // namespace castnet
