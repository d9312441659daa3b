// `castnet run|extract|cluster|graph`: the stages, each reading and writing OUT/castnet.sqlite.
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "castnet/blas.hpp"
#include "castnet/errors.hpp"
#include "castnet/formats/outputs.hpp"
#include "castnet/pipeline.hpp"
#include "commands.hpp"

namespace castnet::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStoreName = "castnet.sqlite";

FaceStore open_store(const Options& o, bool create) {
  fs::path out = o.out;
  std::error_code ec;
  if (create) {
    fs::create_directories(out, ec);
    if (ec) throw Error(ExitCode::output, fmt::format("The output folder {} cannot be created ({}).", o.out, ec.message()));
  } else if (!fs::exists(out / kStoreName)) {
    throw Error(ExitCode::store, fmt::format("{} holds no face store ({}); run `castnet extract FRAMES -o {}` first.", o.out, kStoreName, o.out));
  }
  return FaceStore(out / kStoreName);
}

PluginContext context() { return {default_models_dir()}; }

void do_extract(const Options& o, const PluginRegistry& reg) {
  auto source = open_frame_folder(o.frames);
  FaceStore store = open_store(o, true);
  ExtractOptions opt;
  opt.threads = o.threads;
  opt.quiet = o.quiet;
  ExtractSummary s = extract(*source, store, reg, context(), parse_stage_spec(o.detector), parse_stage_spec(o.embedder), opt);
  // Later stages pick up what was extracted last.
  store.set_meta("detector", s.detector_key);
  store.set_meta("embedder", s.embedder_key);
  BlasInfo blas = blas_info();
  if (!blas.optimized) std::fprintf(stderr, "warning: dlib runs on %s; embeddings are ~15x slower than with OpenBLAS.\n", blas.name.c_str());
  if (!o.quiet) fmt::print("extract: built for {}, BLAS: {}\n", build_isa(), blas.name);
  double rate = s.seconds > 0 ? s.processed / s.seconds : 0;
  fmt::print("extract: {} frames ({} done before), {} faces, {} unreadable, {:.1f} s ({:.2f} frames/s)\n", s.frames, s.resumed,
             s.faces, s.unreadable, s.seconds, rate);
  auto unreadable = store.unreadable(s.detector_key);
  if (unreadable.size() == s.frames)
    throw Error(ExitCode::input, fmt::format("No frame in {} could be read as an image (the first, {}: {}).", o.frames,
                                             unreadable.front().first, unreadable.front().second));
}

void do_cluster(const Options& o, const PluginRegistry& reg) {
  FaceStore store = open_store(o, false);
  auto det = store.meta("detector"), emb = store.meta("embedder");
  if (!det || !emb) throw Error(ExitCode::store, fmt::format("The face store in {} has no extraction yet; run `castnet extract` first.", o.out));
  ClusterSummary s = cluster(store, reg, context(), *det, *emb, parse_stage_spec(o.clusterer));
  fmt::print("cluster: {} faces, {} clusters, {} noise ({})\n", s.faces, s.clusters, s.noise, s.clusterer_key);
}

formats::OutputOptions output_options(const Options& o) {
  formats::OutputOptions opt;
  opt.gexf_version = o.gexf_version == "1.3" ? formats::GexfVersion::v1_3 : formats::GexfVersion::v1_2draft;
  opt.images.node_image = o.node_image == "largest" ? formats::NodeImageRule::largest : formats::NodeImageRule::best;
  opt.images.threads = o.threads;
  return opt;
}

void do_graph(const Options& o, const PluginRegistry& reg) {
  FaceStore store = open_store(o, false);
  Network net = connect(store, reg, context(), parse_stage_spec(o.edges));
  formats::write_outputs(o.out, net, output_options(o));
  fmt::print("graph: {} people, {} edges ({}); wrote {}\n", boost::num_vertices(net.graph), boost::num_edges(net.graph),
             net.edge_rule_key, (fs::path(o.out) / "graph.gexf").string());
}

void add_common(CLI::App* cmd, Options& o) {
  cmd->add_option("-o,--out", o.out, "output folder (holds the face store castnet.sqlite)")->required();
  cmd->add_option("--threads", o.threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_flag("-q,--quiet", o.quiet, "no progress display");
}

void add_extract_options(CLI::App* cmd, Options& o) {
  cmd->add_option("frames", o.frames, "folder of frames (jpg, png, ...), e.g. Visual Explorer's")->required();
  cmd->add_option("--detector", o.detector, "face detector plugin[:param=value,...]")->capture_default_str();
  cmd->add_option("--embedder", o.embedder, "face embedder plugin[:param=value,...]")->capture_default_str();
}

void add_graph_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--edges", o.edges, "edge rule plugin[:param=value,...]")->capture_default_str();
  cmd->add_option("--gexf-version", o.gexf_version, "1.2draft (read by Gephi and networkx) or 1.3")->capture_default_str()
      ->check(CLI::IsMember({"1.2draft", "1.3"}));
  cmd->add_option("--node-image", o.node_image, "best (sharp, typical face) or largest (the seed's)")->capture_default_str()
      ->check(CLI::IsMember({"best", "largest"}));
}

template <class Fn>
void with_registry(Fn&& fn) {
  PluginRegistry reg(PluginRegistry::default_dirs());
  for (const auto& w : reg.warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
  fn(reg);
}

}  // namespace

void add_pipeline_commands(CLI::App& app, Options& o) {
  auto* run = app.add_subcommand("run", "Extract, cluster and connect: FRAMES in, OUT/graph.gexf and friends out");
  add_extract_options(run, o);
  run->add_option("--cluster", o.clusterer, "clusterer plugin[:param=value,...]")->capture_default_str();
  add_graph_options(run, o);
  add_common(run, o);
  run->callback([&o] {
    with_registry([&](const PluginRegistry& reg) {
      // Every stage's name and parameters are checked before any frame is read.
      for (auto [kind, text] : {std::pair{PluginKind::detector, &o.detector}, {PluginKind::embedder, &o.embedder},
                                {PluginKind::clusterer, &o.clusterer}, {PluginKind::edge_rule, &o.edges}}) {
        StageSpec spec = parse_stage_spec(*text);
        validate_params(spec.plugin, reg.find(kind, spec.plugin).params, spec.raw);
      }
      do_extract(o, reg);
      do_cluster(o, reg);
      do_graph(o, reg);
    });
  });

  auto* ex = app.add_subcommand("extract", "Detect and embed faces into OUT/castnet.sqlite (resumes where it stopped)");
  add_extract_options(ex, o);
  add_common(ex, o);
  ex->callback([&o] { with_registry([&](const PluginRegistry& reg) { do_extract(o, reg); }); });

  auto* cl = app.add_subcommand("cluster", "Cluster the stored embeddings again, without detecting");
  cl->add_option("--cluster", o.clusterer, "clusterer plugin[:param=value,...]")->capture_default_str();
  add_common(cl, o);
  cl->callback([&o] { with_registry([&](const PluginRegistry& reg) { do_cluster(o, reg); }); });

  auto* gr = app.add_subcommand("graph", "Connect the latest clustering, rank, and write the outputs");
  add_graph_options(gr, o);
  add_common(gr, o);
  gr->callback([&o] { with_registry([&](const PluginRegistry& reg) { do_graph(o, reg); }); });
}

}  // namespace castnet::cli
