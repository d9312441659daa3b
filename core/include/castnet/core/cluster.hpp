// The second stage: cluster the stored embeddings of one extraction into identities.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "castnet/core/constraints.hpp"
#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"

namespace castnet {

struct ClusterSummary {
  std::int64_t clustering_id = 0;
  std::size_t faces = 0, clusters = 0, noise = 0;
  std::string clusterer_key;
  ConstraintSummary constraints;  // what the face constraints changed
};

// Clusters the faces extracted with (detector_key, embedder_key), applies the face constraints
// the clusterer's parameters ask for, and stores the labels as a new clustering run, which later
// stages take as the latest.
ClusterSummary cluster_faces(FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                             const std::string& detector_key, const std::string& embedder_key,
                             const StageSpec& clusterer);

}  // namespace castnet
