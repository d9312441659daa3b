// What the store knows of its inputs as they change and move: listings, frames settled as the
// input now holds them, a replaced frame's faces forgotten, a broadcast re-pointed.
#include <fstream>
#include <thread>

#include "castnet/core/input_listing.hpp"
#include "castnet/core/store.hpp"
#include "support.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

TEST(InputListing, ChangesWithAFrameAddedReplacedOrTouchedAndKeepsItsShapeWhenMoved) {
  fs::path dir = fresh_dir("castnet_listing");
  write(dir / "a-000001.jpg", "one");
  write(dir / "a-000002.jpg", "two");
  const InputListing first = list_input(dir);
  EXPECT_EQ(first.state.size(), 16u);
  EXPECT_EQ(list_input(dir).state, first.state) << "the same listing twice";

  write(dir / "a-000003.jpg", "three");
  const InputListing added = list_input(dir);
  EXPECT_NE(added.state, first.state);
  EXPECT_NE(added.shape, first.shape);
  fs::remove(dir / "a-000003.jpg");
  EXPECT_EQ(list_input(dir).state, first.state) << "removed again";

  // The same size, another picture: only its time tells.
  fs::last_write_time(dir / "a-000002.jpg", fs::last_write_time(dir / "a-000002.jpg") + std::chrono::seconds(5));
  EXPECT_NE(list_input(dir).state, first.state);
  EXPECT_EQ(list_input(dir).shape, first.shape);

  // castnet's own output folder inside the input is not the input.
  fs::create_directories(dir / "out/faces");
  write(dir / "out/faces/0.jpg", "crop");
  EXPECT_EQ(list_input(dir, dir / "out").shape, first.shape);
  EXPECT_NE(list_input(dir).shape, first.shape);

  fs::path moved = fresh_dir("castnet_listing_moved");
  fs::remove(moved);
  fs::rename(dir, moved);
  EXPECT_EQ(list_input(moved, moved / "out").shape, first.shape) << "moved: the same names and sizes";
  EXPECT_TRUE(list_input(dir).state.empty()) << "gone";
  fs::remove_all(moved);
}

TEST(InputListing, AFileIsItsSizeAndTime) {
  fs::path dir = fresh_dir("castnet_listing_file");
  write(dir / "show.zip", "zip bytes");
  const InputListing zip = list_input(dir / "show.zip");
  fs::rename(dir / "show.zip", dir / "renamed.zip");
  EXPECT_EQ(list_input(dir / "renamed.zip").shape, zip.shape) << "a moved file may be renamed";
  write(dir / "renamed.zip", "another zip");
  EXPECT_NE(list_input(dir / "renamed.zip").shape, zip.shape);
  fs::remove_all(dir);
}

fs::path fresh_store(const std::string& name) {
  fs::path dir = fresh_dir(name);
  return dir / "castnet.sqlite";
}

FrameResult frame(std::int64_t b, const std::string& input, const std::string& name, long seq, int faces, std::uint64_t hash) {
  FrameResult r;
  r.broadcast_id = b, r.name = name, r.location = input + "/" + name, r.seq = seq, r.content_hash = hash;
  for (int k = 0; k < faces; ++k) {
    r.faces.push_back(Face{{k, 0, k + 10, 10}, 1.0, {}});
    r.embeddings.push_back({float(k), float(seq)});
  }
  return r;
}

std::vector<std::int64_t> face_ids(const FaceStore& store) {
  std::vector<std::int64_t> ids;
  for (const auto& f : store.faces("det")) ids.push_back(f.id);
  return ids;
}

TEST(FaceStore, SettlesABroadcastsFramesAsItsInputNowHoldsThem) {
  FaceStore store(fresh_store("castnet_settle"));
  std::int64_t b = store.add_broadcast({0, "x", "", std::nullopt, "folder", "/x"});
  store.save("det", "emb", {frame(b, "/x", "a.jpg", 0, 1, 11), frame(b, "/x", "b.jpg", 1, 2, 22), frame(b, "/x", "c.jpg", 2, 1, 33)});
  auto ids = face_ids(store);
  ASSERT_EQ(ids.size(), 4u);
  auto clustering = store.save_clustering({0, "det", "emb", "dbscan"}, ids, Clustering{{0, 1, 1, 0}, {}, {}});
  Correction named{0, "name", "Ada", {ids[1], ids[0]}, {}, false, ""};
  store.add_correction(named);

  // b.jpg left the input; c.jpg now comes first.
  EXPECT_EQ(store.settle_frames(b, {"/x/c.jpg", "/x/a.jpg"}), 1u);
  auto frames = store.frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].name, "c.jpg");
  EXPECT_EQ(frames[1].name, "a.jpg");
  auto left = face_ids(store);
  EXPECT_EQ(left, (std::vector<std::int64_t>{ids[3], ids[0]}));
  EXPECT_EQ(store.embeddings(store.faces("det"), "emb").size(), 2u);
  std::vector<char> unlabelled;
  EXPECT_EQ(store.clustering(clustering, {ids[1]}, &unlabelled).labels, std::vector<int>{-1}) << "its labels went with it";
  EXPECT_EQ(store.corrections().at(0).faces, std::vector<std::int64_t>{ids[0]}) << "a correction keeps the faces still there";
  EXPECT_EQ(store.content_hashes(b), (std::map<std::string, std::uint64_t>{{"/x/a.jpg", 11}, {"/x/c.jpg", 33}}));
}

