// `castnet run|extract|cluster|graph`: the stages, each reading and writing OUT/castnet.sqlite.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "castnet/blas.hpp"
#include "castnet/errors.hpp"
#include "castnet/formats/outputs.hpp"
#include "castnet/pipeline.hpp"
#include "castnet/pipeline_file.hpp"
#include "commands.hpp"

namespace castnet::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStoreName = "castnet.sqlite";

fs::path store_path(const Options& o) { return o.store.empty() ? fs::path(o.out) / kStoreName : fs::path(o.store); }

FaceStore open_store(const Options& o, bool create) {
  fs::path out = o.out;
  std::error_code ec;
  if (create) {
    fs::create_directories(out, ec);
    if (ec) throw Error(ExitCode::output, fmt::format("The output folder {} cannot be created ({}).", o.out, ec.message()));
  } else if (!fs::exists(store_path(o))) {
    throw Error(ExitCode::store, fmt::format("{} holds no face store ({}); run `castnet extract FRAMES -o {}` first.", o.out,
                                             store_path(o).filename().string(), o.out));
  }
  return FaceStore(store_path(o));
}

// --preset or --pipeline first, then any stage given on its own.
PipelineSpec stages(const Options& o) {
  PipelineSpec p;
  if (!o.preset.empty() && !o.pipeline.empty())
    throw Error(ExitCode::usage, "Give --preset or --pipeline, not both.");
  if (!o.preset.empty()) p = preset(o.preset);
  if (!o.pipeline.empty()) p = load_pipeline_file(o.pipeline);
  if (!o.detector.empty()) p.detector = parse_stage_spec(o.detector);
  if (!o.embedder.empty()) p.embedder = parse_stage_spec(o.embedder);
  if (!o.clusterer.empty()) p.clusterer = parse_stage_spec(o.clusterer);
  if (!o.edges.empty()) p.edges = parse_stage_spec(o.edges);
  return p;
}

PluginContext context() { return {default_models_dir()}; }

void do_extract(const Options& o, const PluginRegistry& reg) {
  auto source = open_frame_folder(o.frames, o.recursive);
  FaceStore store = open_store(o, true);
  ExtractOptions opt;
  opt.threads = o.threads;
  opt.quiet = o.quiet;
  PipelineSpec p = stages(o);
  ExtractSummary s = extract(*source, store, reg, context(), p.detector, p.embedder, opt);
  // Later stages pick up what was extracted last.
  store.set_meta("detector", s.detector_key);
  store.set_meta("embedder", s.embedder_key);
  BlasInfo blas = blas_info();
  if (!blas.optimized) std::fprintf(stderr, "warning: dlib runs on %s; embeddings are ~15x slower than with OpenBLAS.\n", blas.name.c_str());
  if (!o.quiet) fmt::print("extract: built for {}, BLAS: {}\n", build_isa(), blas.name);
  double rate = s.seconds > 0 ? s.processed / s.seconds : 0;
  fmt::print("extract: {} frames ({} done before), {} faces, {} unreadable, {:.1f} s ({:.2f} frames/s)\n", s.frames, s.resumed,
             s.faces, s.unreadable, s.seconds, rate);
  if (s.detections_reused)
    fmt::print("extract: {} frames reused the faces '{}' had found; only the embedder ran on them\n", s.detections_reused,
               s.detector_key);
  auto unreadable = store.unreadable(s.detector_key);
  if (unreadable.size() == s.frames)
    throw Error(ExitCode::input, fmt::format("No frame in {} could be read as an image (the first, {}: {}).", o.frames,
                                             unreadable.front().first, unreadable.front().second));
}

void do_cluster(const Options& o, const PluginRegistry& reg) {
  FaceStore store = open_store(o, false);
  auto det = store.meta("detector"), emb = store.meta("embedder");
  if (!det || !emb) throw Error(ExitCode::store, fmt::format("The face store in {} has no extraction yet; run `castnet extract` first.", o.out));
  ClusterSummary s = cluster(store, reg, context(), *det, *emb, stages(o).clusterer);
  fmt::print("cluster: {} faces, {} clusters, {} noise ({})\n", s.faces, s.clusters, s.noise, s.clusterer_key);
}

