// The stages chained: extract (detect + embed into the store), cluster, and connect.
// Each function reads the store and writes the store; the CLI's subcommands are thin wrappers.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "castnet/graph.hpp"
#include "castnet/registry.hpp"
#include "castnet/store.hpp"

namespace castnet {

struct StageChoice {
  std::string detector = "dlib-hog";
  std::string embedder = "dlib-resnet";
  std::string clusterer = "dbscan";
  std::string edge_rule = "cooccurrence";
};

struct ExtractOptions {
  int threads = 0;          // 0: all cores
  std::size_t batch = 16;   // frames per store transaction
  bool quiet = false;
};

struct ExtractSummary {
  std::size_t frames = 0, processed = 0, resumed = 0, unreadable = 0, faces = 0;
  std::size_t detections_reused = 0;  // frames whose faces came from the store, not the detector
  double seconds = 0;
  std::string detector_key, embedder_key;
};

ExtractSummary extract(const FrameSource& source, FaceStore& store, const PluginRegistry& reg,
                       const PluginContext& ctx, const StageSpec& detector,
                       const StageSpec& embedder, const ExtractOptions& opt);

struct ClusterSummary {
  std::int64_t clustering_id = 0;
  std::size_t faces = 0, clusters = 0, noise = 0;
  std::string clusterer_key;
};

// Clusters the faces extracted with (detector_key, embedder_key).
ClusterSummary cluster(FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                       const std::string& detector_key, const std::string& embedder_key,
                       const StageSpec& clusterer);

// Everything the writers need: faces with labels, the graph, per-frame identities.
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

// Connects identities of the latest clustering, ranks them (PageRank), finds communities
// (Louvain) and lays the network out (ForceAtlas2), all seeded: the same store gives the same
// network.
Network connect(const FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                const StageSpec& edge_rule);

}  // namespace castnet
