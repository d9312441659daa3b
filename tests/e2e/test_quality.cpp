// The default pipeline without tuning (issue 9): one face per person per frame on a hard
// synthetic broadcast, better than the seed's settings on the same frames, and on the Hamilton
// frames the singer whole, the pianist's small face in the wide shot found, and a network with
// a link. docs/quality.md has the full measurements.
#include <algorithm>
#include <map>
#include <set>

#include "castnet/core/store.hpp"
#include "cli.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

struct Labelled {
  std::vector<StoredFace> faces;
  std::vector<int> labels;
};

Labelled latest_clustering(const fs::path& store_path) {
  FaceStore store(store_path);
  auto run = store.latest_clustering();
  if (!run) return {};
  Labelled l{store.faces(run->detector), {}};
  std::vector<std::int64_t> ids;
  for (const auto& f : l.faces) ids.push_back(f.id);
  l.labels = store.clustering(run->id, ids).labels;
  return l;
}

// The rows of a compare table by pipeline name: the cells after the name.
std::map<std::string, std::vector<std::string>> table(const fs::path& md) {
  std::map<std::string, std::vector<std::string>> rows;
  for (auto& r : test::compare_rows(md)) rows[r[0]] = {r.begin() + 1, r.end()};
  return rows;
}

double f1_of(const std::string& p_r_f1) { return std::stod(p_r_f1.substr(p_r_f1.rfind('/') + 1)); }

// face_recognition's boxes (../shared/reference) for the images whose path starts with `folder`,
// by file name.
std::map<std::string, std::vector<Box>> reference_boxes(const std::string& folder) {
  auto reference = test::read_csv(test::shared_dir() / "reference/face_recognition/hog_encodings.csv");
  std::map<std::string, std::vector<Box>> out;
  for (const auto& row : reference.rows) {
    const std::string& image = row[std::size_t(reference.col("image"))];
    if (image.rfind(folder, 0) != 0) continue;
    auto at = [&](const char* c) { return std::stol(row[std::size_t(reference.col(c))]); };
    out[fs::path(image).filename().string()].push_back({at("left"), at("top"), at("right"), at("bottom")});
  }
  return out;
}

// How many of `boxes` have their centre in `region`: one, where a face found once is found again.
int centres_in(const Box& region, const std::vector<Box>& boxes) {
  return int(std::count_if(boxes.begin(), boxes.end(), [&](const Box& b) {
    const long cx = (b.left + b.right) / 2, cy = (b.top + b.bottom) / 2;
    return region.left <= cx && cx <= region.right && region.top <= cy && cy <= region.bottom;
  }));
}

TEST(Quality, DefaultKeepsOneFacePerPersonPerFrameAndBeatsTheSeedOnAHardBroadcast) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto dir = test::temp_dir("quality");
  auto synth = test::castnet_cli(fmt::format("synth --photos {} -o {}/synth --frames 120 --seed 21 --blur 1.5 --jpeg-quality 25",
                                             (test::shared_dir() / "data/faces/labels.csv").string(), dir.string()));
  ASSERT_EQ(synth.code, 0) << synth.output;
  auto cmp = test::castnet_cli(fmt::format("compare {0}/synth/frames --truth {0}/synth/truth.csv -o {0}/work --preset seed "
                                           "--preset modern --markdown {0}/table.md --threads 2",
                                           dir.string()));
  ASSERT_EQ(cmp.code, 0) << cmp.output;
  auto rows = table(dir / "table.md");
  ASSERT_TRUE(rows.count("seed") && rows.count("modern")) << test::slurp(dir / "table.md");
  // faces, detection recall, clusters, noise, pairwise, B-cubed, ARI, NMI, edges
  EXPECT_GE(std::stod(rows["modern"][1]), std::stod(rows["seed"][1])) << "the small-face pass loses no face";
  EXPECT_GT(f1_of(rows["modern"][5]), f1_of(rows["seed"][5])) << test::slurp(dir / "table.md");
  EXPECT_GT(f1_of(rows["modern"][8]), f1_of(rows["seed"][8])) << test::slurp(dir / "table.md");
  EXPECT_GT(f1_of(rows["modern"][5]), 0.9) << test::slurp(dir / "table.md");

  // compare ran modern last in the shared store: its clustering is the latest.
  auto run = latest_clustering(dir / "work/castnet.sqlite");
  ASSERT_FALSE(run.labels.empty());
  std::set<std::pair<int, std::int64_t>> seen;
  std::size_t noise = 0;
  for (std::size_t i = 0; i < run.labels.size(); ++i) {
    if (run.labels[i] < 0) { ++noise; continue; }
    EXPECT_TRUE(seen.insert({run.labels[i], run.faces[i].frame_id}).second)
        << "person " << run.labels[i] << " holds two faces of frame " << run.faces[i].frame_id;
  }
  EXPECT_EQ(noise, 0u) << "Chinese whispers gives every face a person, and the constraints drop none";
}

