// The average-linkage join of the face constraints (merge_distance).
#include <algorithm>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <tuple>

#include "castnet/sdk/neighbors.hpp"
#include "constraint_detail.hpp"

namespace castnet::constraint_detail {
namespace {

// The clusters as the join goes: each one's faces, frames and embedding sum (for its centre), and
// its links to the others it may join (kept on both sides; none to a cluster it shares a frame
// with when cannot-link holds), with every link also queued nearest first. A queued link that
// has since changed or gone is skipped when it comes up. A joined cluster's faces move to the
// one it joined.
struct Joining {
  using Queued = std::tuple<double, std::size_t, std::size_t>;  // mean, then the pair: ties go to the lower pair

  const EmbeddingSet& x;
  double radius;
  bool cannot_link;
  std::vector<std::vector<std::size_t>> members;
  std::vector<std::vector<double>> sums;
  std::vector<std::set<std::int64_t>> frames;
  std::vector<std::map<std::size_t, Link>> links;
  std::priority_queue<Queued, std::vector<Queued>, std::greater<>> queue;

  std::vector<double> centre(std::size_t i) const { return centre_of_sum(sums[i], double(members[i].size()), x.metric); }

  void link(std::size_t a, std::size_t b, Link l) {
    links[a][b] = links[b][a] = l;
    queue.emplace(l.mean(), std::min(a, b), std::max(a, b));
  }

  // Only pairs whose centres are within the radius are measured at first: a centre distance never
  // exceeds the average distance (the norm is convex), so none is missed for the Euclidean metric.
  // Pairs that share a frame are never measured.
  void measure_candidates() {
    links.resize(members.size());
    EmbeddingSet centres{x.dim, x.metric, {}};
    for (std::size_t i = 0; i < members.size(); ++i) {
      auto c = centre(i);
      centres.data.insert(centres.data.end(), c.begin(), c.end());
    }
    make_neighbor_index(centres)->pairs_within(radius, 1, {}, [&](std::size_t i, std::size_t j) {
      if (centres.distance(i, j) <= radius && !(cannot_link && share_a_frame(frames[i], frames[j])))
        link(i, j, average_link(x, members[i], members[j]));
    });
  }

  // The nearest pair still linked, if nearer than the radius; its link is taken out.
  std::optional<std::pair<std::size_t, std::size_t>> nearest() {
    while (!queue.empty()) {
      auto [mean, a, b] = queue.top();
      if (mean >= radius) return std::nullopt;
      queue.pop();
      auto l = links[a].find(b);
      if (l == links[a].end() || l->second.mean() != mean) continue;  // changed or gone since queued
      links[a].erase(b), links[b].erase(a);
      return std::pair{a, b};
    }
    return std::nullopt;
  }

  // b joins a. a's link to a third cluster c becomes a's and b's summed, which is average linkage
  // exactly. Where only one of them has a link to c, the other's was never measured (it is beyond
  // the radius); it is measured now unless even its lower bound, the centres' distance (for the
  // Euclidean metric, as above), keeps the joined pair beyond the radius. A cluster that shares a
  // frame with the joined one keeps no link.
  void join(std::size_t a, std::size_t b) {
    frames[a].insert(frames[b].begin(), frames[b].end());
    std::map<std::size_t, Link> of_a = std::move(links[a]), of_b = std::move(links[b]);
    links[a].clear(), links[b].clear();
    std::set<std::size_t> thirds;
    for (const auto* m : {&of_a, &of_b})
      for (const auto& [c, l] : *m) thirds.insert(c), links[c].erase(a), links[c].erase(b);
    for (std::size_t c : thirds) {
      if (cannot_link && share_a_frame(frames[a], frames[c])) continue;
      auto la = of_a.find(c), lb = of_b.find(c);
      std::optional<Link> l = la == of_a.end() ? with_other_side(lb->second, a, c)
                              : lb == of_b.end() ? with_other_side(la->second, b, c)
                                                 : Link{la->second.sum + lb->second.sum, la->second.count + lb->second.count};
      if (l) link(a, c, *l);
    }
    members[a].insert(members[a].end(), members[b].begin(), members[b].end());
    members[b].clear();
    for (std::size_t d = 0; d < x.dim; ++d) sums[a][d] += sums[b][d];
  }

 private:
  std::optional<Link> with_other_side(Link known, std::size_t unmeasured, std::size_t c) const {
    const double pairs = double(members[unmeasured].size()) * double(members[c].size());
    auto cu = centre(unmeasured), cc = centre(c);
    if (known.sum + pairs * distance(cu.data(), cc.data(), x.dim, x.metric) >= radius * (known.count + pairs)) return std::nullopt;
    Link l = average_link(x, members[unmeasured], members[c]);
    return Link{known.sum + l.sum, known.count + l.count};
  }
};

}  // namespace

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

// Average-linkage agglomeration (UPGMA) of whole clusters, nearest first, down to `radius`, never
// joining two that share a frame when cannot-link holds.
std::size_t merge_near_clusters(const std::vector<FacePlace>& where, const EmbeddingSet& x, std::vector<int>& labels,
                                double radius, bool cannot_link) {
  auto clusters = faces_by_label(labels);
  if (clusters.size() < 2) return 0;
  Joining j{x, radius, cannot_link, {}, {}, {}, {}, {}};
  std::vector<int> label_of;
  for (const auto& [label, faces] : clusters) {
    label_of.push_back(label);
    j.members.push_back(faces);
    j.sums.push_back(sum_of(x, faces));
    j.frames.emplace_back();
    for (std::size_t f : faces) j.frames.back().insert(where[f].frame);
  }
  j.measure_candidates();
  std::size_t merged = 0;
  for (; auto pair = j.nearest(); ++merged) j.join(pair->first, pair->second);  // the lower index stays
  for (std::size_t c = 0; c < label_of.size(); ++c)
    for (std::size_t f : j.members[c]) labels[f] = label_of[c];
  return merged;
}

}  // namespace castnet::constraint_detail
