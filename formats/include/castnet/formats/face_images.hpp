// The picture outputs: a crop of each face they show, a montage per cluster, a super montage, and
// each person's node image (the face core/node_image.hpp chose, copied to the vertex's image path).
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "castnet/core/connect.hpp"
#include "castnet/core/frame_reader.hpp"
#include "castnet/core/node_image.hpp"
#include "castnet/formats/output_batch.hpp"

namespace castnet::formats {

struct FaceImageOptions {
  const FrameReader* reader = nullptr;  // reads frames back from their inputs (none: crops only reused)
  int tile = 96;                   // montage tile size, px
  std::size_t max_tiles = 100;     // per cluster montage; larger clusters are sampled evenly
  const NodeImageCandidates* node_image_candidates = nullptr;  // the faces a node image is chosen from: cropped
  int threads = 0;
};

struct FaceCrops {
  std::vector<std::string> paths;  // per face of the network, relative to the output folder ("": not cropped)
  std::vector<double> sharpness;   // per face, measured on the crop as written (0: unreadable)
  std::vector<char> montage_tile;  // per face: shown in its cluster's montage
  std::vector<cv::Mat> tiles;      // per face, the montage tile (empty if not one, or unreadable)
};

// Writes faces/<label>-<face id>.jpg for every face an output shows: the montage tiles (every face
// of a cluster up to max_tiles) and the faces the node-image rule may choose (five a person), not
// a year's every face. A crop an earlier run wrote is renamed to its face's new label and read back
// instead of decoding the frame again; other crops are removed. Frames are read back from their
// broadcasts' inputs and decoded once each, in parallel.
FaceCrops write_face_crops(const std::filesystem::path& out, const Network& net, const FaceImageOptions& opt);

// Stages node_images/ (each vertex's image: the crop of the face `picks` names, where it could be
// made), montages/montage-<label>.jpg, montages/montage-all.jpg and montage-final.png. The two
// folders are replaced whole: earlier montages and node images go at commit.
void write_person_images(OutputBatch& batch, const Network& net, const FaceCrops& crops,
                         const std::map<int, std::size_t>& picks, const FaceImageOptions& opt);

}  // namespace castnet::formats
