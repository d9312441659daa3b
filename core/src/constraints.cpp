#include "castnet/core/constraints.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "castnet/sdk/neighbors.hpp"

namespace castnet {

const std::vector<ParamSpec>& constraint_params() {
  static const std::vector<ParamSpec> specs = {
      {"cannot_link", ParamType::boolean, true,
       "two faces of one frame are never one person: a cluster holding them is split (COP-k-means), no face dropped"},
      {"must_link", ParamType::boolean, true,
       "a face that stays in place into the next frame with a close embedding is one person with it (a track)"},
      ParamSpec{"track_overlap", ParamType::real, 0.5, "box intersection over union a track needs between consecutive frames", 0.0, 1.0}
          .above_min(),
      ParamSpec{"same_person", ParamType::real, 0.6,
                "embedding distance below which two faces look like one person (dlib's threshold for ResNet: 0.6): a face in place in the next frame is tracked, two in one frame are one person shown twice",
                0.0, std::nullopt}
          .above_min(),
      ParamSpec{"merge_distance", ParamType::real, 0.0,
                "join clusters whose faces are on average closer than this (average linkage), nearest first, unless they share a frame (0: never)", 0.0,
                std::nullopt}};
  return specs;
}

ConstraintOptions constraint_options(const Params& p) {
  return {p.boolean("cannot_link"), p.boolean("must_link"), p.real("track_overlap"), p.real("same_person"),
          p.real("merge_distance")};
}

namespace {

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

double overlap(const Box& a, const Box& b) {
  long w = std::min(a.right, b.right) - std::max(a.left, b.left) + 1;
  long h = std::min(a.bottom, b.bottom) - std::max(a.top, b.top) + 1;
  if (w <= 0 || h <= 0) return 0.0;
  double inter = double(w) * double(h);
  return inter / (double(a.area()) + double(b.area()) - inter);
}

// Faces by frame, frames in broadcast order.
std::vector<std::vector<std::size_t>> faces_by_frame(const std::vector<FacePlace>& where) {
  std::map<std::tuple<std::int64_t, long, std::int64_t>, std::vector<std::size_t>> by;
  for (std::size_t i = 0; i < where.size(); ++i) by[{where[i].broadcast, where[i].seq, where[i].frame}].push_back(i);
  std::vector<std::vector<std::size_t>> out;
  for (auto& [key, faces] : by) out.push_back(std::move(faces));
  return out;
}

// Links each face to at most one face of the next frame: best overlap first.
UnionFind tracks(const std::vector<FacePlace>& where, const EmbeddingSet& x, const ConstraintOptions& opt) {
  UnionFind uf(where.size());
  auto frames = faces_by_frame(where);
  for (std::size_t f = 0; f + 1 < frames.size(); ++f) {
    const FacePlace& a0 = where[frames[f][0]];
    const FacePlace& b0 = where[frames[f + 1][0]];
    if (a0.broadcast != b0.broadcast || b0.seq != a0.seq + 1) continue;
    std::vector<std::tuple<double, double, std::size_t, std::size_t>> links;  // -overlap, distance, a, b
    for (std::size_t a : frames[f])
      for (std::size_t b : frames[f + 1]) {
        double o = overlap(where[a].box, where[b].box);
        if (o < opt.track_overlap) continue;
        double d = x.distance(a, b);
        if (d < opt.same_person) links.emplace_back(-o, d, a, b);
      }
    std::sort(links.begin(), links.end());
    std::set<std::size_t> used;
    for (const auto& [o, d, a, b] : links)
      if (!used.count(a) && !used.count(b)) used.insert(a), used.insert(b), uf.join(a, b);
  }
  return uf;
}

// Dense labels from 0 in order of first face; -1 stays noise.
void renumber(std::vector<int>& labels) {
  std::map<int, int> id;
  for (int& l : labels)
    if (l >= 0) l = id.emplace(l, int(id.size())).first->second;
}

bool share_a_frame(const std::set<std::int64_t>& a, const std::set<std::int64_t>& b) {
  const auto& small = a.size() < b.size() ? a : b;
  const auto& large = a.size() < b.size() ? b : a;
  return std::any_of(small.begin(), small.end(), [&](std::int64_t f) { return large.count(f) > 0; });
}

void apply_tracks(const std::vector<FacePlace>& where, UnionFind& track, std::vector<int>& labels, bool cannot_link,
                  ConstraintSummary& s) {
  std::map<std::size_t, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < labels.size(); ++i) members[track.find(i)].push_back(i);
  int top = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
  UnionFind cluster(std::size_t(std::max(top, 0)));
  std::map<std::size_t, std::set<std::int64_t>> frames_of;  // by cluster root
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) frames_of[std::size_t(labels[i])].insert(where[i].frame);
  for (const auto& [root, faces] : members) {
    if (faces.size() < 2) continue;
    ++s.tracks;
    for (std::size_t a : faces)
      for (std::size_t b : faces) {
        if (labels[a] < 0 || labels[b] < 0) continue;
        std::size_t ca = cluster.find(std::size_t(labels[a])), cb = cluster.find(std::size_t(labels[b]));
        if (ca == cb || (cannot_link && share_a_frame(frames_of[ca], frames_of[cb]))) continue;
        cluster.join(ca, cb);
        auto& into = frames_of[cluster.find(ca)];
        const auto& from = frames_of[cluster.find(ca) == ca ? cb : ca];
        into.insert(from.begin(), from.end());
        ++s.merged_clusters;
      }
  }
  for (int& l : labels)
    if (l >= 0) l = int(cluster.find(std::size_t(l)));
  // A track's noise faces take the person most of the track's faces have.
  for (const auto& [root, faces] : members) {
    std::map<int, std::size_t> votes;
    for (std::size_t f : faces)
      if (labels[f] >= 0) ++votes[labels[f]];
    if (votes.empty()) continue;
    int best = std::max_element(votes.begin(), votes.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
    for (std::size_t f : faces)
      if (labels[f] < 0) labels[f] = best, ++s.joined_noise;
  }
}

// Faces that move together when a cluster is split: one track's faces within the cluster.
struct Unit {
  std::vector<std::size_t> faces;
  std::vector<double> centroid;
  std::set<std::int64_t> frames;
};

std::vector<double> centroid_of(const EmbeddingSet& x, const std::vector<std::size_t>& faces) {
  std::vector<double> m(x.dim, 0.0);
  for (std::size_t f : faces)
    for (std::size_t d = 0; d < x.dim; ++d) m[d] += x.row(f)[d];
  for (double& v : m) v /= double(faces.size());
  if (x.metric == Metric::hamming)  // the majority bit, so that the centroid is itself a hash
    for (double& v : m) v = v >= 0.5 ? 1.0 : 0.0;
  return m;
}

double distance_to(const EmbeddingSet& x, const Unit& u, const std::vector<double>& centre) {
  return distance(u.centroid.data(), centre.data(), x.dim, x.metric);
}

std::vector<double> centroid_of_units(const EmbeddingSet& x, const std::vector<Unit>& units, const std::vector<std::size_t>& which) {
  std::vector<std::size_t> faces;
  for (std::size_t u : which) faces.insert(faces.end(), units[u].faces.begin(), units[u].faces.end());
  return centroid_of(x, faces);
}

// One part per seed; the other units join nearest first (see split_part).
std::vector<std::vector<std::size_t>> seeded_split(const EmbeddingSet& x, const std::vector<Unit>& units,
                                                   const std::vector<std::size_t>& members, const std::vector<std::size_t>& seeds) {
  struct Part {
    std::vector<std::size_t> units;
    std::vector<double> sum;  // of the members' faces, for the centre
    double faces = 0;
    std::set<std::int64_t> frames;
    std::vector<double> centre() const {
      std::vector<double> c(sum);
      for (double& v : c) v /= faces;
      return c;
    }
    void add(const Unit& u, std::size_t id) {
      units.push_back(id);
      if (sum.empty()) sum.assign(u.centroid.size(), 0.0);
      for (std::size_t d = 0; d < sum.size(); ++d) sum[d] += u.centroid[d] * double(u.faces.size());
      faces += double(u.faces.size());
      frames.insert(u.frames.begin(), u.frames.end());
    }
  };
  std::vector<Part> parts(seeds.size());
  for (std::size_t s = 0; s < seeds.size(); ++s) parts[s].add(units[seeds[s]], seeds[s]);
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t u : members) {
    if (std::find(seeds.begin(), seeds.end(), u) != seeds.end()) continue;
    double d = std::numeric_limits<double>::max();
    for (std::size_t s : seeds) d = std::min(d, distance_to(x, units[u], units[s].centroid));
    order.emplace_back(d, u);
  }
  std::sort(order.begin(), order.end());
  for (const auto& [d0, u] : order) {
    std::size_t best = parts.size();
    double best_d = 0;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      if (share_a_frame(parts[p].frames, units[u].frames)) continue;
      double d = distance_to(x, units[u], parts[p].centre());
      if (best == parts.size() || d < best_d) best = p, best_d = d;
    }
    if (best == parts.size()) parts.emplace_back();
    parts[best].add(units[u], u);
  }
  std::vector<std::vector<std::size_t>> out;
  for (auto& p : parts) out.push_back(std::move(p.units));
  return out;
}

