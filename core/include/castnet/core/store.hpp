// The face store: one SQLite file in the output folder holding frames, faces, embeddings per
// embedder and clustering runs. Every stage reads the previous stage's rows and writes its own,
// so `castnet cluster` and `castnet graph` re-run later stages without detecting again.
// Writes are committed per batch: an interrupted run keeps everything up to its last batch.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "castnet/core/frame_source.hpp"
#include "castnet/sdk/embeddings.hpp"
#include "castnet/sdk/face.hpp"
#include "castnet/sdk/stages.hpp"

struct sqlite3;

namespace castnet {

struct StoredFrame {
  std::int64_t id = 0;
  std::string name;
  std::string location;
  long seq = 0;
};

struct StoredFace {
  std::int64_t id = 0;
  std::int64_t frame_id = 0;
  int index = 0;  // position among the frame's faces, detector order
  Face face;
};

struct FrameResult {  // what extraction produced for one frame
  std::int64_t frame_id = 0;
  std::uint64_t content_hash = 0;
  int width = 0, height = 0;
  std::string error;  // non-empty: the frame could not be read
  const char* metric = "euclidean";  // the embedder's metric
  std::vector<Face> faces;
  std::vector<std::vector<float>> embeddings;
};

struct ClusteringRun {
  std::int64_t id = 0;
  std::string detector, embedder, clusterer;
};

class FaceStore {
 public:
  // Creates or opens `path`; throws Error(store) if it is not a castnet store.
  explicit FaceStore(const std::filesystem::path& path);
  ~FaceStore();
  FaceStore(const FaceStore&) = delete;
  FaceStore& operator=(const FaceStore&) = delete;

  // Registers the source's frames (idempotent) and returns their ids in the source's order.
  std::vector<std::int64_t> add_frames(const std::vector<FrameRef>& frames);
  // Frames (by id) already detected with `detector` and embedded with `embedder`.
  std::vector<std::int64_t> done_frames(const std::string& detector, const std::string& embedder);
  // Frames (by id) already detected with `detector`, whatever the embedder: their faces can be
  // reused (faces(detector)) and only embedded.
  std::vector<std::int64_t> detected_frames(const std::string& detector);
  // Stores a batch of frame results in one transaction.
  void save(const std::string& detector, const std::string& embedder,
            const std::vector<FrameResult>& batch);

  std::vector<StoredFrame> frames() const;  // broadcast order
  std::vector<StoredFace> faces(const std::string& detector) const;  // (frame order, index)
  // Frames the detector could not read: (name, reason).
  std::vector<std::pair<std::string, std::string>> unreadable(const std::string& detector) const;
  // Embeddings of `faces` (as faces(detector) returned them), in the same order; throws if any
  // is missing.
  EmbeddingSet embeddings(const std::vector<StoredFace>& faces, const std::string& embedder) const;

  // Labels, and the clusterer's membership probabilities and outlier scores where it gives them.
  std::int64_t save_clustering(const ClusteringRun& run, const std::vector<std::int64_t>& face_ids,
                               const Clustering& clustering);
  std::optional<ClusteringRun> latest_clustering() const;
  // What save_clustering stored, for these faces (-1 for a face it did not label).
  Clustering clustering(std::int64_t clustering_id, const std::vector<std::int64_t>& face_ids) const;

  void set_meta(const std::string& key, const std::string& value);
  std::optional<std::string> meta(const std::string& key) const;

 private:
  void exec(const char* sql) const;
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace castnet
