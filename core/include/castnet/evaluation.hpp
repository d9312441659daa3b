// Scoring a run against known identities: which detected face is whom (per image, or per
// region of a synthetic broadcast), then the clustering metrics of metrics.hpp and, with
// regions, the network against the true one.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "castnet/metrics.hpp"
#include "castnet/pipeline.hpp"

namespace castnet {

struct TruthRegion {
  std::string identity;
  Box box;
};

struct Truth {
  // Per image (`path,identity`, as data/faces/labels.csv): the largest face of the image is that
  // person. Keys are paths as the frame source names them (relative to the frames folder).
  std::map<std::string, std::string> images;
  // Per region (`frame,identity,left,top,right,bottom`, as `castnet synth` writes): a detected
  // face is the person whose region holds its centre.
  std::map<std::string, std::vector<TruthRegion>> regions;
  bool per_region() const { return !regions.empty(); }
};

// Reads either form (told apart by the header). Throws Error(input) with the file and line.
Truth load_truth(const std::filesystem::path& csv);

struct NetworkScores {
  std::size_t true_edges = 0, found_edges = 0, correct = 0;
  metrics::PairScores scores;
};

struct Evaluation {
  std::size_t truth_items = 0;     // labeled images or regions
  std::size_t detected = 0;        // of those, found by the detector
  std::size_t faces_scored = 0;    // detected faces with a known identity
  std::size_t identities = 0;      // distinct true identities among them
  double detection_recall = 0;
  std::size_t clusters = 0;
  double noise_fraction = 0;
  metrics::PairScores pairwise, bcubed;  // noise counted as singletons
  double ari = 0, nmi = 0;
  std::optional<NetworkScores> network;  // per-region truth only
};

// `net` is a connected run (pipeline.hpp); `rule` connects the true identities the same way.
Evaluation evaluate(const Network& net, const Truth& truth, EdgeRule& rule);

}  // namespace castnet
