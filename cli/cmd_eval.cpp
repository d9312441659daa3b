// `castnet eval`: scores the latest clustering in OUT against known identities.
#include <iostream>

#include <fmt/format.h>

#include "castnet/errors.hpp"
#include "castnet/evaluation.hpp"
#include "castnet/formats/comparison.hpp"
#include "castnet/pipeline_file.hpp"
#include "castnet/registry.hpp"
#include "commands.hpp"

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
    PluginRegistry reg(PluginRegistry::default_dirs());
    Truth truth = load_truth(o.truth);
    std::filesystem::path store = o.store.empty() ? std::filesystem::path(o.out) / "castnet.sqlite" : std::filesystem::path(o.store);
    if (!std::filesystem::exists(store))
      throw Error(ExitCode::store, fmt::format("{} holds no face store; run `castnet run` first.", o.out));
    FaceStore fs(store);
    StageSpec edges = o.edges.empty() ? PipelineSpec{}.edges : parse_stage_spec(o.edges);
    Network net = connect(fs, reg, {default_models_dir()}, edges);
    auto rule = reg.create<EdgeRule>(PluginKind::edge_rule, edges, {default_models_dir()});
    formats::ComparisonRow row{"run", net.run.detector, net.run.embedder, net.run.clusterer, evaluate(net, truth, *rule)};
    if (o.markdown) formats::write_comparison_markdown(std::cout, {row});
    else formats::write_comparison_text(std::cout, {row});
  });
}

}  // namespace castnet::cli
