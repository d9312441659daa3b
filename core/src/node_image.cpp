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

// The faces at least half as large as the largest, the five nearest the cluster's centre: the
// candidates of the rule `best`, which takes the sharpest of them.
std::vector<std::size_t> near_large_faces(const Network& net, const std::vector<std::size_t>& members, long max_area) {
  const EmbeddingSet& x = net.embeddings;
  std::vector<double> centre(x.dim, 0.0);
  for (std::size_t i : members)
    for (std::size_t d = 0; d < x.dim; ++d) centre[d] += x.row(i)[d] / double(members.size());
  std::vector<std::pair<double, std::size_t>> near;  // large faces by distance to the centre
  for (std::size_t i : members)
    if (2 * net.faces[i].face.box.area() >= max_area) near.emplace_back(distance(x.row(i), centre.data(), x.dim, x.metric), i);
  std::sort(near.begin(), near.end());
  near.resize(std::min<std::size_t>(near.size(), 5));
  std::vector<std::size_t> out;
  for (auto& [dist, i] : near) out.push_back(i);
  return out;
}

// Each person's faces, and the largest face of each with its area.
struct Person {
  std::vector<std::size_t> members;
  std::size_t largest = 0;
  long max_area = 0;
};
std::map<int, Person> people_of(const Network& net) {
  std::map<int, Person> people;
  for (std::size_t i = 0; i < net.faces.size(); ++i) {
    if (net.labels[i] < 0) continue;
    Person& p = people[net.labels[i]];
    if (p.members.empty() || net.faces[i].face.box.area() > p.max_area) p.max_area = net.faces[i].face.box.area(), p.largest = i;
    p.members.push_back(i);
  }
  return people;
}

// The faces the rule may choose from: the largest (`largest`, or `best` without embeddings),
// else the near large ones.
std::vector<std::size_t> candidates_of(const Network& net, const Person& p, NodeImageRule rule) {
  if (rule == NodeImageRule::largest || !net.embeddings.dim) return {p.largest};
  return near_large_faces(net, p.members, p.max_area);
}

}  // namespace

NodeImageCandidates node_image_candidates(const Network& net, NodeImageRule rule) {
  NodeImageCandidates out;
  for (const auto& [label, person] : people_of(net)) out[label] = candidates_of(net, person, rule);
  return out;
}

std::map<int, std::size_t> choose_node_images(const NodeImageCandidates& candidates, const std::vector<double>& sharpness) {
  std::map<int, std::size_t> picks;
  for (const auto& [label, faces] : candidates) {
    std::size_t pick = faces.front();
    for (std::size_t i : faces)
      if (sharpness[i] > sharpness[pick]) pick = i;
    picks[label] = pick;
  }
  return picks;
}

void set_node_image_paths(Network& net, const std::map<int, std::size_t>& picks, const std::vector<std::string>& crops) {
  for (std::size_t v = 0; v < boost::num_vertices(net.graph); ++v) {
    const int identity = net.graph[v].identity;
    const auto pick = picks.find(identity);
    const bool cropped = pick != picks.end() && !crops.at(pick->second).empty();
    net.graph[v].image = cropped ? fmt::format("node_images/{}.jpg", identity) : "";
  }
}

}  // namespace castnet
