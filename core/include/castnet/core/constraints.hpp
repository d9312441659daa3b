// What is known about faces before any clusterer looks at them, applied to any clusterer's labels:
//
//  - cannot-link: two faces of one frame are two people. A cluster that holds two faces of one
//    frame is split, never thinned. If the two still look alike (within `same_person`), they are
//    one person shown twice (a presenter on the studio screen behind them) and the odd one
//    leaves alone; otherwise each seeds a part and the cluster's other faces join the nearest
//    part that lacks their frame (one pass of COP-k-means: Wagstaff, Cardie, Rogers and
//    Schroedl, "Constrained k-means clustering with background knowledge", ICML 2001). Parts
//    are split again until none holds two faces of one frame.
//  - must-link: a face that stays in place into the next frame (boxes overlapping by at least
//    `track_overlap`, embeddings closer than `same_person`) is the same person: a track. Its
//    noise faces join the track's person, and two clusters a track joins become one unless
//    that would put two faces of one frame together.
//  - merge_distance (off unless given): clusters whose faces are on average closer than it
//    (average linkage) become one, nearest first, unless they share a frame. A clusterer cut at
//    a strict threshold splits a person whose faces vary (sharp and blurred, lit and dark); on
//    average their faces stay within the embedder's same-person distance, while a single pair of
//    two look-alikes' faces may not.
//
// They are a stage of their own, after the clusterer: `--constraints` (`none`, `on`, or
// `cannot_link=true,merge_distance=0.5,...`) and a pipeline file's [constraints] table, declared
// once here and validated like a plugin's parameters. The store keeps their key beside the
// clusterer's. A clusterer named without them (`--cluster dbscan:eps=0.4,min_samples=5`, or a
// pipeline file's [clusterer] without [constraints]) runs bare and means what its reference
// means; the modern preset turns them on.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "castnet/sdk/embeddings.hpp"
#include "castnet/sdk/face.hpp"
#include "castnet/sdk/params.hpp"

namespace castnet {

struct ConstraintOptions {
  bool cannot_link = true;
  bool must_link = true;
  double track_overlap = 0.5;   // intersection over union of the two boxes
  double same_person = 0.6;     // in the embedder's distance (dlib's same-person threshold for ResNet)
  double merge_distance = 0.6;  // join clusters whose faces are on average closer (0: never)
  int threads = 0;              // workers for the join's measurements (0: every core)
  bool any() const { return cannot_link || must_link || merge_distance > 0; }
};

// The stage's parameters, and its spec as written (plugin "constraints"): `none` (or `off`)
// switches every step off, `on` takes every default, otherwise param=value pairs over the
// defaults. Throws Error(usage) with one sentence for anything else.
const std::vector<ParamSpec>& constraint_params();
StageSpec parse_constraints_spec(const std::string& text);
StageSpec no_constraints();
// Validated options; the key the store keeps: "none" when no step is on, else the canonical
// `constraints:cannot_link=true,...`.
ConstraintOptions constraint_options(const StageSpec& spec);
std::string constraints_key(const StageSpec& spec);

// Where a face was seen: its frame (unique id), the frame's place in its broadcast, its box.
struct FacePlace {
  std::int64_t frame = 0;
  std::int64_t broadcast = 0;
  long seq = 0;
  Box box;
};

struct ConstraintSummary {
  std::size_t tracks = 0;          // tracks of two or more faces
  std::size_t joined_noise = 0;    // noise faces given their track's person
  std::size_t merged_clusters = 0; // clusters joined by a track or by merge_distance
  std::size_t split_clusters = 0;  // clusters split because they held two faces of one frame
  bool changed() const { return joined_noise || merged_clusters || split_clusters; }
};

// Applies the constraints to `labels` (one per face, -1 noise) and returns a summary. Labels stay
// dense from 0, numbered by first face. Deterministic.
ConstraintSummary apply_constraints(const std::vector<FacePlace>& where, const EmbeddingSet& x,
                                    std::vector<int>& labels, const ConstraintOptions& opt);

}  // namespace castnet
