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
  std::string constraints_key;    // "none", or the face constraints' canonical key
  ConstraintSummary constraints;  // what the face constraints changed
  bool unchanged = false;         // the same stages and no new face: the latest clustering stands
  bool incremental = false;       // only the faces extracted since the latest clustering were placed:
  std::size_t new_faces = 0, joined = 0, new_people = 0;  // how many, how many joined people clustered before, people new
  std::size_t look_alike = 0;     // groups of new faces within the join's reach of two people clustered before
};

// Clusters the faces extracted with (detector_key, embedder_key), applies the face constraints
// `constraints` asks for (constraints.hpp), and stores the labels as a new clustering run, which
// later stages take as the latest. Person numbers last (person_numbers.hpp). With the stages of
// the latest clustering, its join on and `full` false, only the faces extracted since are
// placed, every face clustered before keeping its person (cluster_increment.hpp); with no new
// face the latest clustering stands.
ClusterSummary cluster_faces(FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                             const std::string& detector_key, const std::string& embedder_key,
                             const StageSpec& clusterer, const StageSpec& constraints, bool full = false);

}  // namespace castnet
