// The face store: one SQLite file in the output folder holding frames, faces, embeddings per
// embedder and clustering runs. Every stage reads the previous stage's rows and writes its own,
// so `castnet cluster` and `castnet graph` re-run later stages without detecting again.
// Writes are committed per batch: an interrupted run keeps everything up to its last batch.
#pragma once
#include <cstdint>
#include <ctime>
#include <map>
#include <set>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "castnet/core/input_listing.hpp"
#include "castnet/sdk/embeddings.hpp"
#include "castnet/sdk/face.hpp"
#include "castnet/sdk/stages.hpp"

struct sqlite3;

namespace castnet {

// One broadcast: what one input (a folder, a ZIP, a video) holds. Frames of different
// broadcasts are never consecutive.
struct StoredBroadcast {
  std::int64_t id = 0;
  std::string name;                  // the input's name: RUSSIA1_20230313_083000_60_minut
  std::string channel;               // from a Visual Explorer name, else empty
  std::optional<std::time_t> start;  // UTC, from a Visual Explorer name
  std::string source;                // the frame source's key (`zip`, `video:interval=4`)
  std::string input;                 // absolute path of the input
};

struct StoredFrame {
  std::int64_t id = 0;
  std::string name;
  std::string location;
  long seq = 0;                        // position in its broadcast, 0-based
  std::int64_t broadcast_id = 0;
  std::optional<double> seconds;       // from the broadcast's start, where the source knew it
};

// Where a stored frame is after its input moved, and its name there (a video's frames are named
// after the file).
struct MovedFrame {
  std::string location, name;
};

struct StoredFace {
  std::int64_t id = 0;
  std::int64_t frame_id = 0;
  int index = 0;  // position among the frame's faces, detector order
  Face face;
};

struct FrameResult {  // what extraction produced for one frame
  std::int64_t broadcast_id = 0;
  std::string name, location;
  long seq = 0;
  std::optional<double> seconds;
  std::uint64_t content_hash = 0;
  int width = 0, height = 0;
  std::string error;  // non-empty: the frame could not be read
  // The frame was stored before with other content (its input changed): what was found in it
  // then is forgotten before this is stored.
  bool replaces = false;
  std::string warning;  // non-empty: read, but the decoder noticed damage (not stored)
  const char* metric = "euclidean";  // the embedder's metric
  std::vector<Face> faces;
  std::vector<std::vector<float>> embeddings;
};

// A clustering's name in tables and messages: the clusterer's key, and the constraints' where
// there are any (`chinese-whispers:... + constraints:...`).
inline std::string clustering_name(const std::string& clusterer, const std::string& constraints) {
  return constraints.empty() || constraints == "none" ? clusterer : clusterer + " + " + constraints;
}

struct ClusteringRun {
  std::int64_t id = 0;
  std::string detector, embedder, clusterer;
  std::string constraints;  // "none", the face constraints' key, or "" (before schema 4: in the clusterer's key)
  std::string clustering() const { return clustering_name(clusterer, constraints); }
};

// What a user said about people (`castnet people`), kept as a fact about faces, so that it holds
// whatever clustering comes next (castnet/core/people.hpp applies it).
struct Correction {
  std::int64_t id = 0;
  std::string kind;                  // name, merge, split, not
  std::string name;                  // name: the name given
  std::vector<std::int64_t> faces;   // the faces it is about
  std::vector<std::int64_t> others;  // split: the faces left behind; not: the person's faces
  bool undone = false;
  std::string created;               // UTC, as SQLite writes CURRENT_TIMESTAMP
};

// One known face of a gallery, embedded.
struct GalleryFace {
  std::string identity, path;
  std::vector<float> vec;
};

// What a detector and an embedder made of one gallery photo, kept by the photo's content so that
// a gallery named again (or one whose embedding was stopped) embeds only photos not seen before.
struct GalleryPhoto {
  std::size_t faces = 0;    // faces the detector found
  std::vector<float> vec;  // the face's embedding, where it found exactly one
};

class FaceStore {
 public:
  // Creates or opens `path`; throws Error(store) if it is not a castnet store.
  explicit FaceStore(const std::filesystem::path& path);
  ~FaceStore();
  FaceStore(const FaceStore&) = delete;
  FaceStore& operator=(const FaceStore&) = delete;

  // Registers a broadcast (idempotent: by its input) and returns its id.
  std::int64_t add_broadcast(const StoredBroadcast& b);
  // Broadcast order: by start, then name and input, so that stores filled in any order (shards
  // merged, inputs given in another order) read alike.
  std::vector<StoredBroadcast> broadcasts() const;
  std::optional<StoredBroadcast> broadcast(std::int64_t id) const;
  // The broadcast stored for an input (its absolute path), if any.
  std::optional<std::int64_t> broadcast_of(const std::string& input) const;
  // A broadcast whose every frame was extracted with (detector, embedder) is marked done, with
  // its input's listing as it was then, so a later run opens it again only if the input changed.
  void mark_done(std::int64_t broadcast_id, const std::string& detector, const std::string& embedder,
                 const InputListing& listing = {});
  bool is_done(std::int64_t broadcast_id, const std::string& detector, const std::string& embedder) const;

