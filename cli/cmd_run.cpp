// `castnet run FRAMES -o OUT`: extract, cluster and connect in one go.
#include "castnet/core/pipeline_file.hpp"
#include "mpi.hpp"
#include "session.hpp"

namespace castnet::cli {

void add_run_command(CLI::App& app, Options& o) {
  auto* run = app.add_subcommand("run", "Extract, cluster and connect: broadcasts (folders, ZIPs, videos) in, OUT/graph.gexf and friends out");
  add_extract_options(run, o);
  add_cluster_options(run, o);
  add_graph_options(run, o);
  add_store_options(run, o);
  run->callback([&o] {
    Session session;
    // Every stage's name and parameters are checked before any frame is read.
    PipelineSpec p = stages(o);
    for (auto [kind, spec] : {std::pair{PluginKind::detector, &p.detector}, {PluginKind::embedder, &p.embedder},
                              {PluginKind::clusterer, &p.clusterer}, {PluginKind::edge_rule, &p.edges}})
      validate_params(spec->plugin, session.registry().find(kind, spec->plugin).params, spec->raw);
    if (!o.source.empty()) {
      StageSpec source = parse_stage_spec(o.source);
      validate_params(source.plugin, session.registry().find(PluginKind::frame_source, source.plugin).params, source.raw);
    }
    gallery_step(o, session, &p);  // a gallery that names nobody stops the run before any frame is read
    // A batch with an unreadable input still gives the network of the others, then says so.
    auto failed = extract_step(o, session);
    if (mpi().rank != 0) return;  // under mpirun, rank 0 clusters and connects the merged store
    cluster_step(o, session);
    graph_step(o, session);
    fail_if(failed);
  });
}

}  // namespace castnet::cli
