// The average-linkage join of the face constraints (merge_distance).
#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <optional>
#include <queue>
#include <set>
#include <tuple>

#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/parallel.hpp"
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
  std::vector<std::vector<double>> sums, centres;  // centres: of the sums, kept as they change
  std::vector<std::set<std::int64_t>> frames;
  std::vector<std::unordered_map<std::size_t, Link>> links;  // nothing depends on their order: thirds are sorted
  std::priority_queue<Queued, std::vector<Queued>, std::greater<>> queue;

  const std::vector<double>& centre(std::size_t i) const { return centres[i]; }

  void link(std::size_t a, std::size_t b, Link l) {
    links[a][b] = links[b][a] = l;
    queue.emplace(l.mean(), std::min(a, b), std::max(a, b));
  }

  // Only pairs whose centres are within the radius are measured at first: a centre distance never
  // exceeds the average distance (the norm is convex), so none is missed for the Euclidean metric.
  // Pairs that share a frame are never measured. The pairs are found first and measured on the
  // workers (a year's ~30,000 pieces: a minute on one core), then linked in their order.
  void measure_candidates(int threads) {
    links.resize(members.size());
    EmbeddingSet at_centres{x.dim, x.metric, {}};
    for (std::size_t i = 0; i < members.size(); ++i) {
      const auto& c = centre(i);
      at_centres.data.insert(at_centres.data.end(), c.begin(), c.end());
    }
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    make_neighbor_index(at_centres)->pairs_within(radius, threads, {}, [&](std::size_t i, std::size_t j) {
      if (at_centres.distance(i, j) <= radius) pairs.emplace_back(std::min(i, j), std::max(i, j));
    });
    std::sort(pairs.begin(), pairs.end());  // the search's order depends on its workers
    std::vector<std::optional<Link>> measured(pairs.size());
    parallel_for(pairs.size(), threads, [&](std::size_t p) {
      auto [i, j] = pairs[p];
      if (!(cannot_link && share_a_frame(frames[i], frames[j]))) measured[p] = average_link(x, members[i], members[j]);
    }, 16);
    for (std::size_t p = 0; p < pairs.size(); ++p)
      if (measured[p]) link(pairs[p].first, pairs[p].second, *measured[p]);
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
  // frame with the joined one keeps no link. a's links are updated where they lie: at a year the
  // anchor is joined by thousands of small clusters, each time with thousands of links.
  void join(std::size_t a, std::size_t b) {
    frames[a].insert(frames[b].begin(), frames[b].end());
    std::unordered_map<std::size_t, Link> of_b = std::move(links[b]);
    links[b].clear();
    for (const auto& [c, l] : of_b) links[c].erase(b);
    // A linked pair shares no frame, so a's links need checking against b's frames alone.
    auto keeps_no_link = [&](std::size_t of, std::size_t c) { return cannot_link && share_a_frame(frames[of], frames[c]); };
    for (auto it = links[a].begin(); it != links[a].end();) {
      const std::size_t c = it->first;
      const auto lb = of_b.find(c);
      std::optional<Link> l;
      if (!keeps_no_link(b, c))
        l = lb == of_b.end() ? with_other_side(it->second, b, c) : Link{it->second.sum + lb->second.sum, it->second.count + lb->second.count};
      if (lb != of_b.end()) of_b.erase(lb);  // settled here
      if (!l) {
        links[c].erase(a);
        it = links[a].erase(it);
        continue;
      }
      it->second = links[c][a] = *l;
      queue.emplace(l->mean(), std::min(a, c), std::max(a, c));
      ++it;
    }
    for (const auto& [c, known] : of_b)  // b's links that a lacks
      if (!keeps_no_link(a, c))
        if (auto l = with_other_side(known, a, c)) link(a, c, *l);
    members[a].insert(members[a].end(), members[b].begin(), members[b].end());
    members[b].clear();
    for (std::size_t d = 0; d < x.dim; ++d) sums[a][d] += sums[b][d];
    centres[a] = centre_of_sum(sums[a], double(members[a].size()), x.metric);
  }

 private:
  std::optional<Link> with_other_side(Link known, std::size_t unmeasured, std::size_t c) const {
    const double pairs = double(members[unmeasured].size()) * double(members[c].size());
    const auto &cu = centre(unmeasured), &cc = centre(c);
    if (known.sum + pairs * distance(cu.data(), cc.data(), x.dim, x.metric) >= radius * (known.count + pairs)) return std::nullopt;
    Link l = average_link(x, members[unmeasured], members[c]);
    return Link{known.sum + l.sum, known.count + l.count};
  }
};

}  // namespace

namespace {

// A Euclidean distance summed in eight lanes, so that the compiler can vectorise it and the adds
// do not wait on each other: the join measures millions of pairs at a year (castnet::distance,
// one add after another, took most of its time). Its rounding differs from castnet::distance's
// in the last bits; the join only averages these.
double euclidean(const double* a, const double* b, std::size_t dim) {
  double lane[8] = {};
  const std::size_t body = dim - dim % 8;
  for (std::size_t d = 0; d < body; d += 8)
    for (std::size_t k = 0; k < 8; ++k) lane[k] += (a[d + k] - b[d + k]) * (a[d + k] - b[d + k]);
  for (std::size_t d = body; d < dim; ++d) lane[0] += (a[d] - b[d]) * (a[d] - b[d]);
  return std::sqrt(((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7])));
}

}  // namespace

Link average_link(const EmbeddingSet& x, const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
  // At most kLinkSample faces of each, evenly spaced.
  const std::size_t na = std::min(a.size(), kLinkSample), nb = std::min(b.size(), kLinkSample);
  auto pick = [](const std::vector<std::size_t>& v, std::size_t n, std::size_t k) { return v[k * v.size() / n]; };
  Link l;
  for (std::size_t i = 0; i < na; ++i) {
    const double* p = x.row(pick(a, na, i));
    for (std::size_t j = 0; j < nb; ++j) {
      const double* q = x.row(pick(b, nb, j));
      l.sum += x.metric == Metric::euclidean ? euclidean(p, q, x.dim) : distance(p, q, x.dim, x.metric);
    }
  }
  l.count = double(na) * double(nb);
  double scale = double(a.size()) * double(b.size()) / l.count;  // as if every pair had been measured
  return {l.sum * scale, l.count * scale};
}

// Average-linkage agglomeration (UPGMA) of whole clusters, nearest first, down to `radius`, never
// joining two that share a frame when cannot-link holds.
std::size_t merge_near_clusters(const std::vector<FacePlace>& where, const EmbeddingSet& x, std::vector<int>& labels,
                                double radius, bool cannot_link, int threads) {
  auto clusters = faces_by_label(labels);
  if (clusters.size() < 2) return 0;
  Joining j{x, radius, cannot_link, {}, {}, {}, {}, {}, {}};
  std::vector<int> label_of;
  for (const auto& [label, faces] : clusters) {
    label_of.push_back(label);
    j.members.push_back(faces);
    j.sums.push_back(sum_of(x, faces));
    j.centres.push_back(centre_of_sum(j.sums.back(), double(faces.size()), x.metric));
    j.frames.emplace_back();
    for (std::size_t f : faces) j.frames.back().insert(where[f].frame);
  }
  j.measure_candidates(threads);
  std::size_t merged = 0;
  for (; auto pair = j.nearest(); ++merged) j.join(pair->first, pair->second);  // the lower index stays
  for (std::size_t c = 0; c < label_of.size(); ++c)
    for (std::size_t f : j.members[c]) labels[f] = label_of[c];
  return merged;
}

}  // namespace castnet::constraint_detail
