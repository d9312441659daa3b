// Which face stands for each person: the node image Gephi's Image Preview plugin draws, the
// face in the report and the pictures. A computation on the network, apart from the writers.
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "castnet/core/connect.hpp"

namespace castnet {

enum class NodeImageRule {
  largest,  // the seed's: the largest face of the cluster
  best,     // the sharpest of the large faces nearest the cluster centre
};
const char* describe(NodeImageRule r);

// Variance of the Laplacian on a fixed-size grey copy of a BGR crop: a standard focus measure,
// made comparable across face sizes by the resize.
double face_sharpness(const cv::Mat& bgr);

// identity -> the faces (indices into net.faces) the rule may choose from (`best`: up to five;
// `largest`: one), so that only those need a crop to measure.
using NodeImageCandidates = std::map<int, std::vector<std::size_t>>;
NodeImageCandidates node_image_candidates(const Network& net, NodeImageRule rule);

// identity -> the candidate that stands for that person: the sharpest (`sharpness` is per face of
// the network, 0 where unknown; a single candidate is taken as it is).
std::map<int, std::size_t> choose_node_images(const NodeImageCandidates& candidates, const std::vector<double>& sharpness);

// Sets each vertex's image to node_images/<identity>.jpg, the path writers put that face at, or
// to "" where its chosen face has no crop (`crops`, per face: "" where none could be made, as
// for a frame that can no longer be read): no output links an image castnet did not write.
void set_node_image_paths(Network& net, const std::map<int, std::size_t>& picks, const std::vector<std::string>& crops);

}  // namespace castnet
