// `castnet eval`: scores the latest clustering in OUT against known identities.
#include <iostream>

#include "castnet/core/connect.hpp"
#include "castnet/eval/comparison_table.hpp"
#include "castnet/eval/evaluation.hpp"
#include "session.hpp"

namespace castnet::cli {

void add_eval_command(CLI::App& app, Options& o) {
  auto* ev = app.add_subcommand("eval", "Score the latest clustering in OUT against known identities");
  ev->add_option("-o,--out", o.out, "output folder of a run")->required();
  ev->add_option("--store", o.store, "the face store, if not OUT/castnet.sqlite");
  ev->add_option("--truth", o.truth, "path,identity per image (labels.csv) or frame,identity,left,top,right,bottom per region (castnet synth)")
      ->required();
  ev->add_option("--edges", o.edges, "edge rule for the networks (default cooccurrence)");
  ev->add_flag("--markdown", o.markdown, "print a Markdown table");
  ev->callback([&o] {
    Session session;
    Truth truth = load_truth(o.truth);
    FaceStore store = open_store(o, false);
    StageSpec edges = stages(o).edges;
    Network net = connect_people(store, session.registry(), session.context(), edges);
    auto rule = session.registry().create<EdgeRule>(PluginKind::edge_rule, edges, session.context());
    ComparisonRow row{"run", net.run.detector, net.run.embedder, net.run.clustering(), evaluate(net, truth, *rule)};
    if (o.markdown) write_comparison_markdown(std::cout, {row});
    else write_comparison_text(std::cout, {row});
  });
}

}  // namespace castnet::cli
