#include "castnet/eval/evaluation.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace castnet {

namespace {

// Numbers identities in the order they are first met.
struct IdentityIds {
  std::map<std::string, int> ids;
  int operator()(const std::string& who) { return ids.emplace(who, int(ids.size())).first->second; }
};

// Per region: each region's person is the largest unclaimed face whose centre lies in it.
void match_regions(const Network& net, const Truth& truth, IdentityIds& id_of, std::vector<int>& face_truth, Evaluation& ev) {
  std::map<std::int64_t, const StoredFrame*> frame_of;
  for (const auto& f : net.frames) frame_of[f.id] = &f;
  std::map<std::string, std::vector<std::size_t>> faces_in;
  for (std::size_t i = 0; i < net.faces.size(); ++i) faces_in[frame_of.at(net.faces[i].frame_id)->name].push_back(i);
  for (const auto& [frame, regions] : truth.regions) {
    std::set<std::size_t> taken;
    for (const auto& region : regions) {
      ++ev.truth_items;
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
}

// Per image: the largest face of each labeled image is that person.
void match_images(const Network& net, const Truth& truth, IdentityIds& id_of, std::vector<int>& face_truth, Evaluation& ev) {
  std::map<std::int64_t, const StoredFrame*> frame_of;
  for (const auto& f : net.frames) frame_of[f.id] = &f;
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

// The clustering scores over the faces with a known identity, noise counted as singletons.
void score_clustering(const std::vector<int>& face_truth, const std::vector<int>& labels, Evaluation& ev) {
  std::vector<int> t, p;
  for (std::size_t i = 0; i < face_truth.size(); ++i)
    if (face_truth[i] >= 0) t.push_back(face_truth[i]), p.push_back(labels[i]);
  ev.faces_scored = t.size();
  ev.identities = std::set<int>(t.begin(), t.end()).size();
  ev.clusters = scores::cluster_count(p);
  ev.noise_fraction = scores::noise_fraction(p);
  std::vector<int> ps = scores::noise_as_singletons(p);
  ev.pairwise = scores::pairwise(t, ps);
  ev.bcubed = scores::bcubed(t, ps);
  ev.ari = scores::adjusted_rand_index(t, ps);
  ev.nmi = scores::normalized_mutual_info(t, ps);
}

// The found network against the true one: the same edge rule over the true identities of every
// frame; each cluster stands for the identity most of its faces have.
NetworkScores score_network(const Network& net, const Truth& truth, IdentityIds& id_of, const std::vector<int>& face_truth,
                            EdgeRule& rule) {
  std::vector<BroadcastIdentities> true_frames;  // per broadcast, as the run connected them
  for (std::size_t f = 0; f < net.frames.size(); ++f) {
    if (f == 0 || net.frames[f].broadcast_id != net.frames[f - 1].broadcast_id) true_frames.emplace_back();
    std::vector<int> ids;
    if (auto it = truth.regions.find(net.frames[f].name); it != truth.regions.end())
      for (const auto& r : it->second) ids.push_back(id_of(r.identity));
    true_frames.back().push_back(ids);
  }
  std::set<std::pair<int, int>> true_edges;
  for (const auto& e : rule.connect(true_frames)) true_edges.insert({e.a, e.b});
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
  return ns;
}

}  // namespace

Evaluation evaluate(const Network& net, const Truth& truth, EdgeRule& rule) {
  Evaluation ev;
  IdentityIds id_of;
  std::vector<int> face_truth(net.faces.size(), -1);  // identity per face, -1 unknown
  if (truth.per_region()) match_regions(net, truth, id_of, face_truth, ev);
  else match_images(net, truth, id_of, face_truth, ev);
  ev.detection_recall = ev.truth_items ? double(ev.detected) / double(ev.truth_items) : 0.0;
  score_clustering(face_truth, net.labels, ev);
  if (truth.per_region()) ev.network = score_network(net, truth, id_of, face_truth, rule);
  return ev;
}

}  // namespace castnet
