#include "castnet/core/node_image.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

namespace castnet {

const char* describe(NodeImageRule r) {
  return r == NodeImageRule::largest ? "largest: the largest face of each person (the seed's rule)"
                                     : "best: the sharpest of the large faces nearest each person's cluster centre";
}

double face_sharpness(const cv::Mat& bgr) {
  cv::Mat grey, small, lap;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::resize(grey, small, {96, 96}, 0, 0, cv::INTER_AREA);
  cv::Laplacian(small, lap, CV_64F);
  cv::Scalar mean, dev;
  cv::meanStdDev(lap, mean, dev);
  return dev[0] * dev[0];
}

namespace {

// Of the faces at least half as large as the largest, the five nearest the cluster's centre,
// and of those the sharpest: a typical, large, focused face rather than an odd angle.
std::size_t best_face(const Network& net, const std::vector<std::size_t>& members, long max_area,
                      std::size_t largest, const std::vector<double>& sharpness) {
  const EmbeddingSet& x = net.embeddings;
  if (!x.dim) return largest;
  std::vector<double> centre(x.dim, 0.0);
  for (std::size_t i : members)
    for (std::size_t d = 0; d < x.dim; ++d) centre[d] += x.row(i)[d] / double(members.size());
  std::vector<std::pair<double, std::size_t>> near;  // large faces by distance to the centre
  for (std::size_t i : members)
    if (2 * net.faces[i].face.box.area() >= max_area) near.emplace_back(distance(x.row(i), centre.data(), x.dim, x.metric), i);
  std::sort(near.begin(), near.end());
  near.resize(std::min<std::size_t>(near.size(), 5));
  std::size_t pick = near.front().second;
  for (auto& [dist, i] : near)
    if (sharpness[i] > sharpness[pick]) pick = i;
  return pick;
}

}  // namespace

std::map<int, std::size_t> choose_node_images(const Network& net, const std::vector<double>& sharpness,
                                              NodeImageRule rule) {
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < net.faces.size(); ++i)
    if (net.labels[i] >= 0) members[net.labels[i]].push_back(i);
  std::map<int, std::size_t> picks;
  for (const auto& [label, idx] : members) {
    std::size_t largest = idx.front();
    long max_area = 0;
    for (std::size_t i : idx) {
      long a = net.faces[i].face.box.area();
      if (a > max_area) max_area = a, largest = i;
    }
    picks[label] = rule == NodeImageRule::best ? best_face(net, idx, max_area, largest, sharpness) : largest;
  }
  return picks;
}

void set_node_image_paths(Network& net) {
  for (std::size_t v = 0; v < boost::num_vertices(net.graph); ++v)
    net.graph[v].image = fmt::format("node_images/{}.jpg", net.graph[v].identity);
}

}  // namespace castnet
