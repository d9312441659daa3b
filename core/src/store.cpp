#include "castnet/core/store.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"
#include "sqlite_db.hpp"
#include "store_schema.hpp"

namespace castnet {

using detail::Statement;
using detail::Transaction;

namespace {

std::string landmarks_text(const std::vector<Point>& pts) {
  std::string s;
  for (const auto& p : pts) s += fmt::format("{}{},{}", s.empty() ? "" : ";", p.x, p.y);
  return s;
}

std::vector<Point> parse_landmarks(const std::string& s) {
  std::vector<Point> pts;
  std::istringstream in(s);
  std::string item;
  while (std::getline(in, item, ';')) {
    Point p;
    if (std::sscanf(item.c_str(), "%ld,%ld", &p.x, &p.y) == 2) pts.push_back(p);
  }
  return pts;
}


}  // namespace

FaceStore::FaceStore(const std::filesystem::path& path) : path_(path) {
  // SQLite's own limit on a file's full path (512 bytes in Debian's build): past it, its error is
  // only "unable to open", though the folder is there and writable.
  const std::size_t full = std::filesystem::absolute(path).string().size() + 4;  // and "-wal"
  if (const sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr); vfs && full >= std::size_t(vfs->mxPathname))
    throw Error(ExitCode::output, fmt::format("The face store {} cannot be opened: its full path is {} bytes long, and SQLite opens paths of "
                                              "under {} bytes; choose a shorter output folder, or --store.",
                                              path.string(), full - 4, vfs->mxPathname - 4));
  if (int rc = sqlite3_open(path.c_str(), &db_); rc != SQLITE_OK) {
    Error e = rc == SQLITE_CANTOPEN
                  ? Error(ExitCode::output, fmt::format("The face store {} cannot be opened or created; check that its folder exists and is writable.", path.string()))
                  : detail::sqlite_error(db_, rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw e;
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    // WAL: readers (a second `castnet graph`) never block the extracting writer.
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    detail::create_or_upgrade(db_, path);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

FaceStore::~FaceStore() { sqlite3_close(db_); }

void FaceStore::exec(const char* sql) const {
  if (int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); rc != SQLITE_OK) throw detail::sqlite_error(db_, rc);
}

std::int64_t FaceStore::add_broadcast(const StoredBroadcast& b) {
  Statement ins(db_, "INSERT INTO broadcasts(name, channel, start, source, input) VALUES(?,?,?,?,?) "
                     "ON CONFLICT(input) DO UPDATE SET source=excluded.source, "
                     // An earlier castnet named an input given as `frames/` ''.
                     "name=CASE WHEN broadcasts.name = '' THEN excluded.name ELSE broadcasts.name END RETURNING id");
  ins.bind(1, b.name).bind(2, b.channel).bind(4, b.source).bind(5, b.input);
  if (b.start) ins.bind(3, static_cast<std::int64_t>(*b.start));
  if (!ins.step()) throw Error(ExitCode::store, "The face store did not return a broadcast id.");
  std::int64_t id = ins.integer(0);
  ins.run();
  return id;
}

namespace {

const std::string kBroadcastRow = "SELECT id, name, channel, start, source, input FROM broadcasts ";

std::vector<StoredBroadcast> broadcast_rows(Statement& q) {
  std::vector<StoredBroadcast> out;
  while (q.step()) {
    StoredBroadcast b{q.integer(0), q.text(1), q.text(2), std::nullopt, q.text(4), q.text(5)};
    if (!q.is_null(3)) b.start = static_cast<std::time_t>(q.integer(3));
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

std::vector<StoredBroadcast> FaceStore::broadcasts() const {
  Statement q(db_, (kBroadcastRow + "ORDER BY start, name, input").c_str());
  return broadcast_rows(q);
}

std::optional<StoredBroadcast> FaceStore::broadcast(std::int64_t id) const {
  Statement q(db_, (kBroadcastRow + "WHERE id=?").c_str());
  q.bind(1, id);
  auto rows = broadcast_rows(q);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<StoredBroadcast> FaceStore::broadcasts_shaped(const std::string& shape) const {
  if (shape.empty()) return {};
  Statement q(db_, (kBroadcastRow + "WHERE shape=? ORDER BY id").c_str());
  q.bind(1, shape);
  return broadcast_rows(q);
}

std::optional<std::int64_t> FaceStore::broadcast_of(const std::string& input) const {
  Statement q(db_, "SELECT id FROM broadcasts WHERE input=?");
  q.bind(1, input);
  if (!q.step()) return std::nullopt;
  return q.integer(0);
}

std::set<std::string> FaceStore::done_locations(std::int64_t broadcast_id, const std::string& detector,
                                                const std::string& embedder) const {
  Statement q(db_, "SELECT fr.location FROM detections d JOIN frames fr ON fr.id = d.frame_id "
                   "WHERE fr.broadcast_id=? AND d.detector=? AND d.embedder=?");
  q.bind(1, broadcast_id).bind(2, detector).bind(3, embedder);
  std::set<std::string> out;
  while (q.step()) out.insert(q.text(0));
  return out;
}

std::map<std::string, std::vector<Face>> FaceStore::detected(std::int64_t broadcast_id, const std::string& detector) const {
  std::map<std::string, std::vector<Face>> out;
  Statement frames(db_, "SELECT DISTINCT fr.location FROM detections d JOIN frames fr ON fr.id = d.frame_id "
                        "WHERE fr.broadcast_id=? AND d.detector=?");
  frames.bind(1, broadcast_id).bind(2, detector);
  while (frames.step()) out[frames.text(0)];
  Statement q(db_, "SELECT fr.location, f.left, f.top, f.right, f.bottom, f.score, f.landmarks FROM faces f "
                   "JOIN frames fr ON fr.id = f.frame_id WHERE fr.broadcast_id=? AND f.detector=? ORDER BY f.frame_id, f.idx");
  q.bind(1, broadcast_id).bind(2, detector);
  while (q.step()) {
    Face face;
    face.box = {q.integer(1), q.integer(2), q.integer(3), q.integer(4)};
    face.score = q.real(5);
    face.landmarks = parse_landmarks(q.text(6));
    if (auto it = out.find(q.text(0)); it != out.end()) it->second.push_back(std::move(face));
  }
  return out;
}

void FaceStore::save(const std::string& detector, const std::string& embedder,
                     const std::vector<FrameResult>& batch) {
  Transaction tx(db_);
  Statement add_frame(db_, "INSERT INTO frames(name, location, seq, broadcast_id, seconds) VALUES(?,?,?,?,?) "
                           "ON CONFLICT(location) DO UPDATE SET seq=excluded.seq, name=excluded.name, "
                           "broadcast_id=excluded.broadcast_id, seconds=excluded.seconds RETURNING id");
  Statement frame(db_, "UPDATE frames SET content_hash=?, width=?, height=? WHERE id=?");
  // A frame re-extracted after an interruption replaces whatever half-state it had.
  Statement drop_emb(db_, "DELETE FROM embeddings WHERE embedder=? AND face_id IN (SELECT id FROM faces WHERE frame_id=? AND detector=?)");
  Statement find_face(db_, "SELECT id FROM faces WHERE frame_id=? AND detector=? AND idx=?");
  Statement face(db_, "INSERT INTO faces(frame_id, detector, idx, left, top, right, bottom, score, landmarks, id) "
                      "VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(frame_id, detector, idx) DO UPDATE SET "
                      "left=excluded.left, top=excluded.top, right=excluded.right, bottom=excluded.bottom, "
                      "score=excluded.score, landmarks=CASE WHEN excluded.landmarks != '' THEN excluded.landmarks ELSE faces.landmarks END "
                      "RETURNING id");
  Statement emb(db_, "INSERT OR REPLACE INTO embeddings(face_id, embedder, dim, metric, vec) VALUES(?,?,?,?,?)");
  Statement det(db_, "INSERT OR REPLACE INTO detections(frame_id, detector, embedder, n_faces, error) VALUES(?,?,?,?,?)");
  std::vector<std::int64_t> replaced;
  for (const auto& r : batch) {
    if (!r.replaces) continue;
    Statement id(db_, "SELECT id FROM frames WHERE location=?");
    if (id.bind(1, r.location).step()) replaced.push_back(id.integer(0));
  }
  forget_found(replaced, false);
  // Above every face id ever given, where faces were forgotten (SQLite would give their ids again).
  std::optional<std::int64_t> next_id;
  if (auto high = meta("faces.high_water")) {
    Statement top(db_, "SELECT max(id) FROM faces");
    next_id = std::max<std::int64_t>(std::stoll(*high), top.step() ? top.integer(0) : 0) + 1;
  }
  for (const auto& r : batch) {
    add_frame.bind(1, r.name).bind(2, r.location).bind(3, static_cast<std::int64_t>(r.seq)).bind(4, r.broadcast_id);
    if (r.seconds) add_frame.bind(5, *r.seconds);
    if (!add_frame.step()) throw Error(ExitCode::store, "The face store did not return a frame id.");
    const std::int64_t frame_id = add_frame.integer(0);
    add_frame.run();
    // The content, even of a frame that did not decode: a later run tells a changed frame by it.
    if (r.content_hash) frame.bind(1, fmt::format("{:016x}", r.content_hash));
    if (r.error.empty()) frame.bind(2, std::int64_t{r.width}).bind(3, std::int64_t{r.height});
    frame.bind(4, frame_id).run();
    drop_emb.bind(1, embedder).bind(2, frame_id).bind(3, detector).run();
    for (std::size_t i = 0; i < r.faces.size(); ++i) {
      const Face& f = r.faces[i];
      face.bind(1, frame_id).bind(2, detector).bind(3, static_cast<std::int64_t>(i))
          .bind(4, std::int64_t{f.box.left}).bind(5, std::int64_t{f.box.top})
          .bind(6, std::int64_t{f.box.right}).bind(7, std::int64_t{f.box.bottom})
          .bind(8, f.score).bind(9, landmarks_text(f.landmarks));
      if (next_id) face.bind(10, *next_id);
      if (!face.step()) throw Error(ExitCode::store, "The face store did not return a face id.");
      std::int64_t face_id = face.integer(0);
      face.run();
      if (next_id && face_id == *next_id) ++*next_id;
      if (i < r.embeddings.size()) {
        const auto& v = r.embeddings[i];
        emb.bind(1, face_id).bind(2, embedder).bind(3, static_cast<std::int64_t>(v.size()))
            .bind(4, std::string(r.metric)).bind_blob(5, v.data(), v.size() * sizeof(float)).run();
      }
    }
    det.bind(1, frame_id).bind(2, detector).bind(3, embedder)
        .bind(4, static_cast<std::int64_t>(r.faces.size()));
    if (!r.error.empty()) det.bind(5, r.error);
    det.run();
  }
  tx.commit();
}

std::vector<StoredFrame> FaceStore::frames() const {
  Statement q(db_, "SELECT fr.id, fr.name, fr.location, fr.seq, fr.broadcast_id, fr.seconds FROM frames fr "
                   "JOIN broadcasts b ON b.id = fr.broadcast_id ORDER BY b.start, b.name, b.input, fr.seq, fr.name");
  std::vector<StoredFrame> out;
  while (q.step()) {
    StoredFrame f{q.integer(0), q.text(1), q.text(2), static_cast<long>(q.integer(3)), q.integer(4), std::nullopt};
    if (!q.is_null(5)) f.seconds = q.real(5);
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<StoredFace> FaceStore::faces(const std::string& detector) const {
  Statement q(db_, "SELECT f.id, f.frame_id, f.idx, f.left, f.top, f.right, f.bottom, f.score, f.landmarks "
                   "FROM faces f JOIN frames fr ON fr.id = f.frame_id JOIN broadcasts b ON b.id = fr.broadcast_id "
                   "WHERE f.detector=? ORDER BY b.start, b.name, b.input, fr.seq, fr.name, f.idx");
  q.bind(1, detector);
  std::vector<StoredFace> out;
  while (q.step()) {
    StoredFace s;
    s.id = q.integer(0);
    s.frame_id = q.integer(1);
    s.index = static_cast<int>(q.integer(2));
    s.face.box = {q.integer(3), q.integer(4), q.integer(5), q.integer(6)};
    s.face.score = q.real(7);
    s.face.landmarks = parse_landmarks(q.text(8));
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> FaceStore::unreadable(std::int64_t broadcast_id, const std::string& detector) const {
  Statement q(db_, "SELECT DISTINCT fr.name, d.error, fr.seq FROM detections d JOIN frames fr ON fr.id = d.frame_id "
                   "WHERE fr.broadcast_id=? AND d.detector=? AND d.error IS NOT NULL ORDER BY fr.seq, fr.name");
  q.bind(1, broadcast_id).bind(2, detector);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.text(0), q.text(1));
  return out;
}

EmbeddingSet FaceStore::embeddings(const std::vector<StoredFace>& fs, const std::string& embedder) const {
  std::map<std::int64_t, std::size_t> row;
  for (std::size_t i = 0; i < fs.size(); ++i) row[fs[i].id] = i;
  Statement q(db_, "SELECT face_id, dim, metric, vec FROM embeddings WHERE embedder=?");
  q.bind(1, embedder);
  EmbeddingSet set;
  std::size_t filled = 0;
  while (q.step()) {
    auto it = row.find(q.integer(0));
    if (it == row.end()) continue;
    if (set.dim == 0) {
      set.dim = static_cast<std::size_t>(q.integer(1));
      set.metric = metric_from_string(q.text(2)).value_or(Metric::euclidean);
      set.data.assign(fs.size() * set.dim, 0.0);
    }
    auto v = q.floats(3);
    if (v.size() != set.dim || std::size_t(q.integer(1)) != set.dim)
      throw Error(ExitCode::store, fmt::format("The face store holds '{}' embeddings of mixed dimensions ({} and {}), so it is damaged; "
                                               "extract into a new output folder.", embedder, set.dim, v.size()));
    if (!std::all_of(v.begin(), v.end(), [](float f) { return std::isfinite(f); }))
      throw Error(ExitCode::store, fmt::format("The face store's '{}' embedding of face {} is not a number (NaN or infinite), so the "
                                               "store is damaged; extract into a new output folder.", embedder, q.integer(0)));
    std::copy(v.begin(), v.end(), set.data.begin() + static_cast<std::ptrdiff_t>(it->second * set.dim));
    ++filled;
  }
  if (filled != fs.size())
    throw Error(ExitCode::store, fmt::format("{} of {} faces have no '{}' embedding; run `castnet extract` again to finish them.",
                                             fs.size() - filled, fs.size(), embedder));
  return set;
}

std::int64_t FaceStore::save_clustering(const ClusteringRun& run, const std::vector<std::int64_t>& face_ids,
                                        const Clustering& c) {
  Transaction tx(db_);
  Statement ins(db_, "INSERT INTO clusterings(detector, embedder, clusterer, constraints) VALUES(?,?,?,?) RETURNING id");
  ins.bind(1, run.detector).bind(2, run.embedder).bind(3, run.clusterer).bind(4, run.constraints);
  if (!ins.step()) throw Error(ExitCode::store, "The face store did not return a clustering id.");
  std::int64_t id = ins.integer(0);
  ins.run();
  Statement lab(db_, "INSERT INTO labels(clustering_id, face_id, label, probability, outlier_score) VALUES(?,?,?,?,?)");
  for (std::size_t i = 0; i < face_ids.size(); ++i) {
    lab.bind(1, id).bind(2, face_ids[i]).bind(3, std::int64_t{c.labels[i]});
    if (i < c.probabilities.size()) lab.bind(4, c.probabilities[i]);  // NULL where the method has none
    if (i < c.outlier_scores.size()) lab.bind(5, c.outlier_scores[i]);
    lab.run();
  }
  // The lowest person number no clustering has given (person_numbers.hpp), with the labels: a
  // clustering cut short gives none.
  int first_free = 0;
  for (int l : c.labels) first_free = std::max(first_free, l + 1);
  Statement numbers(db_, "INSERT INTO meta(key, value) VALUES('people.first_free', ?) ON CONFLICT(key) DO UPDATE SET "
                         "value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))");
  numbers.bind(1, std::to_string(first_free)).run();
  tx.commit();
  return id;
}

std::optional<ClusteringRun> FaceStore::latest_clustering() const {
  Statement q(db_, "SELECT id, detector, embedder, clusterer, constraints FROM clusterings ORDER BY id DESC LIMIT 1");
  if (!q.step()) return std::nullopt;
  return ClusteringRun{q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4)};
}

Clustering FaceStore::clustering(std::int64_t clustering_id, const std::vector<std::int64_t>& face_ids,
                                 std::vector<char>* unlabelled) const {
  Statement q(db_, "SELECT face_id, label, probability, outlier_score FROM labels WHERE clustering_id=?");
  q.bind(1, clustering_id);
  struct Row { int label; std::optional<double> probability, outlier; };
  std::map<std::int64_t, Row> by_face;
  bool has_probability = false, has_outlier = false;
  while (q.step()) {
    Row r{static_cast<int>(q.integer(1)), std::nullopt, std::nullopt};
    if (!q.is_null(2)) r.probability = q.real(2), has_probability = true;
    if (!q.is_null(3)) r.outlier = q.real(3), has_outlier = true;
    by_face[q.integer(0)] = r;
  }
  Clustering out;
  if (unlabelled) unlabelled->clear();
  for (auto id : face_ids) {
    auto it = by_face.find(id);
    if (unlabelled) unlabelled->push_back(it == by_face.end());
    out.labels.push_back(it == by_face.end() ? -1 : it->second.label);
    if (has_probability) out.probabilities.push_back(it == by_face.end() ? 0.0 : it->second.probability.value_or(0.0));
    if (has_outlier) out.outlier_scores.push_back(it == by_face.end() ? 0.0 : it->second.outlier.value_or(0.0));
  }
  return out;
}

void FaceStore::set_meta(const std::string& key, const std::string& value) {
  Statement q(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)");
  q.bind(1, key).bind(2, value).run();
}

std::optional<std::string> FaceStore::meta(const std::string& key) const {
  Statement q(db_, "SELECT value FROM meta WHERE key=?");
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

}  // namespace castnet
