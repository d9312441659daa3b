// `castnet cluster -o OUT`: cluster the stored embeddings again, without detecting.
#include <fmt/format.h>

#include "castnet/core/cluster.hpp"
#include "castnet/core/extract.hpp"
#include "castnet/sdk/errors.hpp"
#include "session.hpp"

namespace castnet::cli {

void cluster_step(const Options& o, const Session& session) {
  FaceStore store = open_store(o, false);
  auto last = last_extraction(store);
  if (!last) throw Error(ExitCode::store, fmt::format("The face store in {} has no extraction yet; run `castnet extract` first.", o.out));
  ClusterSummary s = cluster_faces(store, session.registry(), session.context(), last->detector_key, last->embedder_key,
                                   stages(o).clusterer);
  fmt::print("cluster: {} faces, {} clusters, {} noise ({})\n", s.faces, s.clusters, s.noise, s.clusterer_key);
}

void add_cluster_command(CLI::App& app, Options& o) {
  auto* cl = app.add_subcommand("cluster", "Cluster the stored embeddings again, without detecting");
  cl->add_option("--cluster", o.clusterer, "clusterer plugin[:param=value,...] (default dbscan)");
  add_store_options(cl, o);
  cl->callback([&o] { cluster_step(o, Session()); });
}

}  // namespace castnet::cli
