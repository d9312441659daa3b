// Corrections replayed on hand-made clusterings (1-D embeddings), and naming from corrections and
// from a gallery: what core/people.hpp promises, without a store.
#include <gtest/gtest.h>

#include "castnet/core/people.hpp"

namespace castnet {
namespace {

struct Faces {
  std::vector<std::int64_t> ids;
  EmbeddingSet x{1, Metric::euclidean, {}};
  std::vector<int> labels;
  std::vector<Correction> corrections;
  std::vector<GalleryFace> gallery;

  // Face id 100 + i at `at` on a line, labelled `label`.
  void face(double at, int label) {
    ids.push_back(100 + std::int64_t(ids.size()));
    x.data.push_back(at);
    labels.push_back(label);
  }
  std::vector<std::int64_t> frames;  // each face's frame, for the merges suggested
  double join_distance = 0;
  People apply() {
    PeopleInput in{&ids, &x, corrections, gallery, 0.6};
    in.frames = frames, in.join_distance = join_distance;
    return apply_people(in, labels);
  }
};

Correction said(const std::string& kind, std::vector<std::int64_t> faces, std::vector<std::int64_t> others = {}, std::string name = "") {
  static std::int64_t id = 0;
  return {++id, kind, name, std::move(faces), std::move(others), false, ""};
}

TEST(PeopleReplay, MergeJoinsEveryPersonHoldingTheFacesAndTheirNoise) {
  Faces f;
  for (int l : {0, 0, 1, 1, 2, -1}) f.face(l, l);
  f.corrections = {said("merge", {100, 102, 105})};  // a face of 0, of 1, and a noise face
  f.apply();
  EXPECT_EQ(f.labels, (std::vector<int>{0, 0, 0, 0, 2, 0}));
}

TEST(PeopleReplay, SplitSendsEachOtherFaceToTheNearerSide) {
  Faces f;  // one person: faces at 0, 0.1 (staying), 5, 5.1 (leaving), and 0.2 and 4.9 unnamed by the split
  for (double at : {0.0, 0.1, 5.0, 5.1, 0.2, 4.9}) f.face(at, 3);
  f.corrections = {said("split", {102, 103}, {100, 101})};
  f.apply();
  EXPECT_EQ(f.labels, (std::vector<int>{3, 3, 4, 4, 3, 4})) << "the new person takes the next unused number";
}

TEST(PeopleReplay, SplitOfFacesSpreadOverPeopleGathersThemAsOne) {
  Faces f;
  for (auto [at, l] : std::vector<std::pair<double, int>>{{0, 0}, {5, 0}, {5.1, 1}, {5.2, 1}}) f.face(at, l);
  f.corrections = {said("split", {101, 102}, {100})};  // person 1 holds no face left behind: it goes whole
  f.apply();
  EXPECT_EQ(f.labels, (std::vector<int>{0, 2, 2, 2}));
}

TEST(PeopleReplay, NotMakesTheFaceNoiseOnlyWhereItIsWithThoseFaces) {
  Faces f;
  for (int l : {0, 0, 0, 1}) f.face(l, l);
  f.corrections = {said("not", {102}, {100, 101}), said("not", {103}, {100, 101})};
  f.apply();
  EXPECT_EQ(f.labels, (std::vector<int>{0, 0, -1, 1}));
}

TEST(PeopleReplay, UndoneCorrectionsAreSkippedAndMissingFacesReported) {
  Faces f;
  for (int l : {0, 1}) f.face(l, l);
  f.corrections = {said("merge", {100, 101}), said("name", {100, 999}, {}, "Ada")};
  f.corrections[0].undone = true;
  People p = f.apply();
  EXPECT_EQ(f.labels, (std::vector<int>{0, 1}));
  EXPECT_EQ(p.names, (std::map<int, std::string>{{0, "Ada"}}));
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("is about 1 face(s) the latest clustering does not hold"), std::string::npos) << p.notes[0];
}

TEST(PeopleReplay, APersonTakesItsFacesMostCommonNameAndATieNamesNobody) {
  Faces f;
  for (int l : {0, 0, 0, 1, 1}) f.face(l, l);
  f.corrections = {said("name", {100, 101}, {}, "Ada"), said("name", {102}, {}, "Bea"), said("name", {103}, {}, "Cy"),
                   said("name", {104}, {}, "Di")};
  People p = f.apply();
  EXPECT_EQ(p.names, (std::map<int, std::string>{{0, "Ada"}}));
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("Person 1 is left unnamed"), std::string::npos) << p.notes[0];
}

