// What the store knows of its inputs as they change and move: each input's listing when its
// broadcast was finished, its frames' content, the broadcast re-pointed when its input moved, and
// frames forgotten when they left their input.
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "castnet/core/store.hpp"
#include "castnet/sdk/errors.hpp"
#include "sqlite_db.hpp"

namespace castnet {

using detail::Statement;
using detail::Transaction;

void FaceStore::mark_done(std::int64_t broadcast_id, const std::string& detector, const std::string& embedder,
                          const InputListing& listing) {
  Transaction tx(db_);
  Statement q(db_, "INSERT OR REPLACE INTO broadcasts_done(broadcast_id, detector, embedder, listing) VALUES(?,?,?,?)");
  q.bind(1, broadcast_id).bind(2, detector).bind(3, embedder).bind(4, listing.state).run();
  if (!listing.shape.empty()) {
    Statement shape(db_, "UPDATE broadcasts SET shape=? WHERE id=?");
    shape.bind(1, listing.shape).bind(2, broadcast_id).run();
  }
  tx.commit();
}

bool FaceStore::is_done(std::int64_t broadcast_id, const std::string& detector, const std::string& embedder) const {
  return done_listing(broadcast_id, detector, embedder).has_value();
}

std::optional<std::string> FaceStore::done_listing(std::int64_t broadcast_id, const std::string& detector,
                                                   const std::string& embedder) const {
  Statement q(db_, "SELECT listing FROM broadcasts_done WHERE broadcast_id=? AND detector=? AND embedder=?");
  q.bind(1, broadcast_id).bind(2, detector).bind(3, embedder);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

std::map<std::string, std::uint64_t> FaceStore::content_hashes(std::int64_t broadcast_id) const {
  Statement q(db_, "SELECT location, content_hash FROM frames WHERE broadcast_id=?");
  q.bind(1, broadcast_id);
  std::map<std::string, std::uint64_t> out;
  while (q.step()) out[q.text(0)] = q.is_null(1) ? 0 : std::strtoull(q.text(1).c_str(), nullptr, 16);
  return out;
}

void FaceStore::move_broadcast(std::int64_t broadcast_id, const StoredBroadcast& moved, const InputListing& listing,
                               const std::map<std::string, MovedFrame>& frames) {
  Transaction tx(db_);
  Statement b(db_, "UPDATE broadcasts SET input=?, name=?, channel=?, start=?, shape=? WHERE id=?");
  b.bind(1, moved.input).bind(2, moved.name).bind(3, moved.channel).bind(5, listing.shape).bind(6, broadcast_id);
  if (moved.start) b.bind(4, static_cast<std::int64_t>(*moved.start));
  b.run();
  if (sqlite3_changes(db_) != 1) throw Error(ExitCode::store, fmt::format("The face store holds no broadcast {}.", broadcast_id));
  Statement f(db_, "UPDATE frames SET location=?, name=? WHERE location=? AND broadcast_id=?");
  for (const auto& [was, now] : frames) f.bind(1, now.location).bind(2, now.name).bind(3, was).bind(4, broadcast_id).run();
  // Only the keys up to date with the input (those whose listing is the latest one kept) are up
  // to date with it where it is now; one that was behind stays behind, to be read again.
  Statement d(db_, "UPDATE broadcasts_done SET listing=? WHERE broadcast_id=? AND listing = "
                   "(SELECT listing FROM broadcasts_done WHERE broadcast_id=? ORDER BY rowid DESC LIMIT 1)");
  d.bind(1, listing.state).bind(2, broadcast_id).bind(3, broadcast_id).run();
  tx.commit();
}

std::size_t FaceStore::settle_frames(std::int64_t broadcast_id, const std::vector<std::string>& listed) {
  Transaction tx(db_);
  std::map<std::string, std::int64_t> ids;
  Statement all(db_, "SELECT location, id FROM frames WHERE broadcast_id=?");
  all.bind(1, broadcast_id);
  while (all.step()) ids[all.text(0)] = all.integer(1);
  Statement seq(db_, "UPDATE frames SET seq=? WHERE id=?");
  for (std::size_t k = 0; k < listed.size(); ++k) {
    auto it = ids.find(listed[k]);
    if (it == ids.end()) continue;  // unreadable to the source, and never stored
    seq.bind(1, static_cast<std::int64_t>(k)).bind(2, it->second).run();
    ids.erase(it);
  }
  std::vector<std::int64_t> gone;
  for (const auto& [location, id] : ids) gone.push_back(id);
  forget_found(gone, true);
  tx.commit();
  return gone.size();
}

void FaceStore::forget_found(const std::vector<std::int64_t>& frame_ids, bool frames_too) {
  if (frame_ids.empty()) return;
  // The faces gathered once, so that each table holding face ids is read once, however many
  // frames go (labels are keyed by clustering first).
  exec("CREATE TEMP TABLE IF NOT EXISTS gone_frames(id INTEGER PRIMARY KEY); DELETE FROM gone_frames;"
       "CREATE TEMP TABLE IF NOT EXISTS gone_faces(id INTEGER PRIMARY KEY); DELETE FROM gone_faces;");
  Statement add(db_, "INSERT OR IGNORE INTO gone_frames(id) VALUES(?)");
  for (std::int64_t id : frame_ids) add.bind(1, id).run();
  exec("INSERT INTO gone_faces(id) SELECT id FROM faces WHERE frame_id IN gone_frames;"
       // A forgotten face's id is never given again (save() starts above it): a crop or a
       // correction made for it must not pass to another face.
       "INSERT INTO meta(key, value) SELECT 'faces.high_water', top FROM (SELECT max(id) AS top FROM gone_faces) WHERE top IS NOT NULL "
       "  ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER));"
       "DELETE FROM embeddings WHERE face_id IN gone_faces;"
       // Through labels' key (clustering, face): a year's labels are not read through.
       "DELETE FROM labels WHERE (clustering_id, face_id) IN (SELECT c.id, g.id FROM clusterings c, gone_faces g);"
       // A correction is about the faces it named: one of another picture is not among them.
       "DELETE FROM correction_faces WHERE face_id IN gone_faces;"
       "DELETE FROM faces WHERE id IN gone_faces;"
       "DELETE FROM detections WHERE frame_id IN gone_frames;");
  if (frames_too) exec("DELETE FROM frames WHERE id IN gone_frames;");
}

}  // namespace castnet
