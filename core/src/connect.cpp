#include "castnet/core/connect.hpp"

#include <algorithm>

#include "castnet/core/frame_names.hpp"
#include "castnet/network/community.hpp"
#include "castnet/network/layout.hpp"
#include "castnet/network/pagerank.hpp"
#include "castnet/sdk/errors.hpp"

namespace castnet {

namespace {

// Loads the latest clustering's faces, labels and embeddings.
Network load_clustered_faces(const FaceStore& store) {
  Network net;
  auto run = store.latest_clustering();
  if (!run)
    throw Error(ExitCode::store, "The face store holds no clustering yet; run `castnet cluster` (or `castnet run`) first.");
  net.run = *run;
  net.frames = store.frames();
  net.faces = store.faces(run->detector);
  net.embeddings = store.embeddings(net.faces, run->embedder);
  std::vector<std::int64_t> face_ids;
  for (const auto& f : net.faces) face_ids.push_back(f.id);
  net.labels = store.clustering(run->id, face_ids).labels;
  return net;
}

// PageRank, communities, sizes, first and last frame, then the layout, into each vertex.
void analyse(Network& net, const std::map<int, long>& faces_per_identity) {
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
    const auto& seen = net.appearances.at(p.identity);
    p.first_frame = seen.front();  // appearances are in frame order: faces come sorted by frame
    p.last_frame = seen.back();
    radius.push_back(p.radius);
  }
  auto positions = force_atlas2(net.graph, radius);
  for (std::size_t v = 0; v < positions.size(); ++v) net.graph[v].x = positions[v].x, net.graph[v].y = positions[v].y;
}

}  // namespace

Network connect_people(const FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                       const StageSpec& edge_rule_spec) {
  std::string rule_key;
  auto rule = reg.create<EdgeRule>(PluginKind::edge_rule, edge_rule_spec, ctx, &rule_key);
  Network net = load_clustered_faces(store);
  net.edge_rule_key = rule_key;

  std::map<std::int64_t, std::size_t> frame_pos;
  for (std::size_t i = 0; i < net.frames.size(); ++i) frame_pos[net.frames[i].id] = i;
  std::vector<std::vector<int>> per_frame(net.frames.size());
  std::map<int, long> faces_per_identity;
  for (std::size_t i = 0; i < net.faces.size(); ++i) {
    if (net.labels[i] < 0) continue;  // noise is nobody
    std::size_t at = frame_pos.at(net.faces[i].frame_id);
    per_frame[at].push_back(net.labels[i]);
    ++faces_per_identity[net.labels[i]];
    auto& seen = net.appearances[net.labels[i]];
    if (seen.empty() || seen.back() != at) seen.push_back(at);
  }
  net.edges = rule->connect(per_frame);
  std::vector<int> identities;
  for (const auto& [id, n] : faces_per_identity) identities.push_back(id);
  net.graph = build_graph(identities, net.edges);
  analyse(net, faces_per_identity);
  return net;
}

Timeline timeline_of(const Network& net, double interval) {
  // A frame's time is its number times the interval (the Visual Explorer keeps one frame every
  // 4 s); names without a number use their position. The broadcast's start is known when every
  // name carries the same one.
  FrameClock clock;
  std::optional<std::time_t> origin;
  bool all_named = !net.frames.empty();
  for (const auto& f : net.frames) {
    auto ve = parse_visual_explorer_name(f.name);
    double number = ve ? double(ve->frame) : double(frame_number(f.name).value_or(f.seq + 1));
    clock.seconds.push_back(number * interval);
    if (!ve || (origin && *origin != ve->start)) all_named = false;
    else origin = ve->start;
  }
  if (all_named) clock.origin = origin;
  return make_timeline(clock, net.appearances, net.graph, interval);
}

}  // namespace castnet
