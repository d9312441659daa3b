#include "castnet/evaluation.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "castnet/csv.hpp"
#include "castnet/errors.hpp"

namespace castnet {


Truth load_truth(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  if (!in) throw Error(ExitCode::input, fmt::format("The truth file {} cannot be read.", csv.string()));
  std::string line;
  std::getline(in, line);
  auto header = split_csv_line(line);
  auto col = [&](const std::string& name) { return csv_column(header, name); };
  Truth t;
  int frame = col("frame"), path = col("path"), id = col("identity"), l = col("left"), tp = col("top"), r = col("right"), b = col("bottom");
  bool regions = frame >= 0 && id >= 0 && l >= 0 && tp >= 0 && r >= 0 && b >= 0;
  if (!regions && !(path >= 0 && id >= 0))
    throw Error(ExitCode::input, fmt::format("{} is neither a path,identity file nor a frame,identity,left,top,right,bottom file.", csv.string()));
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    auto f = split_csv_line(line);
    try {
      if (regions) {
        t.regions[f.at(std::size_t(frame))].push_back(
            {f.at(std::size_t(id)), {std::stol(f.at(std::size_t(l))), std::stol(f.at(std::size_t(tp))), std::stol(f.at(std::size_t(r))), std::stol(f.at(std::size_t(b)))}});
      } else {
        t.images[f.at(std::size_t(path))] = f.at(std::size_t(id));
      }
    } catch (const std::exception&) {
      throw Error(ExitCode::input, fmt::format("{} line {} is not a valid row.", csv.string(), n));
    }
  }
  return t;
}

Evaluation evaluate(const Network& net, const Truth& truth, EdgeRule& rule) {
  Evaluation ev;
  std::map<std::int64_t, const StoredFrame*> frame_of;
  for (const auto& f : net.frames) frame_of[f.id] = &f;
  std::map<std::string, int> identity_id;
  auto id_of = [&](const std::string& who) { return identity_id.emplace(who, int(identity_id.size())).first->second; };

  std::vector<int> face_truth(net.faces.size(), -1);  // identity per face, -1 unknown
  if (truth.per_region()) {
    std::map<std::string, std::vector<std::size_t>> faces_in;
    for (std::size_t i = 0; i < net.faces.size(); ++i) faces_in[frame_of.at(net.faces[i].frame_id)->name].push_back(i);
    for (const auto& [frame, regions] : truth.regions) {
      std::set<std::size_t> taken;
      for (const auto& region : regions) {
        ++ev.truth_items;
        // The largest unclaimed face whose centre lies in the region.
        std::size_t best = SIZE_MAX;
        for (std::size_t i : faces_in[frame]) {
          const Box& b = net.faces[i].face.box;
          long cx = (b.left + b.right) / 2, cy = (b.top + b.bottom) / 2;
          bool inside = cx >= region.box.left && cx <= region.box.right && cy >= region.box.top && cy <= region.box.bottom;
          if (inside && !taken.count(i) && (best == SIZE_MAX || b.area() > net.faces[best].face.box.area())) best = i;
        }
        if (best == SIZE_MAX) continue;
        taken.insert(best);
        ++ev.detected;
        face_truth[best] = id_of(region.identity);
      }
    }
  } else {
    std::map<std::string, std::size_t> largest;
    for (std::size_t i = 0; i < net.faces.size(); ++i) {
      const std::string& name = frame_of.at(net.faces[i].frame_id)->name;
      auto it = largest.find(name);
      if (it == largest.end() || net.faces[i].face.box.area() > net.faces[it->second].face.box.area()) largest[name] = i;
    }
    for (const auto& [path, who] : truth.images) {
      ++ev.truth_items;
      auto it = largest.find(path);
      if (it == largest.end()) continue;
      ++ev.detected;
      face_truth[it->second] = id_of(who);
    }
  }
  ev.detection_recall = ev.truth_items ? double(ev.detected) / double(ev.truth_items) : 0.0;

  std::vector<int> t, p;
  for (std::size_t i = 0; i < net.faces.size(); ++i)
    if (face_truth[i] >= 0) t.push_back(face_truth[i]), p.push_back(net.labels[i]);
  ev.faces_scored = t.size();
  ev.identities = std::set<int>(t.begin(), t.end()).size();
  ev.clusters = metrics::cluster_count(p);
  ev.noise_fraction = metrics::noise_fraction(p);
  std::vector<int> ps = metrics::noise_as_singletons(p);
  ev.pairwise = metrics::pairwise(t, ps);
  ev.bcubed = metrics::bcubed(t, ps);
  ev.ari = metrics::adjusted_rand_index(t, ps);
  ev.nmi = metrics::normalized_mutual_info(t, ps);

  if (truth.per_region()) {
    // The true network: the same edge rule over the true identities of every frame.
    std::vector<std::vector<int>> true_frames;
    for (const auto& f : net.frames) {
      std::vector<int> ids;
      if (auto it = truth.regions.find(f.name); it != truth.regions.end())
        for (const auto& r : it->second) ids.push_back(id_of(r.identity));
      true_frames.push_back(ids);
    }
    std::set<std::pair<int, int>> true_edges;
    for (const auto& e : rule.connect(true_frames)) true_edges.insert({e.a, e.b});
    // Each cluster stands for the identity most of its faces have.
    std::map<int, std::map<int, int>> votes;
    for (std::size_t i = 0; i < net.faces.size(); ++i)
      if (net.labels[i] >= 0 && face_truth[i] >= 0) ++votes[net.labels[i]][face_truth[i]];
    std::map<int, int> majority;
    for (const auto& [cluster, v] : votes)
      majority[cluster] = std::max_element(v.begin(), v.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
    std::set<std::pair<int, int>> found;
    for (const auto& e : net.edges) {
      auto a = majority.find(e.a), b = majority.find(e.b);
      if (a == majority.end() || b == majority.end() || a->second == b->second) continue;
      found.insert({std::min(a->second, b->second), std::max(a->second, b->second)});
    }
    NetworkScores ns;
    ns.true_edges = true_edges.size();
    ns.found_edges = found.size();
    for (const auto& e : found) ns.correct += true_edges.count(e);
    ns.scores.precision = ns.found_edges ? double(ns.correct) / double(ns.found_edges) : 0.0;
    ns.scores.recall = ns.true_edges ? double(ns.correct) / double(ns.true_edges) : 0.0;
    double s = ns.scores.precision + ns.scores.recall;
    ns.scores.f1 = s > 0 ? 2 * ns.scores.precision * ns.scores.recall / s : 0.0;
    ev.network = ns;
  }
  return ev;
}

}  // namespace castnet
