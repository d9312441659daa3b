#include "castnet/core/constraints.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"

#include "constraint_detail.hpp"

namespace castnet {

using namespace constraint_detail;

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
      ParamSpec{"merge_distance", ParamType::real, 0.6,
                "join clusters whose faces are on average closer than this (average linkage), nearest first, unless they share a frame (0: never; 0.6 is dlib's same-person distance for ResNet)",
                0.0, std::nullopt},
      ParamSpec{"threads", ParamType::integer, std::int64_t{0}, "workers for the join's measurements (0: every core)", 0.0, 1024.0}.execution()};
  return specs;
}

StageSpec no_constraints() {
  return {"constraints", {{"cannot_link", "false"}, {"must_link", "false"}, {"merge_distance", "0"}}};
}

StageSpec parse_constraints_spec(const std::string& text) {
  if (text == "none" || text == "off") return no_constraints();
  if (text == "on") return {"constraints", {}};
  if (text.find('=') == std::string::npos)
    throw Error(ExitCode::usage, fmt::format("--constraints takes none, on, or param=value pairs after commas (cannot_link=true,merge_distance=0.5), not '{}'.", text));
  StageSpec spec = parse_stage_spec("constraints:" + text);
  validate_params(spec.plugin, constraint_params(), spec.raw);
  return spec;
}

ConstraintOptions constraint_options(const StageSpec& spec) {
  Params p = validate_params("constraints", constraint_params(), spec.raw);
  return {p.boolean("cannot_link"), p.boolean("must_link"), p.real("track_overlap"), p.real("same_person"),
          p.real("merge_distance"), static_cast<int>(p.integer("threads"))};
}

std::string constraints_key(const StageSpec& spec) {
  if (!constraint_options(spec).any()) return "none";
  return canonical_spec("constraints", constraint_params(), validate_params("constraints", constraint_params(), spec.raw));
}

namespace {

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
    auto first = std::find_if(faces.begin(), faces.end(), [&](std::size_t f) { return labels[f] >= 0; });
    if (first == faces.end()) continue;
    for (auto f = std::next(first); f != faces.end(); ++f) {
      if (labels[*f] < 0) continue;
      std::size_t a = cluster.find(std::size_t(labels[*first])), b = cluster.find(std::size_t(labels[*f]));
      if (a == b || (cannot_link && share_a_frame(frames_of[a], frames_of[b]))) continue;
      cluster.join(a, b);
      std::size_t into = cluster.find(a), from = into == a ? b : a;
      frames_of[into].insert(frames_of[from].begin(), frames_of[from].end());
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

std::vector<std::size_t> roots(UnionFind& track) {
  std::vector<std::size_t> r(track.parent.size());
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = track.find(i);
  return r;
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
  if (opt.cannot_link) s.split_clusters = split_cannot_links(where, x, roots(track), labels, opt.same_person);
  if (opt.merge_distance > 0) s.merged_clusters += merge_near_clusters(where, x, labels, opt.merge_distance, opt.cannot_link, opt.threads);
  renumber(labels);
  return s;
}


}  // namespace castnet
