// The face store keeps what was committed and reports what is done, so extraction resumes.
#include <filesystem>

#include <fmt/format.h>

#include "castnet/core/extract.hpp"
#include "castnet/core/store.hpp"
#include "castnet/sdk/errors.hpp"
#include "support.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

fs::path fresh(const char* name) {
  fs::path p = fs::temp_directory_path() / name;
  fs::remove(p);
  fs::remove(p.string() + "-wal");
  fs::remove(p.string() + "-shm");
  return p;
}

// What schema 6 added: the inputs' listings.
constexpr const char* kUndo6 = "ALTER TABLE broadcasts DROP COLUMN shape; ALTER TABLE broadcasts_done DROP COLUMN listing;";

// Makes the store at `path` one of an older schema: `sql` undoes what came after it (no single
// quotes in it), then the version is set back, as Python's sqlite3 would leave it.
void make_schema(const fs::path& path, int version, const std::string& sql) {
  ASSERT_EQ(test::run(fmt::format("{} -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
                                  "c.executescript('{} {} UPDATE meta SET value={} WHERE key=\\'schema_version\\''); c.commit()\" {}",
                                  test::python(), kUndo6, sql, version, path.string())),
            0);
}

TEST(FaceStore, RoundTripsFacesEmbeddingsAndLabels) {
  auto path = fresh("castnet_store_test.sqlite");
  {
    FaceStore store(path);
    std::int64_t b = store.add_broadcast({0, "a", "", std::nullopt, "folder:recursive=false", "/x"});
    EXPECT_EQ(store.add_broadcast({0, "a", "", std::nullopt, "folder:recursive=false", "/x"}), b) << "one broadcast per input";
    FrameResult r;
    r.broadcast_id = b, r.name = "a-000002.jpg", r.location = "/x/a-000002.jpg", r.seq = 1;
    r.faces = {Face{{1, 2, 30, 40}, 0.5, {{3, 4}, {5, 6}}}};
    r.embeddings = {{0.25f, -1.5f}};
    FrameResult bad;
    bad.broadcast_id = b, bad.name = "a-000001.jpg", bad.location = "/x/a-000001.jpg", bad.seq = 0;
    bad.error = "truncated JPEG";
    store.save("det", "emb", {r, bad});
  }
  FaceStore store(path);  // reopened: everything committed is there
  const std::int64_t b = store.broadcasts().at(0).id;
  EXPECT_EQ(store.done_locations(b, "det", "emb").size(), 2u);
  EXPECT_TRUE(store.done_locations(b, "det", "other").empty());
  EXPECT_EQ(store.detected(b, "det").at("/x/a-000002.jpg").size(), 1u) << "detection is reused by location";
  ASSERT_EQ(store.frames().size(), 2u);
  EXPECT_EQ(store.frames()[0].name, "a-000001.jpg") << "frames in broadcast order";
  auto faces = store.faces("det");
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_EQ(faces[0].face.box.right, 30);
  ASSERT_EQ(faces[0].face.landmarks.size(), 2u);
  EXPECT_EQ(faces[0].face.landmarks[1].y, 6);
  auto x = store.embeddings(faces, "emb");
  EXPECT_EQ(x.dim, 2u);
  EXPECT_FLOAT_EQ(x.row(0)[1], -1.5f);
  auto unreadable = store.unreadable(b, "det");
  ASSERT_EQ(unreadable.size(), 1u);
  EXPECT_EQ(unreadable[0].first, "a-000001.jpg");
  auto id = store.save_clustering({0, "det", "emb", "hdbscan"}, {faces[0].id}, Clustering{{4}, {0.75}, {0.1}});
  EXPECT_EQ(store.latest_clustering()->id, id);
  Clustering back = store.clustering(id, {faces[0].id});
  EXPECT_EQ(back.labels, std::vector<int>{4});
  EXPECT_EQ(back.probabilities, std::vector<double>{0.75});
  EXPECT_EQ(back.outlier_scores, std::vector<double>{0.1});
  auto plain = store.save_clustering({0, "det", "emb", "dbscan"}, {faces[0].id}, Clustering{{2}, {}, {}});
  EXPECT_TRUE(store.clustering(plain, {faces[0].id}).probabilities.empty()) << "DBSCAN gives no probabilities";
}