// Splits the units `members` of one cluster until no part holds two faces of one frame. The
// frame whose faces lie farthest apart decides how:
//  - faces that still look alike (within `same_person`) are one person shown twice (a presenter
//    on the studio screen behind them): the ones farther from the cluster's centre leave, alone;
//  - otherwise they are different people and seed one part each. Every other unit joins, nearest
//    first, the part with the nearest centre that lacks its frames (COP-k-means' rule), or founds
//    one; a part's centre moves as units join. One pass, not iterated to convergence: iterating
//    cuts a person with many faces in two halves.
void split_part(const EmbeddingSet& x, const std::vector<Unit>& units, std::vector<std::size_t> members, double same_person,
                std::vector<std::vector<std::size_t>>& parts) {
  std::map<std::int64_t, std::vector<std::size_t>> in_frame;
  for (std::size_t u : members)
    for (std::int64_t f : units[u].frames) in_frame[f].push_back(u);
  const std::vector<std::size_t>* widest = nullptr;
  double spread = -1;
  for (const auto& [frame, us] : in_frame)
    for (std::size_t i = 0; i < us.size(); ++i)
      for (std::size_t j = i + 1; j < us.size(); ++j)
        if (double d = distance_to(x, units[us[i]], units[us[j]].centroid); d > spread) spread = d, widest = &us;
  if (!widest) {
    parts.push_back(std::move(members));
    return;
  }
  std::vector<std::vector<std::size_t>> groups;
  if (spread < same_person) {
    auto centre = centroid_of_units(x, units, members);
    auto nearest = *std::min_element(widest->begin(), widest->end(), [&](auto a, auto b) {
      return distance_to(x, units[a], centre) < distance_to(x, units[b], centre);
    });
    std::set<std::size_t> leave;
    for (std::size_t u : *widest)
      if (u != nearest) leave.insert(u);
    groups.emplace_back();
    for (std::size_t u : members)
      if (!leave.count(u)) groups.back().push_back(u);
    for (std::size_t u : leave) groups.push_back({u});
  } else {
    groups = seeded_split(x, units, members, *widest);
  }
  for (auto& g : groups) split_part(x, units, std::move(g), same_person, parts);
}