TEST(Quality, DefaultOnHamiltonFindsThePianistInTheWideShotAndLinksThePeople) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto dir = test::temp_dir("quality_hamilton");
  auto r = test::castnet_cli(fmt::format("run {} -o {}/out --quiet", (test::shared_dir() / "data/frames/hamilton_360").string(),
                                         dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  auto run = latest_clustering(dir / "out/castnet.sqlite");
  FaceStore store(dir / "out/castnet.sqlite");
  std::map<std::int64_t, std::string> name;  // frame id -> file name
  std::map<std::int64_t, int> number;         // frame id -> number in its name
  for (const auto& f : store.frames()) {
    name[f.id] = f.name;
    number[f.id] = std::stoi(f.name.substr(f.name.size() - 10, 6));
  }
  // face_recognition finds 40 faces; the small-face pass adds the pianist at the piano in the
  // wide shots (26 px), below what HOG sees at upsample 1.
  EXPECT_GT(run.faces.size(), 40u);
  // None of face_recognition's faces is lost, and none is found twice (by the full pass and by the
  // small-face pass): each of its boxes holds the centre of exactly one of ours.
  std::map<std::string, std::vector<Box>> ours;
  for (const auto& f : run.faces) ours[name[f.frame_id]].push_back(f.face.box);
  int checked = 0;
  for (const auto& [image, boxes] : reference_boxes("frames/hamilton_360/"))
    for (const Box& r : boxes) {
      EXPECT_EQ(centres_in(r, ours[image]), 1) << image << ": face_recognition's face at " << r.left << "," << r.top;
      ++checked;
    }
  EXPECT_EQ(checked, 40);
  bool small_in_wide_shot = false;
  for (const auto& f : run.faces) small_in_wide_shot |= number[f.frame_id] <= 9 && f.face.box.width() < 40;
  EXPECT_TRUE(small_in_wide_shot);
  // The singer is one person: every face of at least 40 px in frames 1-47 (distant shots and
  // close-ups) shares a label. The seed's eps 0.4 cuts him in two.
  std::set<int> singer;
  for (std::size_t i = 0; i < run.faces.size(); ++i)
    if (number[run.faces[i].frame_id] <= 47 && run.faces[i].face.box.width() >= 40) singer.insert(run.labels[i]);
  EXPECT_EQ(singer.size(), 1u);
  EXPECT_GE(test::read_csv(dir / "out/edges.csv").rows.size(), 1u) << "the first network a user sees is not empty";
}

// A temporary folder whose "in" holds one photo of ../shared/data/group.
fs::path folder_with_group_photo(const std::string& name, const std::string& photo) {
  auto dir = test::temp_dir(name);
  fs::create_directories(dir / "in");
  fs::create_symlink(test::shared_dir() / "data/group" / photo, dir / "in" / photo);
  return dir;
}

// Look-alikes stay apart: dlib's collage of four bald actors, six photos each, which dlib's
// dnn_face_recognition_ex.cpp clusters into four people. A collage breaks the frame rule (one
// image shows each person six times), so the default's clustering runs without it here; the seed's
// DBSCAN finds one of the four and leaves 18 faces as noise.
TEST(Quality, LookAlikesStayApartOnDlibsCollageOfFourBaldActors) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto dir = folder_with_group_photo("quality_collage", "dl_bald_guys.jpg");
  auto r = test::castnet_cli(fmt::format("run {0}/in -o {0}/out --quiet --threads 2 "
                                         "--cluster chinese-whispers:threshold=0.4 --constraints cannot_link=false",
                                         dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  auto run = latest_clustering(dir / "out/castnet.sqlite");
  std::map<int, int> size;
  for (int l : run.labels) ++size[l];
  EXPECT_EQ(size, (std::map<int, int>{{0, 6}, {1, 6}, {2, 6}, {3, 6}})) << "four people, six faces each, no noise";
}

// The labeled photos, one folder per person, and the named group photos in a folder "group".
void link_photos(const fs::path& in, const std::vector<std::string>& group_photos) {
  for (const auto& person : fs::directory_iterator(test::shared_dir() / "data/faces")) {
    if (!person.is_directory()) continue;
    fs::create_directories(in / person.path().filename());
    for (const auto& photo : fs::directory_iterator(person.path()))
      fs::create_symlink(photo.path(), in / person.path().filename() / photo.path().filename());
  }
  fs::create_directories(in / "group");
  for (const auto& photo : group_photos) fs::create_symlink(test::shared_dir() / "data/group" / photo, in / "group" / photo);
}

struct PhotoLabels {
  std::map<std::string, std::string> of_portraits;                // person -> the label most of their portraits have
  std::map<std::string, std::vector<std::string>> in_group_photo;  // group photo -> the labels of its faces
};

PhotoLabels read_photo_labels(const fs::path& faces_csv) {
  auto faces = test::read_csv(faces_csv);
  std::map<std::string, std::map<std::string, int>> votes;
  PhotoLabels out;
  for (const auto& row : faces.rows) {
    const fs::path frame = row[std::size_t(faces.col("frame"))];
    const std::string& label = row[std::size_t(faces.col("label"))];
    if (frame.parent_path() == "group") out.in_group_photo[frame.filename().string()].push_back(label);
    else ++votes[frame.parent_path().string()][label];
  }
  for (const auto& [person, count] : votes)
    out.of_portraits[person] =
        std::max_element(count.begin(), count.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
  return out;
}

// People in group photos are the people of their portraits: the labeled photos and the group
// photos of people among them (../shared/data/group/labels.csv), in one run of the default. A
// person the labels name joins their portraits; each face of The Big Bang Theory's cast photos
// (the labels say only that they are among the eight bbt_* people) joins a different one of them.
TEST(Quality, PeopleInGroupPhotosJoinTheirPortraits) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  const std::map<std::string, std::vector<std::string>> named = {{"fr_two_people.jpg", {"obama", "biden"}},
                                                                 {"fr_obama_and_biden.jpg", {"obama", "biden"}},
                                                                 {"fr_kit_with_rose.jpg", {"kit_harington", "rose_leslie"}}};
  const std::vector<std::string> cast = {"fa_bbt1.jpg", "fa_bbt2.jpg", "fa_bbt3.jpg", "fa_bbt4.jpg", "fa_bbt5.jpg"};
  std::vector<std::string> photos = cast;
  for (const auto& [photo, people] : named) photos.push_back(photo);
  auto dir = test::temp_dir("quality_group");
  link_photos(dir / "in", photos);
  auto r = test::castnet_cli(fmt::format("run {0}/in -o {0}/out -r --quiet --threads 2", dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;

  auto labels = read_photo_labels(dir / "out/faces.csv");
  for (const auto& [person, label] : labels.of_portraits) EXPECT_NE(label, "-1") << person << "'s portraits are noise";
  for (const auto& [photo, people] : named)
    for (const auto& person : people) {
      const auto& in_photo = labels.in_group_photo[photo];
      EXPECT_NE(std::find(in_photo.begin(), in_photo.end(), labels.of_portraits[person]), in_photo.end())
          << person << " in " << photo << " is not the person of their portraits";
    }
  std::set<std::string> cast_labels;
  for (const auto& [person, label] : labels.of_portraits)
    if (person.rfind("bbt_", 0) == 0) cast_labels.insert(label);
  for (const auto& photo : cast) {
    const auto& in_photo = labels.in_group_photo[photo];
    EXPECT_GE(in_photo.size(), 2u) << photo;
    for (const auto& label : in_photo) EXPECT_TRUE(cast_labels.count(label)) << "a face in " << photo << " is no one of the cast";
    EXPECT_EQ(std::set<std::string>(in_photo.begin(), in_photo.end()).size(), in_photo.size()) << photo;
  }
}

// A small face beside a larger one is found: in dl_2008_002079.jpg HOG's full pass gives a 52-px
// face a loose 72-px box that holds the centre of a 36-px face beside it, which the small-face
// pass used to take as found. Each of face_recognition's six faces in the photo holds the centre
// of exactly one of the default's.
TEST(Quality, ASmallFaceBesideALargerOneIsNotTakenForIt) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  const std::string photo = "dl_2008_002079.jpg";
  auto dir = folder_with_group_photo("quality_beside", photo);
  auto r = test::castnet_cli(fmt::format("run {0}/in -o {0}/out --quiet --threads 2", dir.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  std::vector<Box> ours;
  for (const auto& f : latest_clustering(dir / "out/castnet.sqlite").faces) ours.push_back(f.face.box);
  auto reference = reference_boxes("group/" + photo)[photo];
  ASSERT_EQ(reference.size(), 6u);
  for (const Box& f : reference) EXPECT_EQ(centres_in(f, ours), 1) << "face_recognition's face at " << f.left << "," << f.top;
}

// A clip of ../shared/data/video, sampled five times a second, through the default.
fs::path run_clip(const std::string& name, const std::string& clip) {
  auto dir = test::temp_dir(name);
  auto r = test::castnet_cli(fmt::format("run {} --source video:interval=0.2 -o {}/out --quiet --threads 2",
                                         (test::shared_dir() / "data/video" / clip).string(), dir.string()));
  EXPECT_EQ(r.code, 0) << r.output;
  return dir / "out";
}

// Two people walking down a corridor toward the camera (Intel's sample clip), their faces 16-28 px
// wide: the default finds both, five faces each, and links them; the seed finds no face.
TEST(Quality, TwoPeopleWalkingTowardTheCameraAreFoundSmallAndLinked) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto out = run_clip("quality_walking", "intel_face-demographics-walking.gif");
  auto run = latest_clustering(out / "castnet.sqlite");
  std::map<int, int> size;
  for (int l : run.labels) ++size[l];
  ASSERT_EQ(size.size(), 2u) << "two people";
  for (const auto& [label, faces] : size) {
    EXPECT_GE(label, 0) << "no face is noise";
    EXPECT_GE(faces, 4) << "person " << label;
  }
  EXPECT_EQ(test::read_csv(out / "edges.csv").rows.size(), 1u);
}

// A crowd filmed from above (dlib's MOT20 test clip), where no face can be seen (the labels call
// it a hard negative): the default, small-face pass and all, finds none; the seed takes two
// patches of clothing for faces.
TEST(Quality, ACrowdSeenFromAboveGivesNoFace) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto out = run_clip("quality_crowd", "dlib_MOT20-05-raw_even_shorter.mp4");
  EXPECT_EQ(test::read_csv(out / "faces.csv").rows.size(), 0u);
  EXPECT_EQ(FaceStore(out / "castnet.sqlite").frames().size(), 25u) << "every sampled frame was searched";
}

}  // namespace
}  // namespace castnet
