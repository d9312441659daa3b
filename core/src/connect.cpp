#include "castnet/core/connect.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "castnet/core/constraints.hpp"
#include "castnet/core/people.hpp"
#include "castnet/network/community.hpp"
#include "castnet/network/layout.hpp"
#include "castnet/network/pagerank.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/frame_names.hpp"

namespace castnet {

namespace {

// Keeps the frames and faces of one broadcast.
void keep_broadcast(Network& net, std::int64_t id) {
  std::set<std::int64_t> frames;
  std::erase_if(net.broadcasts, [&](const StoredBroadcast& b) { return b.id != id; });
  std::erase_if(net.frames, [&](const StoredFrame& f) { return f.broadcast_id != id; });
  for (const auto& f : net.frames) frames.insert(f.id);
  std::vector<StoredFace> faces;
  std::vector<int> labels;
  EmbeddingSet x{net.embeddings.dim, net.embeddings.metric, {}};
  for (std::size_t i = 0; i < net.faces.size(); ++i) {
    if (!frames.count(net.faces[i].frame_id)) continue;
    faces.push_back(net.faces[i]);
    labels.push_back(net.labels[i]);
    x.data.insert(x.data.end(), net.embeddings.row(i), net.embeddings.row(i) + x.dim);
  }
  net.faces = std::move(faces), net.labels = std::move(labels), net.embeddings = std::move(x);
}

// The clusterer's own join: the constraints' (merge distance 0 where it joins nothing).
ConstraintOptions join_of(const ClusteringRun& run) {
  ConstraintOptions none{false, false, 0.5, 0.6, 0, 0};
  if (run.constraints.empty() || run.constraints == "none") return none;
  try {
    return constraint_options(parse_stage_spec(run.constraints));
  } catch (const Error&) {
    return none;  // a key this castnet does not read: no merge suggested
  }
}

}  // namespace

Network load_people(const FaceStore& store) {
  Network net;
  auto run = store.latest_clustering();
  if (!run)
    throw Error(ExitCode::store, "The face store holds no clustering yet; run `castnet cluster` (or `castnet run`) first.");
  net.run = *run;
  net.broadcasts = store.broadcasts();
  net.frames = store.frames();
  net.faces = store.faces(run->detector);
  net.embeddings = store.embeddings(net.faces, run->embedder);
  std::vector<std::int64_t> face_ids;
  for (const auto& f : net.faces) face_ids.push_back(f.id);
  std::vector<char> unlabelled;
  net.labels = store.clustering(run->id, face_ids, &unlabelled).labels;
  net.unclustered = std::size_t(std::count(unlabelled.begin(), unlabelled.end(), 1));
  PeopleInput people{&face_ids, &net.embeddings, store.corrections(), store.gallery(run->embedder), kGalleryDistance};
  if (auto d = store.meta("gallery_distance")) people.gallery_distance = std::stod(*d);
  people.name_distance = people.gallery_distance * kNameShare;
  for (const auto& f : net.faces) people.frames.push_back(f.frame_id);
  const ConstraintOptions join = join_of(*run);
  people.join_distance = join.merge_distance, people.join_cannot_link = join.cannot_link;
  People named = apply_people(people, net.labels);
  net.names = std::move(named.names);
  net.notes = std::move(named.notes);
  if (net.unclustered)
    net.notes.push_back(fmt::format("{} faces were extracted after the latest clustering and are in no one's network yet; "
                                    "`castnet cluster` places them.", net.unclustered));
  return net;
}

namespace {

// PageRank, communities, sizes, first and last frame, then the layout, into each vertex.
void analyse(Network& net, const std::map<int, long>& faces_per_identity, const std::map<int, std::set<std::int64_t>>& broadcasts_of) {
  auto pr = pagerank(net.graph);
  auto community = louvain(net.graph);
  const double max_pr = pr.empty() ? 0.0 : *std::max_element(pr.begin(), pr.end());
  std::vector<double> radius;
  for (std::size_t v = 0; v < boost::num_vertices(net.graph); ++v) {
    PersonNode& p = net.graph[v];
    p.pagerank = pr[v];
    p.community = community[v];
    p.radius = node_radius(pr[v], max_pr);
    p.faces = faces_per_identity.at(p.identity);
    p.broadcasts = long(broadcasts_of.at(p.identity).size());
    const auto& seen = net.appearances.at(p.identity);
    p.first_frame = seen.front();  // appearances are in frame order: faces come sorted by frame
    p.last_frame = seen.back();
    if (auto it = net.names.find(p.identity); it != net.names.end()) p.name = it->second;
    radius.push_back(p.radius);
  }
  auto positions = force_atlas2(net.graph, radius);
  for (std::size_t v = 0; v < positions.size(); ++v) net.graph[v].x = positions[v].x, net.graph[v].y = positions[v].y;
}

}  // namespace

Network connect_people(const FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                       const StageSpec& edge_rule_spec, std::optional<std::int64_t> only_broadcast) {
  std::string rule_key;
  auto rule = reg.create<EdgeRule>(PluginKind::edge_rule, edge_rule_spec, ctx, &rule_key);
  Network net = load_people(store);
  if (only_broadcast) keep_broadcast(net, *only_broadcast);
  net.edge_rule_key = rule_key;

  std::map<std::int64_t, std::size_t> frame_pos;
  for (std::size_t i = 0; i < net.frames.size(); ++i) frame_pos[net.frames[i].id] = i;
  std::vector<std::vector<int>> per_frame(net.frames.size());
  std::map<int, long> faces_per_identity;
  std::map<int, std::set<std::int64_t>> broadcasts_of;
  for (std::size_t i = 0; i < net.faces.size(); ++i) {
    if (net.labels[i] < 0) continue;  // noise is nobody
    std::size_t at = frame_pos.at(net.faces[i].frame_id);
    per_frame[at].push_back(net.labels[i]);
    ++faces_per_identity[net.labels[i]];
    broadcasts_of[net.labels[i]].insert(net.frames[at].broadcast_id);
    auto& seen = net.appearances[net.labels[i]];
    if (seen.empty() || seen.back() != at) seen.push_back(at);
  }
  // Frames come in broadcast order: cut the list where the broadcast changes.
  std::vector<BroadcastIdentities> broadcasts;
  for (std::size_t f = 0; f < net.frames.size(); ++f) {
    if (f == 0 || net.frames[f].broadcast_id != net.frames[f - 1].broadcast_id) broadcasts.emplace_back();
    broadcasts.back().push_back(std::move(per_frame[f]));
  }
  net.edges = rule->connect(broadcasts);
  std::vector<int> identities;
  for (const auto& [id, n] : faces_per_identity) identities.push_back(id);
  net.graph = build_graph(identities, net.edges);
  analyse(net, faces_per_identity, broadcasts_of);
  return net;
}

Timeline timeline_of(const Network& net, double interval) {
  FrameClock clock;
  std::map<std::int64_t, const StoredBroadcast*> broadcast;
  for (const auto& b : net.broadcasts) broadcast[b.id] = &b;
  // Per broadcast: its frames' times from its own start, and that start where every frame's
  // Visual Explorer name gives the same one (or the broadcast's own name does).
  struct Span {
    std::size_t first = 0, end = 0;
    std::optional<std::time_t> named, input_start;  // from the frames' names, from the input's
    bool all_named = true;
    double length = 0;
    std::optional<std::time_t> start() const { return all_named && named ? named : input_start; }
  };
  std::vector<Span> spans;
  for (std::size_t f = 0; f < net.frames.size(); ++f) {
    if (f == 0 || net.frames[f].broadcast_id != net.frames[f - 1].broadcast_id) {
      auto it = broadcast.find(net.frames[f].broadcast_id);
      spans.push_back({f, f, std::nullopt, it == broadcast.end() ? std::nullopt : it->second->start});
    }
    spans.back().end = f + 1;
  }
  for (Span& span : spans) {
    // Order and time from one rule: the numbers in the names give the times only where they
    // rise with the broadcast's order; otherwise a frame's position does.
    std::vector<std::string> names;
    for (std::size_t f = span.first; f < span.end; ++f) names.push_back(net.frames[f].name);
    const bool numbered = share_one_numbering(names);
    for (std::size_t f = span.first; f < span.end; ++f) {
      const StoredFrame& fr = net.frames[f];
      auto ve = numbered ? parse_visual_explorer_name(fr.name) : std::nullopt;
      if (!ve || (span.named && *span.named != ve->start)) span.all_named = false;
      else if (!span.named) span.named = ve->start;
      double number = numbered ? double(*frame_number(fr.name)) : double(fr.seq + 1);
      double at = fr.seconds ? *fr.seconds : number * interval;
      clock.seconds.push_back(at);
      clock.starts_broadcast.push_back(f == span.first);
      span.length = std::max(span.length, at + interval);
    }
  }
  // On one time axis: from the earliest start when every broadcast has one, else one after
  // another in broadcast order.
  bool all_started = !spans.empty() && std::all_of(spans.begin(), spans.end(), [](const Span& s) { return s.start().has_value(); });
  if (all_started) {
    std::time_t origin = *spans.front().start();
    for (const auto& s : spans) origin = std::min(origin, *s.start());
    clock.origin = origin;
    for (const auto& s : spans)
      for (std::size_t f = s.first; f < s.end; ++f) clock.seconds[f] += double(*s.start() - origin);
  } else {
    double offset = 0;
    for (const auto& s : spans) {
      for (std::size_t f = s.first; f < s.end; ++f) clock.seconds[f] += offset;
      offset += s.length;
    }
  }
  return make_timeline(clock, net.appearances, net.graph, interval);
}

}  // namespace castnet
