// Who the clusters are. A clusterer's labels are numbers that change at every clustering; what a
// user says about people (`castnet people`) is kept as facts about faces and replayed on whatever
// clustering comes, as constraints:
//
//  - merge: the faces are one person (must-link): every person holding one of them becomes one;
//  - split: the faces are one person, and not the person of the faces left behind (cannot-link):
//    where a person holds both, the split faces leave with the faces nearer to their centre than
//    to the centre of the faces left behind;
//  - not: this face is not the person of those faces: where it is with them, it becomes noise;
//  - name: the faces are called so. A person is called by the name most of its named faces carry.
//
// Without a name from the user, a gallery of known faces names a person only on clear evidence
// (docs/people.md): more than half of its faces nearest to one identity's gallery faces, within
// the gallery distance, and those faces within the name distance of it on median; one identity
// names one person (where the clustering kept two apart, the nearer keeps it, and the other is
// said to look like it). A merge is suggested only for two people the clusterer's own join would
// have made one. Corrections are replayed oldest first; undone ones are skipped. Deterministic.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "castnet/core/store.hpp"
#include "castnet/sdk/embeddings.hpp"

namespace castnet {

// face_recognition's default tolerance: dlib's ResNet puts one person's faces within 0.6. A face
// within it of a gallery face votes for that face's identity.
constexpr double kGalleryDistance = 0.6;
// A person is named only if its voting faces are within this share of the gallery distance on
// median: 0.5 at the default 0.6, where one person's photos are 0.40 apart on median and
// look-alikes 0.56-0.60 (docs/people.md, measured); a gallery distance set for another embedder
// carries its naming distance with it.
constexpr double kNameShare = 5.0 / 6.0;

struct PeopleInput {
  const std::vector<std::int64_t>* face_ids = nullptr;  // the clustering's faces
  const EmbeddingSet* embeddings = nullptr;             // parallel to face_ids
  std::vector<Correction> corrections;
  std::vector<GalleryFace> gallery;
  double gallery_distance = kGalleryDistance;
  double name_distance = kGalleryDistance * kNameShare;
  // For the merges suggested: each face's frame (parallel to face_ids), and the clusterer's own
  // join (its distance, 0 where it joins nothing and no merge is suggested; whether it keeps the
  // faces of one frame apart).
  std::vector<std::int64_t> frames = {};
  double join_distance = 0;
  bool join_cannot_link = true;
};

struct People {
  std::map<int, std::string> names;  // person -> name, for the named ones
  std::vector<std::string> notes;    // one sentence each: corrections about faces no longer here, ties
};

// Replays the corrections on `labels` (parallel to face_ids; -1 noise; a new person takes the
// next unused number, so the others keep theirs) and names the people.
People apply_people(const PeopleInput& in, std::vector<int>& labels);

}  // namespace castnet

namespace castnet {

struct Network;

// The corrections `castnet people` stores, made from the people as `net` shows them now
// (load_people): each names the faces it is about. A person or face `net` does not hold, or a
// correction that would change nothing, is Error(usage) in one sentence.
Correction name_person(const Network& net, int person, const std::string& name);
Correction merge_people(const Network& net, const std::vector<int>& people);
// `faces` empty: the person's faces are cut in two by 2-means, the part farther from the
// person's first face leaving.
Correction split_person(const Network& net, int person, const std::vector<std::int64_t>& faces);
Correction face_is_not(const Network& net, std::int64_t face, int person);

// One line for `castnet people history`: "merge of 14 faces", "name \"Ada\" for 5 faces".
std::string describe(const Correction& c);

}  // namespace castnet
