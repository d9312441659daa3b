// Scoring a run against known identities: which detected face is whom (per image, or per
// region of a synthetic broadcast), then the clustering scores of clustering_scores.hpp and, with
// regions, the network against the true one.
#pragma once
#include <cstddef>
#include <optional>

#include "castnet/core/connect.hpp"
#include "castnet/eval/clustering_scores.hpp"
#include "castnet/eval/truth.hpp"

namespace castnet {

struct NetworkScores {
  std::size_t true_edges = 0, found_edges = 0, correct = 0;
  scores::PairScores scores;
};

struct Evaluation {
  std::size_t truth_items = 0;     // labeled images or regions
  std::size_t detected = 0;        // of those, found by the detector
  std::size_t faces_scored = 0;    // detected faces with a known identity
  std::size_t identities = 0;      // distinct true identities among them
  double detection_recall = 0;
  std::size_t clusters = 0;
  double noise_fraction = 0;
  scores::PairScores pairwise, bcubed;  // noise counted as singletons
  double ari = 0, nmi = 0;
  std::optional<NetworkScores> network;  // per-region truth only
};

// `net` is a connected run (core/connect.hpp); `rule` connects the true identities the same way.
Evaluation evaluate(const Network& net, const Truth& truth, EdgeRule& rule);

}  // namespace castnet
