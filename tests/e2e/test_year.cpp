// A year grows a broadcast at a time (issue 29): a new broadcast's faces are placed without
// touching a face clustered before, person numbers last across clusterings, and the same
// settings keep the clustering that stands. Two synthetic broadcasts of the same 18 people.
#include <algorithm>
#include <map>
#include <tuple>

#include "castnet/core/store.hpp"
#include "castnet/eval/synthetic_faces.hpp"
#include "cli.hpp"
#include "people_fixture.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

struct Face {
  std::string frame;
  Box box;
  int label = -1;
};

// The latest clustering's faces, by face id.
std::map<std::int64_t, Face> latest(const fs::path& out) {
  FaceStore store(out / "castnet.sqlite");
  auto run = store.latest_clustering();
  std::map<std::int64_t, std::string> frame_name;
  for (const auto& f : store.frames()) frame_name[f.id] = f.name;
  auto faces = store.faces(run->detector);
  std::vector<std::int64_t> ids;
  for (const auto& f : faces) ids.push_back(f.id);
  auto labels = store.clustering(run->id, ids).labels;
  std::map<std::int64_t, Face> out_faces;
  for (std::size_t i = 0; i < faces.size(); ++i) out_faces[faces[i].id] = {frame_name[faces[i].frame_id], faces[i].face.box, labels[i]};
  return out_faces;
}

// The identity whose truth region (synth's truth.csv) holds the face's centre, or "".
std::string identity_of(const Face& f, const test::Csv& truth) {
  const long cx = (f.box.left + f.box.right) / 2, cy = (f.box.top + f.box.bottom) / 2;
  for (const auto& row : truth.rows) {
    auto at = [&](const char* c) { return std::stol(row[std::size_t(truth.col(c))]); };
    if (row[std::size_t(truth.col("frame"))] == f.frame && at("left") <= cx && cx <= at("right") && at("top") <= cy && cy <= at("bottom"))
      return row[std::size_t(truth.col("identity"))];
  }
  return "";
}

// How many people of `before` kept their number in `after`, and how many should have: those
// with most of their faces in one person of `after`.
std::pair<int, int> numbers_kept(const std::map<std::int64_t, Face>& before, const std::map<std::int64_t, Face>& after) {
  std::map<int, std::map<int, int>> to;  // before's person -> after's person -> faces
  std::map<int, int> size;
  for (const auto& [id, f] : before)
    if (f.label >= 0) ++size[f.label], ++to[f.label][after.at(id).label];
  int kept = 0, due = 0;
  for (const auto& [person, where] : to)
    for (const auto& [label, n] : where)
      if (label >= 0 && 2 * n > size[person]) ++due, kept += label == person;
  return {kept, due};
}

class YearGrows : public ::testing::Test {
 protected:
  void SetUp() override {
    CASTNET_REQUIRE_SHARED();
    CASTNET_REQUIRE_MODELS();
    dir_ = test::temp_dir("year");
    for (auto [set, seed, frames] : {std::tuple{"a", 31, 90}, std::tuple{"b", 32, 45}}) {
      auto r = test::castnet_cli(fmt::format("synth --photos {} -o {}/{} --frames {} --seed {} --name SHOW_2023031{}_083000_news",
                                             (test::shared_dir() / "data/faces/labels.csv").string(), dir_.string(), set, frames, seed,
                                             std::string(set) == "a" ? 3 : 4));
      ASSERT_EQ(r.code, 0) << r.output;
    }
  }
  fs::path dir_;
};

