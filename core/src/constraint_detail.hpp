// What the constraint steps share: constraints.cpp (tracks, and the order of the steps),
// cannot_link.cpp (splitting a cluster that holds two faces of one frame) and cluster_join.cpp
// (the average-linkage join). Private to core.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <vector>

#include "castnet/core/constraints.hpp"

namespace castnet::constraint_detail {

struct UnionFind {
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), std::size_t{0}); }
  std::size_t find(std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }
  void join(std::size_t a, std::size_t b) {  // the smaller root stays: results do not depend on call order
    a = find(a), b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
  std::vector<std::size_t> parent;
};

inline bool share_a_frame(const std::set<std::int64_t>& a, const std::set<std::int64_t>& b) {
  const auto& small = a.size() < b.size() ? a : b;
  const auto& large = a.size() < b.size() ? b : a;
  return std::any_of(small.begin(), small.end(), [&](std::int64_t f) { return large.count(f) > 0; });
}

// A centre from the sum of `n` embeddings: their mean, or for hashes the majority bit, so that
// the centre is itself a hash and Hamming distances to it mean something.
inline std::vector<double> centre_of_sum(std::vector<double> sum, double n, Metric metric) {
  for (double& v : sum) v /= n;
  if (metric == Metric::hamming)
    for (double& v : sum) v = v >= 0.5 ? 1.0 : 0.0;
  return sum;
}

inline std::vector<double> sum_of(const EmbeddingSet& x, const std::vector<std::size_t>& faces) {
  std::vector<double> sum(x.dim, 0.0);
  for (std::size_t f : faces)
    for (std::size_t d = 0; d < x.dim; ++d) sum[d] += x.row(f)[d];
  return sum;
}

inline std::vector<double> centroid_of(const EmbeddingSet& x, const std::vector<std::size_t>& faces) {
  return centre_of_sum(sum_of(x, faces), double(faces.size()), x.metric);
}

// The faces of each cluster, by label (noise left out).
inline std::map<int, std::vector<std::size_t>> faces_by_label(const std::vector<int>& labels) {
  std::map<int, std::vector<std::size_t>> clusters;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) clusters[labels[i]].push_back(i);
  return clusters;
}

// Average linkage between two clusters: the sum and count of their faces' distances, over at
// most kLinkSample faces of each (evenly spaced), so that two large clusters cost no more than
// two small ones.
constexpr std::size_t kLinkSample = 200;
struct Link {
  double sum = 0, count = 0;
  double mean() const { return sum / count; }
};
Link average_link(const EmbeddingSet& x, const std::vector<std::size_t>& a, const std::vector<std::size_t>& b);

// Splits every cluster that holds two faces of one frame, keeping each track (faces with the same
// `track_of` root) whole; returns how many it split.
std::size_t split_cannot_links(const std::vector<FacePlace>& where, const EmbeddingSet& x, const std::vector<std::size_t>& track_of,
                               std::vector<int>& labels, double same_person);

// Joins clusters whose faces are on average within `radius`; returns how many joins it made.
// The first links are measured on `threads` workers (0: every core); the joins are the same.
std::size_t merge_near_clusters(const std::vector<FacePlace>& where, const EmbeddingSet& x, std::vector<int>& labels,
                                double radius, bool cannot_link, int threads = 0);

}  // namespace castnet::constraint_detail
