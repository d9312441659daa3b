// The cannot-link step of the face constraints (constraints.hpp says what it does; docs/quality.md
// why it stops after one pass).
#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include "constraint_detail.hpp"

namespace castnet::constraint_detail {
namespace {

// Faces that move together when a cluster is split: one track's faces within the cluster.
struct Unit {
  std::vector<std::size_t> faces;
  std::vector<double> centroid;
  std::set<std::int64_t> frames;
};

double distance_to(const EmbeddingSet& x, const Unit& u, const std::vector<double>& centre) {
  return distance(u.centroid.data(), centre.data(), x.dim, x.metric);
}

// One part per seed; the other units join nearest first (see split_part).
std::vector<std::vector<std::size_t>> seeded_split(const EmbeddingSet& x, const std::vector<Unit>& units,
                                                   const std::vector<std::size_t>& members, const std::vector<std::size_t>& seeds) {
  struct Part {
    std::vector<std::size_t> units;
    std::vector<double> sum;  // of the members' faces, for the centre
    double faces = 0;
    std::set<std::int64_t> frames;
    std::vector<double> centre(Metric metric) const { return centre_of_sum(sum, faces, metric); }
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
      double d = distance_to(x, units[u], parts[p].centre(x.metric));
      if (best == parts.size() || d < best_d) best = p, best_d = d;
    }
    if (best == parts.size()) parts.emplace_back();
    parts[best].add(units[u], u);
  }
  std::vector<std::vector<std::size_t>> out;
  for (auto& p : parts) out.push_back(std::move(p.units));
  return out;
}

// A frame holding two or more of a cluster's units, and how far apart the farthest two lie.
struct Clash {
  double spread;
  std::int64_t frame;
  std::vector<std::size_t> units;
};

// The frames where two or more of `members` meet, widest first (then by frame).
std::vector<Clash> clashes_of(const EmbeddingSet& x, const std::vector<Unit>& units, const std::vector<std::size_t>& members) {
  std::map<std::int64_t, std::vector<std::size_t>> in_frame;
  for (std::size_t u : members)
    for (std::int64_t f : units[u].frames) in_frame[f].push_back(u);
  std::vector<Clash> out;
  for (auto& [frame, us] : in_frame) {
    if (us.size() < 2) continue;
    double spread = -1;
    for (std::size_t i = 0; i < us.size(); ++i)
      for (std::size_t j = i + 1; j < us.size(); ++j) spread = std::max(spread, distance_to(x, units[us[i]], units[us[j]].centroid));
    out.push_back({spread, frame, std::move(us)});
  }
  std::stable_sort(out.begin(), out.end(), [](const Clash& a, const Clash& b) { return a.spread > b.spread; });
  return out;
}

// Every clash is one person shown twice (a presenter on the studio screen behind them): in each
// frame, widest first, the units farther from the cluster's centre leave, each alone, and the
// centre moves as they go. One pass over the clashes, so a cluster with thousands of such
// frames (an anchor's year) costs what its faces do.
void remove_second_showings(const EmbeddingSet& x, const std::vector<Unit>& units, const std::vector<Clash>& clashes,
                            std::vector<std::size_t>& members, std::vector<std::vector<std::size_t>>& parts) {
  std::vector<double> sum(x.dim, 0.0);
  double faces = 0;
  for (std::size_t u : members) {
    for (std::size_t d = 0; d < x.dim; ++d) sum[d] += units[u].centroid[d] * double(units[u].faces.size());
    faces += double(units[u].faces.size());
  }
  std::set<std::size_t> gone;
  for (const Clash& c : clashes) {
    std::vector<std::size_t> here;
    for (std::size_t u : c.units)
      if (!gone.count(u)) here.push_back(u);
    if (here.size() < 2) continue;
    auto centre = centre_of_sum(sum, faces, x.metric);
    auto nearest = *std::min_element(here.begin(), here.end(), [&](auto a, auto b) {
      return distance_to(x, units[a], centre) < distance_to(x, units[b], centre);
    });
    for (std::size_t u : here) {
      if (u == nearest) continue;
      gone.insert(u);
      parts.push_back({u});
      for (std::size_t d = 0; d < x.dim; ++d) sum[d] -= units[u].centroid[d] * double(units[u].faces.size());
      faces -= double(units[u].faces.size());
    }
  }
  members.erase(std::remove_if(members.begin(), members.end(), [&](std::size_t u) { return gone.count(u) > 0; }), members.end());
}

// Splits the units `members` of one cluster until no part holds two faces of one frame. The
// frame whose faces lie farthest apart decides how:
//  - faces that still look alike (within `same_person`) are one person shown twice: then every
//    clash is (remove_second_showings);
//  - otherwise they are different people and seed one part each. Every other unit joins, nearest
//    first, the part with the nearest centre that lacks its frames (COP-k-means' rule), or founds
//    one; a part's centre moves as units join. One pass, not iterated to convergence: iterating
//    cuts a person with many faces in two halves.
void split_part(const EmbeddingSet& x, const std::vector<Unit>& units, std::vector<std::size_t> members, double same_person,
                std::vector<std::vector<std::size_t>>& parts) {
  auto clashes = clashes_of(x, units, members);
  if (!clashes.empty() && clashes.front().spread < same_person) remove_second_showings(x, units, clashes, members, parts);
  if (clashes.empty() || clashes.front().spread < same_person) {
    parts.push_back(std::move(members));
    return;
  }
  for (auto& g : seeded_split(x, units, members, clashes.front().units)) split_part(x, units, std::move(g), same_person, parts);
}

}  // namespace

// Splits every cluster that holds two faces of one frame; returns how many it split.
std::size_t split_cannot_links(const std::vector<FacePlace>& where, const EmbeddingSet& x, const std::vector<std::size_t>& track_of,
                               std::vector<int>& labels, double same_person) {
  auto clusters = faces_by_label(labels);
  int next = clusters.empty() ? 0 : clusters.rbegin()->first + 1;
  std::size_t split = 0;
  for (const auto& [label, faces] : clusters) {
    std::set<std::int64_t> seen;
    bool clash = std::any_of(faces.begin(), faces.end(), [&](std::size_t f) { return !seen.insert(where[f].frame).second; });
    if (!clash) continue;
    std::map<std::size_t, std::size_t> unit_of_track;
    std::vector<Unit> units;
    for (std::size_t f : faces) {
      auto [it, added] = unit_of_track.emplace(track_of[f], units.size());
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


}  // namespace castnet::constraint_detail
