#include "castnet/core/cluster.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "castnet/core/constraints.hpp"
#include "castnet/core/person_numbers.hpp"
#include "castnet/sdk/errors.hpp"
#include "cluster_increment.hpp"

namespace castnet {

namespace {

std::vector<FacePlace> places_of(const FaceStore& store, const std::vector<StoredFace>& faces) {
  std::map<std::int64_t, std::pair<std::int64_t, long>> frame_of;  // frame id -> broadcast, seq
  for (const auto& f : store.frames()) frame_of[f.id] = {f.broadcast_id, f.seq};
  std::vector<FacePlace> where;
  where.reserve(faces.size());
  for (const auto& f : faces) {
    auto [broadcast, seq] = frame_of.at(f.frame_id);
    where.push_back({f.frame_id, broadcast, seq, f.face.box});
  }
  return where;
}

// The lowest person number no clustering of the store has given.
int first_free_number(const FaceStore& store, const std::vector<int>& previous) {
  int free = previous.empty() ? 0 : std::max(0, *std::max_element(previous.begin(), previous.end()) + 1);
  if (auto m = store.meta("people.first_free")) free = std::max(free, std::stoi(*m));
  return free;
}

void count_people(const std::vector<int>& labels, ClusterSummary& s) {
  std::set<int> clusters;
  for (int l : labels) {
    if (l < 0) ++s.noise;
    else clusters.insert(l);
  }
  s.faces = labels.size();
  s.clusters = clusters.size();
}

}  // namespace

ClusterSummary cluster_faces(FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                             const std::string& detector_key, const std::string& embedder_key,
                             const StageSpec& clusterer_spec, const StageSpec& constraints_spec, bool full) {
  ClusterSummary s;
  ConstraintOptions constraints = constraint_options(constraints_spec);  // checked before any face is read
  s.constraints_key = constraints_key(constraints_spec);
  auto clusterer = reg.create<Clusterer>(PluginKind::clusterer, clusterer_spec, ctx, &s.clusterer_key);
  auto faces = store.faces(detector_key);
  std::vector<std::int64_t> face_ids;
  for (const auto& f : faces) face_ids.push_back(f.id);

  // The latest clustering's labels, and which faces it has not seen (extracted since).
  Clustering c;
  c.labels.assign(faces.size(), -1);
  std::vector<char> unseen(faces.size(), 1);
  auto before = store.latest_clustering();
  if (before && before->detector == detector_key) c = store.clustering(before->id, face_ids, &unseen);
  const std::vector<int> previous = c.labels;
  const std::size_t new_faces = std::size_t(std::count(unseen.begin(), unseen.end(), 1));
  const bool same_stages = before && before->detector == detector_key && before->embedder == embedder_key &&
                           before->clusterer == s.clusterer_key && before->constraints == s.constraints_key;
  if (same_stages && !full && new_faces == 0) {  // nothing new: the clustering stands
    s.clustering_id = before->id, s.unchanged = true;
    count_people(previous, s);
    return s;
  }
  EmbeddingSet x = store.embeddings(faces, embedder_key);
  if (!clusterer->supports(x.metric))
    throw Error(ExitCode::usage, fmt::format("The clusterer '{}' cannot work with {} distances, which the embedder '{}' produces; choose another clusterer.",
                                             clusterer_spec.plugin, to_string(x.metric), embedder_key));
  int first_free = first_free_number(store, previous);
  // The new faces alone where the settings are those of the latest clustering and its join can
  // place them (docs/clustering-a-year.md); else every face again, numbers kept by faces.
  if (same_stages && !full && constraints.merge_distance > 0 && new_faces < faces.size()) {
    IncrementSummary inc = place_new_faces(x, places_of(store, faces), unseen, *clusterer, clusterer_spec.plugin, constraints, c.labels,
                                           first_free);
    s.incremental = true, s.new_faces = inc.new_faces, s.joined = inc.joined, s.new_people = inc.new_people;
    s.look_alike = inc.look_alike, s.constraints = inc.constraints;
  } else {
    c = cluster_checked(*clusterer, clusterer_spec.plugin, x);
    if (constraints.any()) s.constraints = apply_constraints(places_of(store, faces), x, c.labels, constraints);
    keep_person_numbers(previous, c.labels, first_free);  // save_clustering records the numbers given
  }
  s.clustering_id = store.save_clustering({0, detector_key, embedder_key, s.clusterer_key, s.constraints_key}, face_ids, c);
  count_people(c.labels, s);
  return s;
}

}  // namespace castnet