TEST(PeopleReplay, TheGalleryNamesAMajorityWithinTheDistanceAndNeverAStranger) {
  Faces f;
  for (double at : {0.0, 0.1, 0.2}) f.face(at, 0);      // near Ada's gallery face
  for (double at : {3.0, 3.1}) f.face(at, 1);           // a stranger: 0.7 from Bea's, beyond 0.6
  for (double at : {0.1, 0.2, 2.4}) f.face(at, 2);      // two of three near Ada
  for (double at : {0.1, 2.4, 6.0, 6.1}) f.face(at, 3); // half: not a majority
  f.gallery = {{"Ada", "a.jpg", {0.05f}}, {"Bea", "b.jpg", {2.3f}}};
  f.corrections = {said("name", {105, 106, 107}, {}, "Cy")};  // the user's name beats the gallery's
  People p = f.apply();
  EXPECT_EQ(p.names, (std::map<int, std::string>{{0, "Ada"}, {2, "Cy"}}));
  bool reported = false;
  for (const auto& n : p.notes) reported |= n.find("Person 3 is left unnamed") != std::string::npos;
  EXPECT_TRUE(reported) << "faces matching two identities, none a majority, are reported";
}

std::string notes_about(const People& p, const std::string& who) {
  std::string out;
  for (const auto& n : p.notes)
    if (n.rfind(who, 0) == 0) out += n + "\n";
  return out;
}

// Open-set naming (issue 32): a stranger who looks like a known person is not named; two people
// the clustering keeps apart never share a name; a merge is suggested only where the clusterer's
// own join would have made them one.
TEST(PeopleNames, AStrangerWhoLooksLikeAKnownPersonIsNotNamed) {
  Faces f;
  for (double at : {0.0, 0.1}) f.face(at, 0);    // Ada: 0.05 on median
  for (double at : {0.6, 0.62}) f.face(at, 1);   // within 0.6 of Ada's photo, 0.56 on median
  f.gallery = {{"Ada", "a.jpg", {0.05f}}};
  People p = f.apply();
  EXPECT_EQ(p.names, (std::map<int, std::string>{{0, "Ada"}}));
  EXPECT_NE(notes_about(p, "Person 1 ").find("Person 1 looks like Ada, not named: its faces are 0.56 from Ada's photos on median, and a "
                                            "name needs 0.50 or less."), std::string::npos) << notes_about(p, "Person 1 ");
  Faces alone;  // the stranger without Ada on screen: still a stranger
  for (double at : {0.6, 0.62}) alone.face(at, 1);
  alone.gallery = f.gallery;
  EXPECT_TRUE(alone.apply().names.empty());
}

TEST(PeopleNames, OneIdentityNamesOnePersonTheNearer) {
  Faces f;
  for (double at : {2.7, 2.75}) f.face(at, 2);  // 0.4 and 0.45 from Bea's photo
  for (double at : {2.3, 2.35}) f.face(at, 3);  // 0 and 0.05: the nearer
  f.frames = {1, 2, 3, 4};
  f.gallery = {{"Bea", "b.jpg", {2.3f}}};
  People p = f.apply();
  EXPECT_EQ(p.names, (std::map<int, std::string>{{3, "Bea"}}));
  EXPECT_EQ(notes_about(p, "Person 2 "), "Person 2 looks like Bea, not named: person 3 is Bea, and the clustering keeps the two apart.\n");
  EXPECT_TRUE(notes_about(p, "People ").empty()) << "no merge suggested for two people no join would make one";

  f.join_distance = 0.6;  // 0.4 apart on average, never in one frame: the clusterer's join would make them one
  EXPECT_EQ(notes_about(f.apply(), "Person 2 "), "Person 2 looks like Bea, not named: person 3 is Bea; `castnet people merge 3 2` makes them one.\n");
  f.frames = {1, 2, 2, 4};  // on screen together: two people
  EXPECT_EQ(notes_about(f.apply(), "Person 2 "), "Person 2 looks like Bea, not named: person 3 is Bea, and the clustering keeps the two apart.\n");
}

TEST(PeopleNames, AUsersNameKeepsItAgainstTheGallery) {
  Faces f;
  for (double at : {2.3, 2.35}) f.face(at, 0);
  for (double at : {2.31, 2.32}) f.face(at, 1);
  f.gallery = {{"Bea", "b.jpg", {2.3f}}};
  f.corrections = {said("name", {100, 101}, {}, "Bea")};
  People p = f.apply();
  EXPECT_EQ(p.names, (std::map<int, std::string>{{0, "Bea"}}));
  EXPECT_NE(notes_about(p, "Person 1 ").find("person 0 is Bea"), std::string::npos) << notes_about(p, "Person 1 ");
}

}  // namespace
}  // namespace castnet
