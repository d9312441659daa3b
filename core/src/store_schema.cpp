#include "store_schema.hpp"

#include <iterator>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"
#include "sqlite_db.hpp"

namespace castnet::detail {

namespace {

constexpr const char* kSchemaVersion = "6";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per input: a folder, a ZIP, a video. start: UTC seconds, from a Visual Explorer name.
-- shape: the input's listing (names and sizes, core/input_listing.hpp) when last extracted, by
-- which a moved input is recognised; '' before schema 6.
CREATE TABLE IF NOT EXISTS broadcasts(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, channel TEXT NOT NULL DEFAULT '', start INTEGER,
  source TEXT NOT NULL, input TEXT NOT NULL UNIQUE, shape TEXT NOT NULL DEFAULT '');
-- listing: the input's state (names, sizes, times) when every frame was done; '' before schema 6.
CREATE TABLE IF NOT EXISTS broadcasts_done(
  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id), detector TEXT NOT NULL, embedder TEXT NOT NULL,
  listing TEXT NOT NULL DEFAULT '', PRIMARY KEY(broadcast_id, detector, embedder));
CREATE TABLE IF NOT EXISTS frames(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, location TEXT NOT NULL UNIQUE, seq INTEGER NOT NULL,
  content_hash TEXT, width INTEGER, height INTEGER,
  broadcast_id INTEGER REFERENCES broadcasts(id), seconds REAL);
-- One row per (frame, detector, embedder) once detection and embedding ran: zero-face frames are
-- done too.
CREATE TABLE IF NOT EXISTS detections(
  frame_id INTEGER NOT NULL REFERENCES frames(id), detector TEXT NOT NULL, embedder TEXT NOT NULL,
  n_faces INTEGER NOT NULL, error TEXT, PRIMARY KEY(frame_id, detector, embedder));
CREATE TABLE IF NOT EXISTS faces(
  id INTEGER PRIMARY KEY, frame_id INTEGER NOT NULL REFERENCES frames(id), detector TEXT NOT NULL,
  idx INTEGER NOT NULL, left INTEGER, top INTEGER, right INTEGER, bottom INTEGER, score REAL,
  landmarks TEXT, UNIQUE(frame_id, detector, idx));
CREATE TABLE IF NOT EXISTS embeddings(
  face_id INTEGER NOT NULL REFERENCES faces(id), embedder TEXT NOT NULL, dim INTEGER NOT NULL,
  metric TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY(face_id, embedder));
-- constraints: the face constraints' key, "none", or '' for a clustering of schema 3 or before,
-- whose clusterer key holds them.
CREATE TABLE IF NOT EXISTS clusterings(
  id INTEGER PRIMARY KEY, detector TEXT NOT NULL, embedder TEXT NOT NULL, clusterer TEXT NOT NULL,
  created TEXT DEFAULT CURRENT_TIMESTAMP, constraints TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS labels(
  clustering_id INTEGER NOT NULL REFERENCES clusterings(id), face_id INTEGER NOT NULL,
  label INTEGER NOT NULL, probability REAL, outlier_score REAL, PRIMARY KEY(clustering_id, face_id));
CREATE INDEX IF NOT EXISTS frames_by_broadcast ON frames(broadcast_id, seq);
-- What users say about people (castnet people), as facts about faces: side 0 holds the faces the
-- correction is about, side 1 the other faces it sets them against (split, not).
CREATE TABLE IF NOT EXISTS corrections(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', undone INTEGER NOT NULL DEFAULT 0,
  created TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS correction_faces(
  correction_id INTEGER NOT NULL REFERENCES corrections(id), side INTEGER NOT NULL, face_id INTEGER NOT NULL,
  PRIMARY KEY(correction_id, side, face_id));
-- Known faces (castnet run --gallery), embedded by each embedder that named people with them.
CREATE TABLE IF NOT EXISTS gallery(
  embedder TEXT NOT NULL, seq INTEGER NOT NULL, identity TEXT NOT NULL, path TEXT NOT NULL, vec BLOB NOT NULL,
  PRIMARY KEY(embedder, seq));
-- Each gallery photo a detector and embedder saw, by its content (FNV-1a of its bytes, as
-- frames'): faces found, and the embedding where there was exactly one. A gallery named again,
-- or one stopped half-way, embeds only the photos not here.
CREATE TABLE IF NOT EXISTS gallery_photos(
  content_hash TEXT NOT NULL, detector TEXT NOT NULL, embedder TEXT NOT NULL, faces INTEGER NOT NULL, vec BLOB,
  PRIMARY KEY(content_hash, detector, embedder));
)sql";

// Schema 2 had no broadcasts: its frames, one folder's, become one broadcast.
constexpr const char* kUpgradeFrom2 = R"sql(
ALTER TABLE frames ADD COLUMN broadcast_id INTEGER REFERENCES broadcasts(id);
ALTER TABLE frames ADD COLUMN seconds REAL;
)sql";

// Schema 3 kept the face constraints in the clusterer's key; 4 keeps them beside it.
constexpr const char* kUpgradeFrom3 = R"sql(
ALTER TABLE clusterings ADD COLUMN constraints TEXT NOT NULL DEFAULT '';
)sql";

// Schema 6 keeps each input's listing (3, 4 and 5 had the tables without it).
constexpr const char* kUpgradeFrom5 = R"sql(
ALTER TABLE broadcasts ADD COLUMN shape TEXT NOT NULL DEFAULT '';
ALTER TABLE broadcasts_done ADD COLUMN listing TEXT NOT NULL DEFAULT '';
)sql";

