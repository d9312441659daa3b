#include "castnet/core/cluster.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "castnet/core/constraints.hpp"
#include "castnet/sdk/errors.hpp"

namespace castnet {

ClusterSummary cluster_faces(FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                             const std::string& detector_key, const std::string& embedder_key,
                             const StageSpec& clusterer_spec) {
  ClusterSummary s;
  auto clusterer = reg.create<Clusterer>(PluginKind::clusterer, clusterer_spec, ctx, &s.clusterer_key);
  auto faces = store.faces(detector_key);
  EmbeddingSet x = store.embeddings(faces, embedder_key);
  if (!clusterer->supports(x.metric))
    throw Error(ExitCode::usage, fmt::format("The clusterer '{}' cannot work with {} distances, which the embedder '{}' produces; choose another clusterer.",
                                             clusterer_spec.plugin, to_string(x.metric), embedder_key));
  Clustering c = faces.empty() ? Clustering{} : clusterer->cluster(x);
  if (c.labels.size() != faces.size())
    throw Error(ExitCode::plugin, fmt::format("The clusterer '{}' returned {} labels for {} faces.", clusterer_spec.plugin,
                                              c.labels.size(), faces.size()));
  const PluginDescriptor& d = reg.find(PluginKind::clusterer, clusterer_spec.plugin);
  ConstraintOptions constraints = constraint_options(validate_params(d.name, d.params, clusterer_spec.raw));
  if (constraints.any()) {
    std::map<std::int64_t, const StoredFrame*> frame_of;
    auto frames = store.frames();
    for (const auto& f : frames) frame_of[f.id] = &f;
    std::vector<FacePlace> where;
    for (const auto& f : faces) {
      const StoredFrame& fr = *frame_of.at(f.frame_id);
      where.push_back({f.frame_id, fr.broadcast_id, fr.seq, f.face.box});
    }
    s.constraints = apply_constraints(where, x, c.labels, constraints);
  }
  std::vector<std::int64_t> face_ids;
  for (const auto& f : faces) face_ids.push_back(f.id);
  s.clustering_id = store.save_clustering({0, detector_key, embedder_key, s.clusterer_key}, face_ids, c);
  std::set<int> clusters;
  for (int l : c.labels) {
    if (l < 0) ++s.noise;
    else clusters.insert(l);
  }
  s.faces = faces.size();
  s.clusters = clusters.size();
  return s;
}

}  // namespace castnet