TEST_F(YearGrows, ANewBroadcastIsPlacedWithoutTouchingTheFacesClusteredBefore) {
  fs::path out = dir_ / "out";
  auto first = test::castnet_cli(fmt::format("run {}/a/frames -o {} --quiet --threads 2 --no-pictures", dir_.string(), out.string()));
  ASSERT_EQ(first.code, 0) << first.output;
  auto before = latest(out);
  auto truth_a = test::read_csv(dir_ / "a/truth.csv"), truth_b = test::read_csv(dir_ / "b/truth.csv");
  // Each identity's person in the first broadcast: the one most of its faces have.
  std::map<std::string, std::map<int, int>> votes;
  for (const auto& [id, f] : before)
    if (auto who = identity_of(f, truth_a); !who.empty()) ++votes[who][f.label];
  std::map<std::string, int> person_of;
  for (const auto& [who, v] : votes)
    person_of[who] = std::max_element(v.begin(), v.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;

  auto second = test::castnet_cli(fmt::format("run {}/b/frames -o {} --quiet --threads 2 --no-pictures", dir_.string(), out.string()));
  ASSERT_EQ(second.code, 0) << second.output;
  EXPECT_NE(second.output.find(" new faces: "), std::string::npos) << second.output;
  auto after = latest(out);
  int placed = 0, right = 0;
  for (const auto& [id, f] : after) {
    if (auto it = before.find(id); it != before.end()) {
      ASSERT_EQ(f.label, it->second.label) << "a face clustered before changed person: " << f.frame;
      continue;
    }
    auto who = identity_of(f, truth_b);
    if (who.empty() || !person_of.count(who)) continue;
    ++placed;
    right += f.label == person_of[who];
  }
  ASSERT_GT(placed, 40);
  EXPECT_GE(double(right), 0.95 * double(placed)) << right << " of " << placed << " new faces joined the person of their identity";

  auto again = test::castnet_cli(fmt::format("cluster -o {}", out.string()));
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("it stands"), std::string::npos) << again.output;
  EXPECT_EQ(test::castnet_cli(fmt::format("cluster -o {} --full", out.string())).code, 0);
  auto full = latest(out);
  auto [kept, due] = numbers_kept(after, full);
  EXPECT_EQ(kept, due) << "a person who keeps most of their faces keeps the number";
  EXPECT_GE(due, int(person_of.size()) - 2);
  // Another threshold: every person who keeps most of their faces keeps the number too.
  auto other = test::castnet_cli(fmt::format("cluster -o {} --cluster chinese-whispers:threshold=0.45 --constraints on", out.string()));
  ASSERT_EQ(other.code, 0) << other.output;
  std::tie(kept, due) = numbers_kept(full, latest(out));
  EXPECT_EQ(kept, due);
  EXPECT_GE(due, int(person_of.size()) - 2);
}

// --cluster names a clusterer alone, which then means what its reference means: DBSCAN's labels
// as the plugin gives them (equal to scikit-learn's, plugins/dbscan/test), on a store whose frames
// show one person twice, where the face constraints would split clusters. With --constraints on
// they do.
TEST(YearStore, AClustererNamedAloneIsItsReferenceWhereAFrameShowsAPersonTwice) {
  auto dir = test::temp_dir("bare");
  SyntheticFaces f = synthetic_faces(3000, 4);  // in identity order: most frames below show one person twice
  {
    FaceStore store(dir / "castnet.sqlite");
    auto b = store.add_broadcast({0, "b", "", std::nullopt, "folder", "/b"});
    std::vector<FrameResult> batch;
    for (std::size_t i = 0; i + 1 < f.x.size(); i += 2) {
      FrameResult r;
      r.broadcast_id = b, r.seq = long(i / 2), r.name = fmt::format("b-{:06d}.jpg", i / 2 + 1), r.location = "/b/" + r.name;
      for (std::size_t k : {i, i + 1}) {
        r.faces.push_back({Box{long(k % 2) * 300, 0, long(k % 2) * 300 + 80, 80}, 1.0, {}});
        r.embeddings.emplace_back(f.x.row(k), f.x.row(k) + f.x.dim);
      }
      batch.push_back(std::move(r));
    }
    store.save("det", "emb", batch);
    store.set_meta("detector", "det");
    store.set_meta("embedder", "emb");
  }
  auto labels_of_store = [&] {
    FaceStore store(dir / "castnet.sqlite");
    auto faces = store.faces("det");
    std::vector<std::int64_t> ids;
    for (const auto& face : faces) ids.push_back(face.id);
    return std::pair{store.clustering(store.latest_clustering()->id, ids).labels, store.embeddings(faces, "emb")};
  };
  auto bare = test::castnet_cli(fmt::format("cluster -o {} --cluster dbscan:eps=0.4,min_samples=5", dir.string()));
  ASSERT_EQ(bare.code, 0) << bare.output;
  auto [labels, x] = labels_of_store();
  auto reference = test::registry().create<Clusterer>(PluginKind::clusterer, parse_stage_spec("dbscan:eps=0.4,min_samples=5"), {})->cluster(x);
  EXPECT_TRUE(test::same_partition(labels, reference.labels)) << "the store's DBSCAN is not the plugin's";
  auto on = test::castnet_cli(fmt::format("cluster -o {} --cluster dbscan:eps=0.4,min_samples=5 --constraints on", dir.string()));
  ASSERT_EQ(on.code, 0) << on.output;
  EXPECT_FALSE(test::same_partition(labels_of_store().first, reference.labels)) << "the constraints changed nothing where frames show a person twice";
}

}  // namespace
}  // namespace castnet