TEST(FaceStore, ForgetsWhatWasFoundInAFrameWhosePictureWasReplaced) {
  FaceStore store(fresh_store("castnet_replace"));
  std::int64_t b = store.add_broadcast({0, "x", "", std::nullopt, "folder", "/x"});
  store.save("det", "emb", {frame(b, "/x", "a.jpg", 0, 2, 11)});
  store.save("det", "other-emb", {frame(b, "/x", "a.jpg", 0, 2, 11)});
  auto before = face_ids(store);
  store.save_clustering({0, "det", "emb", "dbscan"}, before, Clustering{{0, 1}, {}, {}});
  FrameResult again = frame(b, "/x", "a.jpg", 0, 1, 99);
  again.replaces = true;
  store.save("det", "emb", {again});
  auto after = face_ids(store);
  ASSERT_EQ(after.size(), 1u) << "the old picture's second face is gone";
  EXPECT_EQ(store.content_hashes(b).at("/x/a.jpg"), 99u);
  EXPECT_TRUE(store.done_locations(b, "det", "other-emb").empty()) << "what another embedder made of the old picture is gone too";
  std::vector<char> unlabelled;
  store.clustering(store.latest_clustering()->id, after, &unlabelled);
  EXPECT_TRUE(unlabelled.at(0)) << "the new face is not the old one's label";
}

// SQLite gives the largest id again once its row is gone; a forgotten face's crop and corrections
// must not pass to the next face stored.
TEST(FaceStore, NeverGivesAForgottenFacesIdAgain) {
  FaceStore store(fresh_store("castnet_high_water"));
  std::int64_t b = store.add_broadcast({0, "x", "", std::nullopt, "folder", "/x"});
  store.save("det", "emb", {frame(b, "/x", "a.jpg", 0, 1, 11), frame(b, "/x", "b.jpg", 1, 2, 22)});
  const std::int64_t last = face_ids(store).back();
  EXPECT_EQ(store.settle_frames(b, {"/x/a.jpg"}), 1u);
  store.save("det", "emb", {frame(b, "/x", "c.jpg", 2, 2, 33)});
  auto ids = face_ids(store);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[1], last + 1);
  EXPECT_EQ(ids[2], last + 2);
  FrameResult again = frame(b, "/x", "c.jpg", 2, 2, 44);  // replaced: its faces are forgotten, new ones come after
  again.replaces = true;
  store.save("det", "emb", {again});
  EXPECT_EQ(face_ids(store).back(), last + 4);
}

// A frame in which nothing was found is forgotten or replaced like any other.
TEST(FaceStore, ForgetsAndReplacesAFrameWithoutFacesToo) {
  FaceStore store(fresh_store("castnet_faceless"));
  std::int64_t b = store.add_broadcast({0, "x", "", std::nullopt, "folder", "/x"});
  store.save("det", "emb", {frame(b, "/x", "a.jpg", 0, 0, 11), frame(b, "/x", "b.jpg", 1, 0, 22), frame(b, "/x", "c.jpg", 2, 1, 33)});
  FrameResult again = frame(b, "/x", "a.jpg", 0, 0, 12);
  again.replaces = true;
  store.save("det", "emb", {again});
  EXPECT_EQ(store.settle_frames(b, {"/x/a.jpg", "/x/c.jpg"}), 1u);
  EXPECT_EQ(store.frames().size(), 2u);
  EXPECT_FALSE(store.meta("faces.high_water")) << "no face was forgotten";
  EXPECT_EQ(store.settle_frames(b, {"/x/a.jpg"}), 1u);
  EXPECT_TRUE(store.meta("faces.high_water"));
}

TEST(FaceStore, FollowsABroadcastWhoseInputMoved) {
  FaceStore store(fresh_store("castnet_move"));
  std::int64_t b = store.add_broadcast({0, "x", "", std::nullopt, "zip", "/old/x.zip"});
  FrameResult r = frame(b, "/old/x.zip!", "a.jpg", 0, 1, 11);
  store.save("det", "emb", {r});
  store.mark_done(b, "det", "emb", {"state-old", "shape"});
  ASSERT_EQ(store.broadcasts_shaped("shape").size(), 1u);
  StoredBroadcast moved{0, "CNN_20240101_000000_x", "CNN", std::time_t(1704067200), "zip", "/новое/место/x.zip"};
  store.move_broadcast(b, moved, {"state-new", "shape"}, {{"/old/x.zip!/a.jpg", {"/новое/место/x.zip!/a.jpg", "b.jpg"}}});
  auto now = store.broadcasts().at(0);
  EXPECT_EQ(now.input, "/новое/место/x.zip");
  EXPECT_EQ(now.name, "CNN_20240101_000000_x");
  EXPECT_EQ(now.start, std::time_t(1704067200));
  EXPECT_EQ(store.frames().at(0).location, "/новое/место/x.zip!/a.jpg");
  EXPECT_EQ(store.frames().at(0).name, "b.jpg");
  EXPECT_EQ(store.broadcast_of("/новое/место/x.zip"), b);
  EXPECT_FALSE(store.broadcast_of("/old/x.zip"));
  EXPECT_EQ(store.done_listing(b, "det", "emb"), "state-new");
  EXPECT_EQ(store.faces("det").size(), 1u);
}

}  // namespace
}  // namespace castnet