TEST(FaceStore, KeepsTheLastExtractionsSummary) {
  auto dir = fs::temp_directory_path() / ("castnet_store_summary_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  FaceStore store(dir / "castnet.sqlite");
  EXPECT_FALSE(last_extraction(store)) << "a new store has no extraction";
  ExtractSummary s;
  s.frames = 60, s.processed = 58, s.resumed = 2, s.unreadable = 1, s.faces = 40, s.detections_reused = 3;
  s.seconds = 6.25;
  s.detector_key = "dlib-hog:upsample=1", s.embedder_key = "dlib-resnet:padding=0.25";
  record_extraction(store, s);
  auto back = last_extraction(FaceStore(dir / "castnet.sqlite"));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->frames, 60u);
  EXPECT_EQ(back->processed, 58u);
  EXPECT_EQ(back->resumed, 2u);
  EXPECT_EQ(back->unreadable, 1u);
  EXPECT_EQ(back->faces, 40u);
  EXPECT_EQ(back->detections_reused, 3u);
  EXPECT_DOUBLE_EQ(back->seconds, 6.25);
  EXPECT_EQ(back->detector_key, s.detector_key);
  EXPECT_EQ(back->embedder_key, s.embedder_key);
  fs::remove_all(dir);
}

// A store castnet 0.1 wrote (schema 2: frames of one folder, no broadcasts), made with its SQL.
constexpr const char* kStoreOfSchema2 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES('schema_version', '2');
CREATE TABLE frames(id INTEGER PRIMARY KEY, name TEXT NOT NULL, location TEXT NOT NULL UNIQUE, seq INTEGER NOT NULL,
  content_hash TEXT, width INTEGER, height INTEGER);
CREATE TABLE detections(frame_id INTEGER NOT NULL REFERENCES frames(id), detector TEXT NOT NULL, embedder TEXT NOT NULL,
  n_faces INTEGER NOT NULL, error TEXT, PRIMARY KEY(frame_id, detector, embedder));
CREATE TABLE faces(id INTEGER PRIMARY KEY, frame_id INTEGER NOT NULL REFERENCES frames(id), detector TEXT NOT NULL,
  idx INTEGER NOT NULL, left INTEGER, top INTEGER, right INTEGER, bottom INTEGER, score REAL, landmarks TEXT,
  UNIQUE(frame_id, detector, idx));
CREATE TABLE embeddings(face_id INTEGER NOT NULL REFERENCES faces(id), embedder TEXT NOT NULL, dim INTEGER NOT NULL,
  metric TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY(face_id, embedder));
CREATE TABLE clusterings(id INTEGER PRIMARY KEY, detector TEXT NOT NULL, embedder TEXT NOT NULL, clusterer TEXT NOT NULL,
  created TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE labels(clustering_id INTEGER NOT NULL REFERENCES clusterings(id), face_id INTEGER NOT NULL,
  label INTEGER NOT NULL, probability REAL, outlier_score REAL, PRIMARY KEY(clustering_id, face_id));
INSERT INTO frames VALUES(1, 'f-000002.jpg', '/old/frames/f-000002.jpg', 1, NULL, 640, 360);
INSERT INTO frames VALUES(2, 'f-000001.jpg', '/old/frames/f-000001.jpg', 0, NULL, 640, 360);
INSERT INTO detections VALUES(1, 'det', 'emb', 1, NULL);
INSERT INTO detections VALUES(2, 'det', 'emb', 0, NULL);
INSERT INTO faces VALUES(7, 1, 'det', 0, 10, 20, 30, 40, 0.9, '');
INSERT INTO embeddings VALUES(7, 'emb', 1, 'euclidean', X'0000803F');
INSERT INTO clusterings VALUES(1, 'det', 'emb', 'dbscan:cannot_link=true,eps=0.4', '2024-01-01 00:00:00');
INSERT INTO labels VALUES(1, 7, 3, NULL, NULL);
)sql";

TEST(FaceStore, UpgradesAStoreOfSchema2InPlaceLosingNothing) {
  auto path = fresh("castnet_store_v2.sqlite");
  std::ofstream(path.string() + ".sql") << kStoreOfSchema2;
  ASSERT_EQ(test::run(fmt::format("{} -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); "
                                  "c.commit()\" {} {}.sql", test::python(), path.string(), path.string())),
            0);
  FaceStore store(path);
  auto broadcasts = store.broadcasts();
  ASSERT_EQ(broadcasts.size(), 1u) << "the folder's frames become one broadcast";
  EXPECT_EQ(broadcasts[0].name, "frames");
  EXPECT_EQ(broadcasts[0].input, "/old/frames");
  auto frames = store.frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].name, "f-000001.jpg");
  EXPECT_EQ(frames[0].broadcast_id, broadcasts[0].id);
  EXPECT_EQ(store.done_locations(broadcasts[0].id, "det", "emb").size(), 2u) << "an extraction resumes where 0.1 left it";
  auto faces = store.faces("det");
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_EQ(faces[0].id, 7);
  EXPECT_FLOAT_EQ(store.embeddings(faces, "emb").row(0)[0], 1.0f);
  auto run = store.latest_clustering();
  ASSERT_TRUE(run);
  EXPECT_EQ(run->clusterer, "dbscan:cannot_link=true,eps=0.4");
  EXPECT_EQ(run->constraints, "") << "before schema 4 the clusterer's key held the constraints";
  EXPECT_EQ(store.clustering(run->id, {7}).labels, std::vector<int>{3});
  EXPECT_EQ(store.meta("schema_version"), "6");
  // Opened again: already upgraded, nothing changes.
  FaceStore again(path);
  EXPECT_EQ(again.broadcasts().size(), 1u);
}