void exec(sqlite3* db, const std::string& sql) {
  if (int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); rc != SQLITE_OK) throw sqlite_error(db, rc);
}

// A store has every table of its version; one missing was dropped, and re-creating it empty would
// silently give an empty network or forget users' corrections. Schema 3 and 4 gained the people's
// tables as they went, so a store of those versions is held to the first nine; 5 has them all.
void require_tables(sqlite3* db, const std::filesystem::path& path, const std::string& version) {
  static const char* const kTables[] = {"meta", "broadcasts", "broadcasts_done", "frames", "detections", "faces", "embeddings",
                                        "clusterings", "labels", "corrections", "correction_faces", "gallery", "gallery_photos"};
  const std::size_t required = version == "3" || version == "4" ? 9 : std::size(kTables);
  for (std::size_t t = 0; t < required; ++t) {
    Statement q(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    q.bind(1, std::string(kTables[t]));
    if (!q.step())
      throw Error(ExitCode::store, fmt::format("The face store {} is damaged: its table '{}' is missing; extract into a new output folder.",
                                               path.string(), kTables[t]));
  }
}

std::optional<std::string> schema_version(sqlite3* db) {
  Statement has_meta(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'");
  if (!has_meta.step()) return std::nullopt;
  Statement q(db, "SELECT value FROM meta WHERE key='schema_version'");
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

// The frames of a schema-2 store, one folder's, become one broadcast named after the folder.
void add_the_one_broadcast(sqlite3* db) {
  Statement first(db, "SELECT location FROM frames ORDER BY seq LIMIT 1");
  if (!first.step()) return;
  std::filesystem::path folder = std::filesystem::path(first.text(0)).parent_path();
  Statement ins(db, "INSERT INTO broadcasts(name, source, input) VALUES(?, 'folder', ?)");
  ins.bind(1, folder.filename().string()).bind(2, folder.string()).run();
  exec(db, "UPDATE frames SET broadcast_id = (SELECT id FROM broadcasts LIMIT 1)");
}

// One transaction from schema 2, 3, 4 or 5 to this one: a failure leaves the store as it was.
// Schema 4 to 5 only adds tables; 5 to 6 adds the listings' columns.
void upgrade(sqlite3* db, const std::string& from) {
  exec(db, "BEGIN IMMEDIATE");
  try {
    if (from == "2") exec(db, kUpgradeFrom2);
    if (from == "2" || from == "3") exec(db, kUpgradeFrom3);
    if (from != "2") exec(db, kUpgradeFrom5);  // schema 2 had no broadcasts: kSchema makes them whole
    exec(db, kSchema);
    if (from == "2") add_the_one_broadcast(db);
    exec(db, fmt::format("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '{}')", kSchemaVersion));
    exec(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace

void create_or_upgrade(sqlite3* db, const std::filesystem::path& path) {
  std::optional<std::string> version;
  try {
    version = schema_version(db);
  } catch (const Error& e) {
    if (e.code() != ExitCode::store) throw;  // unwritable, disk full: said as such
    throw Error(ExitCode::store, fmt::format("{} is not a castnet face store (or is damaged); choose another output folder.", path.string()));
  }
  if (version == std::string("2")) return upgrade(db, "2");
  if (version == std::string("3") || version == std::string("4") || version == std::string("5")) {
    require_tables(db, path, *version);
    return upgrade(db, *version);
  }
  if (version && *version != kSchemaVersion)
    throw Error(ExitCode::store, fmt::format("The face store {} has schema version {}, this castnet reads version {}; use a new output folder.",
                                             path.string(), *version, kSchemaVersion));
  if (version) require_tables(db, path, *version);
  exec(db, kSchema);
  if (!version) exec(db, fmt::format("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '{}')", kSchemaVersion));
}

}  // namespace castnet::detail
