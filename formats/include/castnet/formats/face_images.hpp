// The picture outputs: a crop per face, a montage per cluster, a super montage, and the node
// image of each person (what Gephi's Image Preview plugin draws).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "castnet/pipeline.hpp"

namespace castnet::formats {

enum class NodeImageRule {
  largest,  // the seed's: the largest face of the cluster
  best,     // the sharpest of the large faces nearest the cluster centre
};
const char* describe(NodeImageRule r);

struct FaceImageOptions {
  NodeImageRule node_image = NodeImageRule::best;
  int tile = 96;                   // montage tile size, px
  std::size_t max_tiles = 100;     // per cluster montage; larger clusters are sampled evenly
  int threads = 0;
};

struct FaceImages {
  std::vector<std::string> crops;  // per face of the network, relative to the output folder
};

// Writes faces/<label>-<face id>.jpg, montages/montage-<label>.jpg, montages/montage-all.jpg and
// node_images/<label>.jpg under `out`, and sets each graph vertex's image. Frames are decoded
// once each, in parallel.
FaceImages write_face_images(const std::filesystem::path& out, Network& net, const FaceImageOptions& opt);

}  // namespace castnet::formats