// Splits every cluster that holds two faces of one frame; returns how many it split.
std::size_t split_cannot_links(const std::vector<FacePlace>& where, const EmbeddingSet& x, UnionFind& track,
                               std::vector<int>& labels, double same_person) {
  std::map<int, std::vector<std::size_t>> clusters;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) clusters[labels[i]].push_back(i);
  int next = clusters.empty() ? 0 : clusters.rbegin()->first + 1;
  std::size_t split = 0;
  for (const auto& [label, faces] : clusters) {
    std::set<std::int64_t> seen;
    bool clash = std::any_of(faces.begin(), faces.end(), [&](std::size_t f) { return !seen.insert(where[f].frame).second; });
    if (!clash) continue;
    std::map<std::size_t, std::size_t> unit_of_track;
    std::vector<Unit> units;
    for (std::size_t f : faces) {
      auto [it, added] = unit_of_track.emplace(track.find(f), units.size());
      if (added) units.emplace_back();
      units[it->second].faces.push_back(f);
      units[it->second].frames.insert(where[f].frame);
    }
    for (auto& u : units) u.centroid = centroid_of(x, u.faces);
    std::vector<std::size_t> all(units.size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    std::vector<std::vector<std::size_t>> parts;
    split_part(x, units, all, same_person, parts);
    // The part with the first face keeps the label; the others are new people.
    std::sort(parts.begin(), parts.end(), [&](const auto& a, const auto& b) { return units[a[0]].faces[0] < units[b[0]].faces[0]; });
    for (std::size_t p = 1; p < parts.size(); ++p, ++next)
      for (std::size_t u : parts[p])
        for (std::size_t f : units[u].faces) labels[f] = next;
    ++split;
  }
  return split;
}

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

// Average-linkage agglomeration (UPGMA) of whole clusters, nearest first, down to `radius`, never
// joining two that share a frame when cannot-link holds. Only pairs whose centres are within
// `radius` are candidates: a centre distance never exceeds the average distance (the norm is
// convex), so none is missed for the Euclidean metric. A joined pair's links to a third cluster
// add up, which is average linkage exactly when both were measured.
std::size_t merge_near_clusters(const std::vector<FacePlace>& where, const EmbeddingSet& x, std::vector<int>& labels,
                                double radius, bool cannot_link) {
  std::map<int, std::vector<std::size_t>> clusters;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) clusters[labels[i]].push_back(i);
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
  make_neighbor_index(centres)->pairs_within(radius, 1, [](auto, auto, auto&) {}, [&](std::size_t i, std::size_t j) {
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

}  // namespace

ConstraintSummary apply_constraints(const std::vector<FacePlace>& where, const EmbeddingSet& x, std::vector<int>& labels,
                                    const ConstraintOptions& opt) {
  ConstraintSummary s;
  UnionFind track(where.size());
  if (opt.must_link) {
    track = tracks(where, x, opt);
    apply_tracks(where, track, labels, opt.cannot_link, s);
  }
  if (opt.cannot_link) s.split_clusters = split_cannot_links(where, x, track, labels, opt.same_person);
  if (opt.merge_distance > 0) s.merged_clusters += merge_near_clusters(where, x, labels, opt.merge_distance, opt.cannot_link);
  renumber(labels);
  return s;
}

}  // namespace castnet