formats::OutputOptions output_options(const Options& o) {
  formats::OutputOptions opt;
  opt.gexf_version = o.gexf_version == "1.3" ? formats::GexfVersion::v1_3 : formats::GexfVersion::v1_2draft;
  opt.images.node_image = o.node_image == "largest" ? formats::NodeImageRule::largest : formats::NodeImageRule::best;
  opt.images.threads = o.threads;
  opt.dynamic = o.dynamic;
  opt.frame_interval = o.frame_interval;
  opt.pictures = !o.no_pictures;
  opt.report = !o.no_report;
  return opt;
}

void do_graph(const Options& o, const PluginRegistry& reg) {
  FaceStore store = open_store(o, false);
  Network net = connect(store, reg, context(), stages(o).edges);
  formats::write_outputs(o.out, net, output_options(o));
  fmt::print("graph: {} people, {} edges ({}); wrote {}\n", boost::num_vertices(net.graph), boost::num_edges(net.graph),
             net.edge_rule_key, (fs::path(o.out) / "graph.gexf").string());
}

void add_common(CLI::App* cmd, Options& o) {
  cmd->add_option("-o,--out", o.out, "output folder (holds the face store castnet.sqlite)")->required();
  cmd->add_option("--store", o.store, "the face store, if not OUT/castnet.sqlite (pipelines can share one)");
  cmd->add_option("--pipeline", o.pipeline, "a pipeline file (TOML) naming the stages and their parameters");
  cmd->add_option("--preset", o.preset, "modern (dlib-hog, dlib-resnet, dbscan) or legacy (haar, phash, hash-groups)")
      ->check(CLI::IsMember(preset_names()));
  cmd->add_option("--threads", o.threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_flag("-q,--quiet", o.quiet, "no progress display");
}

void add_extract_options(CLI::App* cmd, Options& o) {
  cmd->add_option("frames", o.frames, "folder of frames (jpg, png, ...), e.g. Visual Explorer's")->required();
  cmd->add_flag("-r,--recursive", o.recursive, "also read images in subfolders (a labeled photo set)");
  cmd->add_option("--detector", o.detector, "face detector plugin[:param=value,...] (default dlib-hog)");
  cmd->add_option("--embedder", o.embedder, "face embedder plugin[:param=value,...] (default dlib-resnet)");
}

void add_graph_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--edges", o.edges, "edge rule plugin[:param=value,...] (default cooccurrence)");
  cmd->add_option("--gexf-version", o.gexf_version, "1.2draft (read by Gephi and networkx) or 1.3")->capture_default_str()
      ->check(CLI::IsMember({"1.2draft", "1.3"}));
  cmd->add_flag("--dynamic,!--no-dynamic", o.dynamic,
                "graph-dynamic.gexf: when each person and link is on screen, for Gephi's timeline (default on)");
  cmd->add_option("--frame-interval", o.frame_interval, "seconds between frames")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_flag("--no-pictures", o.no_pictures, "skip graph.svg and graph.png");
  cmd->add_flag("--no-report", o.no_report, "skip report.html");
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
  run->add_option("--cluster", o.clusterer, "clusterer plugin[:param=value,...] (default dbscan)");
  add_graph_options(run, o);
  add_common(run, o);
  run->callback([&o] {
    with_registry([&](const PluginRegistry& reg) {
      // Every stage's name and parameters are checked before any frame is read.
      PipelineSpec p = stages(o);
      for (auto [kind, spec] : {std::pair{PluginKind::detector, &p.detector}, {PluginKind::embedder, &p.embedder},
                                {PluginKind::clusterer, &p.clusterer}, {PluginKind::edge_rule, &p.edges}})
        validate_params(spec->plugin, reg.find(kind, spec->plugin).params, spec->raw);
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
  cl->add_option("--cluster", o.clusterer, "clusterer plugin[:param=value,...] (default dbscan)");
  add_common(cl, o);
  cl->callback([&o] { with_registry([&](const PluginRegistry& reg) { do_cluster(o, reg); }); });

  auto* gr = app.add_subcommand("graph", "Connect the latest clustering, rank, and write the outputs");
  add_graph_options(gr, o);
  add_common(gr, o);
  gr->callback([&o] { with_registry([&](const PluginRegistry& reg) { do_graph(o, reg); }); });
}

}  // namespace castnet::cli