  // What the store knows of its inputs as they change and move (store_inputs.cpp).
  // The listing's state when the broadcast was marked done: nothing if it is not; "" if it was
  // done before listings were kept (schema 5 and older).
  std::optional<std::string> done_listing(std::int64_t broadcast_id, const std::string& detector,
                                          const std::string& embedder) const;
  // Broadcasts whose input had this shape when last marked done.
  std::vector<StoredBroadcast> broadcasts_shaped(const std::string& shape) const;
  // The broadcast's frames' content hashes (FNV-1a), by location; a frame never read has none.
  std::map<std::string, std::uint64_t> content_hashes(std::int64_t broadcast_id) const;
  // The broadcast's input moved to `moved.input` (named, and dated, from there): each frame follows
  // to where `frames` says (by its stored location), and the (detector, embedder) keys that were
  // up to date with the input hold `listing` now.
  void move_broadcast(std::int64_t broadcast_id, const StoredBroadcast& moved, const InputListing& listing,
                      const std::map<std::string, MovedFrame>& frames);
  // The broadcast's frames are now `listed` (locations, in broadcast order), as its input was read
  // again: they are numbered in that order, and any other is forgotten with all that was found in
  // it (faces, embeddings, labels, and corrections' mention of those faces). One transaction;
  // returns how many frames were forgotten.
  std::size_t settle_frames(std::int64_t broadcast_id, const std::vector<std::string>& listed);
  // Locations of the broadcast's frames already detected with `detector` and embedded with
  // `embedder`.
  std::set<std::string> done_locations(std::int64_t broadcast_id, const std::string& detector,
                                       const std::string& embedder) const;
  // The faces `detector` found in the broadcast's frames, by location (zero-face frames too):
  // another embedder can reuse them and skip detection.
  std::map<std::string, std::vector<Face>> detected(std::int64_t broadcast_id, const std::string& detector) const;
  // Stores a batch of frame results in one transaction (the frames' rows too).
  void save(const std::string& detector, const std::string& embedder,
            const std::vector<FrameResult>& batch);

  std::vector<StoredFrame> frames() const;  // broadcast order, then frame order
  std::vector<StoredFace> faces(const std::string& detector) const;  // (frame order, index)
  // The broadcast's frames the detector could not read: (name, reason).
  std::vector<std::pair<std::string, std::string>> unreadable(std::int64_t broadcast_id, const std::string& detector) const;
  // Embeddings of `faces` (as faces(detector) returned them), in the same order; throws if any
  // is missing.
  EmbeddingSet embeddings(const std::vector<StoredFace>& faces, const std::string& embedder) const;

  // Labels, and the clusterer's membership probabilities and outlier scores where it gives them.
  std::int64_t save_clustering(const ClusteringRun& run, const std::vector<std::int64_t>& face_ids,
                               const Clustering& clustering);
  std::optional<ClusteringRun> latest_clustering() const;
  // What save_clustering stored, for these faces (-1 for a face it did not label, and
  // (*unlabelled)[k] true where it did not: a face extracted since).
  Clustering clustering(std::int64_t clustering_id, const std::vector<std::int64_t>& face_ids,
                        std::vector<char>* unlabelled = nullptr) const;

  // Adds what another store holds (a shard of the same run): broadcasts, frames, detections,
  // faces and embeddings, matched by input and frame location; what is here already stays.
  // One transaction: a merge that fails leaves this store as it was.
  void merge_from(const std::filesystem::path& shard);

  // Corrections, oldest first, undone ones included (store_people.cpp).
  std::int64_t add_correction(const Correction& c);
  std::vector<Correction> corrections() const;
  void set_undone(std::int64_t correction_id, bool undone);
  // The gallery as `embedder` embedded it; set_gallery replaces it.
  void set_gallery(const std::string& embedder, const std::vector<GalleryFace>& faces);
  std::vector<GalleryFace> gallery(const std::string& embedder) const;
  // Gallery photos seen before by this detector and embedder, by content hash; keep_gallery_photo
  // stores one as soon as it is embedded (its own transaction: a stopped gallery keeps it).
  std::map<std::uint64_t, GalleryPhoto> gallery_photos(const std::string& detector, const std::string& embedder) const;
  void keep_gallery_photo(std::uint64_t content_hash, const std::string& detector, const std::string& embedder, const GalleryPhoto& photo);

  void set_meta(const std::string& key, const std::string& value);
  std::optional<std::string> meta(const std::string& key) const;

 private:
  void exec(const char* sql) const;
  // Within a transaction: forgets what was found in these frames (and the frames themselves).
  void forget_found(const std::vector<std::int64_t>& frame_ids, bool frames_too);
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace castnet
