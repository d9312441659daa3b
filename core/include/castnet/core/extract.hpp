// The first stage chained: detect and embed every frame of a source into the face store.
// Resumable (frames already done are skipped) and reusing detections across embedders.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "castnet/core/frame_source.hpp"
#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"

namespace castnet {

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

// Frames are decoded, detected and embedded on `threads` workers and written to the store in
// frame order, `batch` frames per transaction: face ids do not depend on the thread count, and
// an interrupted run keeps every finished batch.
ExtractSummary extract_faces(const FrameSource& source, FaceStore& store, const PluginRegistry& reg,
                             const PluginContext& ctx, const StageSpec& detector, const StageSpec& embedder,
                             const ExtractOptions& opt);

// The summary of the latest extraction, kept in the store's meta: later stages take its
// detector and embedder, and `castnet compare` its figures.
void record_extraction(FaceStore& store, const ExtractSummary& s);
std::optional<ExtractSummary> last_extraction(const FaceStore& store);

}  // namespace castnet
