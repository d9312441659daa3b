// Merging shard stores (castnet extract --shard I/N, or MPI ranks) into one.
#include <fmt/format.h>

#include "castnet/core/store.hpp"
#include "castnet/sdk/errors.hpp"
#include "sqlite_db.hpp"

namespace castnet {

namespace {

// Rows are matched by what identifies them across stores (a broadcast's input, a frame's
// location, a face's frame, detector and index), never by row ids, which each store numbers
// its own way. Faces are added in broadcast order, as an extraction would have added them.
constexpr const char* kMerge = R"sql(
INSERT INTO broadcasts(name, channel, start, source, input, shape)
  SELECT name, channel, start, source, input, shape FROM shard.broadcasts WHERE true ON CONFLICT(input) DO NOTHING;
INSERT INTO frames(name, location, seq, content_hash, width, height, broadcast_id, seconds)
  SELECT f.name, f.location, f.seq, f.content_hash, f.width, f.height, b.id, f.seconds
  FROM shard.frames f JOIN shard.broadcasts sb ON sb.id = f.broadcast_id JOIN main.broadcasts b ON b.input = sb.input
  WHERE true ORDER BY b.start, b.name, b.input, f.seq, f.name
  ON CONFLICT(location) DO NOTHING;
INSERT OR IGNORE INTO detections(frame_id, detector, embedder, n_faces, error)
  SELECT mf.id, d.detector, d.embedder, d.n_faces, d.error
  FROM shard.detections d JOIN shard.frames f ON f.id = d.frame_id JOIN main.frames mf ON mf.location = f.location;
INSERT INTO faces(frame_id, detector, idx, left, top, right, bottom, score, landmarks)
  SELECT mf.id, x.detector, x.idx, x.left, x.top, x.right, x.bottom, x.score, x.landmarks
  FROM shard.faces x JOIN shard.frames f ON f.id = x.frame_id JOIN main.frames mf ON mf.location = f.location
  JOIN main.broadcasts b ON b.id = mf.broadcast_id
  WHERE true ORDER BY b.start, b.name, b.input, mf.seq, mf.name, x.detector, x.idx
  ON CONFLICT(frame_id, detector, idx) DO NOTHING;
INSERT OR IGNORE INTO embeddings(face_id, embedder, dim, metric, vec)
  SELECT mx.id, e.embedder, e.dim, e.metric, e.vec
  FROM shard.embeddings e JOIN shard.faces x ON x.id = e.face_id JOIN shard.frames f ON f.id = x.frame_id
  JOIN main.frames mf ON mf.location = f.location
  JOIN main.faces mx ON mx.frame_id = mf.id AND mx.detector = x.detector AND mx.idx = x.idx;
INSERT OR IGNORE INTO broadcasts_done(broadcast_id, detector, embedder, listing)
  SELECT b.id, d.detector, d.embedder, d.listing
  FROM shard.broadcasts_done d JOIN shard.broadcasts sb ON sb.id = d.broadcast_id JOIN main.broadcasts b ON b.input = sb.input;
)sql";

}  // namespace

void FaceStore::merge_from(const std::filesystem::path& shard) {
  { FaceStore check(shard); }  // a castnet store, upgraded to this schema if it is an older one
  detail::Statement attach(db_, "ATTACH DATABASE ? AS shard");
  attach.bind(1, shard.string()).run();
  try {
    exec("BEGIN IMMEDIATE");
    try {
      exec(kMerge);
      exec("COMMIT");
    } catch (...) {
      exec("ROLLBACK");
      throw;
    }
  } catch (const Error& e) {
    exec("DETACH DATABASE shard");
    throw Error(ExitCode::store, fmt::format("{} could not be merged into {}: {}", shard.string(), path_.string(), e.what()));
  }
  exec("DETACH DATABASE shard");
}

}  // namespace castnet
