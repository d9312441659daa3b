// Face embeddings without faces: n points in 128-D whose distances match real dlib ResNet
// embeddings, for clustering at sizes no labeled photo set reaches (a year: 775,000 faces).
// Calibrated on ../shared/reference/face_recognition (66 faces of 18 people): same-person
// distances median 0.40 (5-95%: 0.24-0.54), different-person median 0.84 (1st percentile 0.65).
// Identities are Zipf-sized, the largest holding ~20% of the faces (an anchor on screen all
// year), ~150 faces per identity on average as in a year of a programme (775k faces, 4,972 people).
#pragma once
#include <cstddef>
#include <vector>

#include "castnet/sdk/embeddings.hpp"

namespace castnet {

struct SyntheticFaces {
  EmbeddingSet x;
  std::vector<int> identity;  // per face
};

// The same n and seed give the same points on every machine (std::mt19937_64, own transforms).
SyntheticFaces synthetic_faces(std::size_t n, unsigned long long seed = 1);

// Quantiles of same- and different-identity distances over `pairs` random pairs, to print beside
// the calibration targets.
struct DistanceQuantiles {
  double same_median, same_p05, same_p95, different_median, different_p01;
};
DistanceQuantiles distance_quantiles(const SyntheticFaces& f, std::size_t pairs = 200000);

}  // namespace castnet
