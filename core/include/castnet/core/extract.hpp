// The first stage: detect and embed every frame of a broadcast into the face store. Resumable
// (frames already done are skipped; a finished broadcast is not even opened again unless its
// input changed), following frames added, replaced and removed, and reusing detections across
// embedders.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "castnet/core/input_listing.hpp"
#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"
#include "castnet/sdk/frame_source.hpp"

namespace castnet {

struct ExtractOptions {
  int threads = 0;          // 0: all cores
  std::size_t batch = 16;   // frames per store transaction
  bool quiet = false;
  // castnet's output folder. Where it lies inside an input folder (read with -r), the files in it
  // are castnet's own pictures, and are never read as frames.
  std::filesystem::path outputs;
};

struct ExtractSummary {
  std::size_t frames = 0, processed = 0, resumed = 0, unreadable = 0, faces = 0;
  // A finished broadcast read again because its input changed: frames whose content changed
  // (among `processed`), and frames gone from the input (forgotten).
  std::size_t replaced = 0, removed = 0;
  std::size_t detections_reused = 0;  // frames whose faces came from the store, not the detector
  std::size_t broadcasts = 0;         // broadcasts this extraction covered
  double seconds = 0;
  std::string detector_key, embedder_key;

  ExtractSummary& operator+=(const ExtractSummary& o);
};

// One detector and one embedder per worker, built once for every broadcast of a run.
class Extractor {
 public:
  // Builds the stages before any frame is read, so that a bad parameter or a missing model stops
  // the run at once.
  Extractor(const PluginRegistry& reg, const PluginContext& ctx, const StageSpec& detector, const StageSpec& embedder,
            const ExtractOptions& opt);
  ~Extractor();
  const std::string& detector_key() const;
  const std::string& embedder_key() const;

  // Frames are read in broadcast order, decoded, detected and embedded on the workers, and written
  // in broadcast order, `batch` frames per transaction: face ids do not depend on the thread
  // count, and an interrupted run keeps every finished batch. `label` names the broadcast in the
  // progress display; `listing` is its input's, taken before it was opened, kept when every frame
  // is done. Frames done before are passed over unread, unless `recheck` (a broadcast stored
  // before, whose input changed or whose extraction was interrupted): then each is read and
  // compared by content, one that changed is extracted again (what was found in its old picture
  // forgotten), and frames no longer in the input are forgotten. A frame done before that its
  // source cannot read now keeps what was found in it, and the input is read again next time.
  ExtractSummary run(FrameSource& source, std::int64_t broadcast_id, FaceStore& store, const std::string& label,
                     const InputListing& listing = {}, bool recheck = false);

 private:
  struct Workers;
  std::unique_ptr<Workers> workers_;
  ExtractOptions opt_;
};

// What a frame holds, as the store keeps it (FNV-1a of its file's bytes, or of a video frame's
// pixels; 0 for a frame its source could not read): a frame that changed, or moved, is told by it.
std::uint64_t content_hash(const SourceFrame& frame);

// The summary of the latest extraction, kept in the store's meta: later stages take its
// detector and embedder, and `castnet compare` its figures.
void record_extraction(FaceStore& store, const ExtractSummary& s);
std::optional<ExtractSummary> last_extraction(const FaceStore& store);

}  // namespace castnet
