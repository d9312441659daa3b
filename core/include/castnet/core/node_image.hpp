// Which face stands for each person: the node image Gephi's Image Preview plugin draws, the
// face in the report and the pictures. A computation on the network, apart from the writers.
#pragma once
#include <cstddef>
#include <map>
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

// identity -> index into net.faces of the face that stands for that person. `sharpness` is per
// face of the network (0 where unknown); the rule `largest` does not read it.
std::map<int, std::size_t> choose_node_images(const Network& net, const std::vector<double>& sharpness,
                                              NodeImageRule rule);

// Per face of the network: whether the rule may choose it, so that only those need a crop to
// measure (the rule `best`: five a person; `largest`: one).
std::vector<char> node_image_candidates(const Network& net, NodeImageRule rule);

// Sets each vertex's image to node_images/<identity>.jpg, the path writers put that face at.
void set_node_image_paths(Network& net);

}  // namespace castnet