// Schema 3 kept the face constraints in the clusterer's key; 4 has a column for them.
TEST(FaceStore, UpgradesAStoreOfSchema3KeepingItsClusterings) {
  auto path = fresh("castnet_store_v3.sqlite");
  std::int64_t id = 0;
  {
    FaceStore store(path);
    id = store.save_clustering({0, "det", "emb", "chinese-whispers:cannot_link=true,threshold=0.4", ""}, {}, {});
  }
  make_schema(path, 3, "ALTER TABLE clusterings DROP COLUMN constraints;");
  FaceStore store(path);
  EXPECT_EQ(store.meta("schema_version"), "6");
  auto run = store.latest_clustering();
  ASSERT_TRUE(run);
  EXPECT_EQ(run->id, id);
  EXPECT_EQ(run->clusterer, "chinese-whispers:cannot_link=true,threshold=0.4");
  EXPECT_EQ(run->constraints, "");
  EXPECT_EQ(store.save_clustering({0, "det", "emb", "dbscan:eps=0.4", "none"}, {}, {}), id + 1);
  EXPECT_EQ(store.latest_clustering()->constraints, "none");
}

// Schema 5 added the gallery's photos by content; a store of schema 4 gains the table, empty.
TEST(FaceStore, UpgradesAStoreOfSchema4AddingTheGallerysPhotos) {
  auto path = fresh("castnet_store_v4.sqlite");
  {
    FaceStore store(path);
    store.set_meta("kept", "yes");
  }
  make_schema(path, 4, "DROP TABLE gallery_photos;");
  FaceStore store(path);
  EXPECT_EQ(store.meta("schema_version"), "6");
  EXPECT_EQ(store.meta("kept"), "yes");
  EXPECT_TRUE(store.gallery_photos("det", "emb").empty());
}

// Schema 6 keeps each input's listing; a broadcast of schema 5, done, keeps being done with an
// empty listing (trusted, as before) until it is read again.
TEST(FaceStore, UpgradesAStoreOfSchema5KeepingWhatIsDone) {
  auto path = fresh("castnet_store_v5.sqlite");
  std::int64_t b = 0;
  {
    FaceStore store(path);
    b = store.add_broadcast({0, "a", "", std::nullopt, "folder", "/x"});
    store.mark_done(b, "det", "emb", {"state", "shape"});
  }
  make_schema(path, 5, "");
  FaceStore store(path);
  EXPECT_EQ(store.meta("schema_version"), "6");
  EXPECT_EQ(store.done_listing(b, "det", "emb"), "");
  EXPECT_FALSE(store.done_listing(b, "det", "other"));
  EXPECT_TRUE(store.broadcasts_shaped("shape").empty());
}

// A gallery photo is kept by content hash for one detector and embedder, its embedding only
// where it showed one face.
TEST(FaceStore, KeepsEachGalleryPhotoByContentForItsDetectorAndEmbedder) {
  auto path = fresh("castnet_store_gallery_photos.sqlite");
  {
    FaceStore store(path);
    store.keep_gallery_photo(0xfedcba9876543210ull, "det", "emb", {1, {0.5f, -1.0f}});
    store.keep_gallery_photo(7, "det", "emb", {3, {}});
    store.keep_gallery_photo(7, "det", "other-emb", {0, {}});
  }
  FaceStore store(path);
  auto seen = store.gallery_photos("det", "emb");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.at(0xfedcba9876543210ull).faces, 1u);
  EXPECT_EQ(seen.at(0xfedcba9876543210ull).vec, (std::vector<float>{0.5f, -1.0f}));
  EXPECT_EQ(seen.at(7).faces, 3u);
  EXPECT_TRUE(seen.at(7).vec.empty());
  EXPECT_EQ(store.gallery_photos("det", "other-emb").at(7).faces, 0u);
  EXPECT_TRUE(store.gallery_photos("other-det", "emb").empty());
}

TEST(FaceStore, RefusesAFileThatIsNotAStore) {
  auto path = fresh("castnet_not_a_store.sqlite");
  std::ofstream(path) << "this is not sqlite, it is text that goes on long enough to be a header";
  try {
    FaceStore store(path);
    FAIL() << "opened a text file as a store";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::store);
  }
}

}  // namespace
}  // namespace castnet
