// The average-linkage join of the face constraints (merge_distance).
#include <algorithm>
#include <map>
#include <set>

#include "castnet/sdk/neighbors.hpp"
#include "constraint_detail.hpp"

namespace castnet::constraint_detail {
namespace {

// Average linkage between two clusters: the sum and count of their faces' distances, over at
// most kLinkSample faces of each (evenly spaced), so that two large clusters cost no more than
// two small ones.
constexpr std::size_t kLinkSample = 200;

struct Link {
  double sum = 0, count = 0;
  double mean() const { return sum / count; }
};

Link average_link(const EmbeddingSet& x, const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
  auto sample = [](const std::vector<std::size_t>& v) {
    if (v.size() <= kLinkSample) return v;
    std::vector<std::size_t> s;
    for (std::size_t k = 0; k < kLinkSample; ++k) s.push_back(v[k * v.size() / kLinkSample]);
    return s;
  };
  Link l;
  for (std::size_t i : sample(a))
    for (std::size_t j : sample(b)) l.sum += x.distance(i, j), l.count += 1;
  double scale = double(a.size()) * double(b.size()) / l.count;  // as if every pair had been measured
  return {l.sum * scale, l.count * scale};
}

}  // namespace

// Average-linkage agglomeration (UPGMA) of whole clusters, nearest first, down to `radius`, never
// joining two that share a frame when cannot-link holds. Only pairs whose centres are within
// `radius` are candidates: a centre distance never exceeds the average distance (the norm is
// convex), so none is missed for the Euclidean metric. A joined pair's links to a third cluster
// add up, which is average linkage exactly when both were measured.
std::size_t merge_near_clusters(const std::vector<FacePlace>& where, const EmbeddingSet& x, std::vector<int>& labels,
                                double radius, bool cannot_link) {
  auto clusters = faces_by_label(labels);
  if (clusters.size() < 2) return 0;
  std::vector<int> label_of;
  std::vector<std::vector<std::size_t>> members;
  EmbeddingSet centres{x.dim, x.metric, {}};
  std::vector<std::set<std::int64_t>> frames;
  for (const auto& [label, faces] : clusters) {
    label_of.push_back(label);
    members.push_back(faces);
    auto c = centroid_of(x, faces);
    centres.data.insert(centres.data.end(), c.begin(), c.end());
    frames.emplace_back();
    for (std::size_t f : faces) frames.back().insert(where[f].frame);
  }
  std::map<std::pair<std::size_t, std::size_t>, Link> links;
  make_neighbor_index(centres)->pairs_within(radius, 1, {}, [&](std::size_t i, std::size_t j) {
    if (centres.distance(i, j) <= radius) links[{std::min(i, j), std::max(i, j)}] = average_link(x, members[i], members[j]);
  });
  UnionFind joined(label_of.size());
  std::size_t merged = 0;
  for (;;) {
    auto best = links.end();
    for (auto it = links.begin(); it != links.end(); ++it)
      if (best == links.end() || it->second.mean() < best->second.mean()) best = it;
    if (best == links.end() || best->second.mean() >= radius) break;
    auto [a, b] = best->first;
    links.erase(best);
    if (cannot_link && share_a_frame(frames[a], frames[b])) continue;
    joined.join(a, b);  // a < b: a stays the root
    frames[a].insert(frames[b].begin(), frames[b].end());
    ++merged;
    // b's links become a's: summed where a has one too, dropped where a has none (not measured).
    std::map<std::size_t, Link> of_b;
    for (auto it = links.begin(); it != links.end();) {
      if (it->first.first == b || it->first.second == b) {
        of_b[it->first.first == b ? it->first.second : it->first.first] = it->second;
        it = links.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = links.begin(); it != links.end();) {
      if (it->first.first != a && it->first.second != a) { ++it; continue; }
      std::size_t c = it->first.first == a ? it->first.second : it->first.first;
      auto other = of_b.find(c);
      if (other == of_b.end()) { it = links.erase(it); continue; }
      it->second.sum += other->second.sum, it->second.count += other->second.count;
      ++it;
    }
  }
  std::map<int, int> to;
  for (std::size_t c = 0; c < label_of.size(); ++c) to[label_of[c]] = label_of[joined.find(c)];
  for (int& l : labels)
    if (l >= 0) l = to[l];
  return merged;
}

}  // namespace castnet::constraint_detail
