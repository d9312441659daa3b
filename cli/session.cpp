#include "session.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "castnet/core/constraints.hpp"
#include "castnet/core/system.hpp"
#include "castnet/sdk/errors.hpp"

namespace castnet::cli {

namespace fs = std::filesystem;

Session::Session() : registry_(PluginRegistry::default_dirs()), context_{default_models_dir()} {
  for (const auto& w : registry_.warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
}

fs::path store_path(const Options& o) { return o.store.empty() ? fs::path(o.out) / "castnet.sqlite" : fs::path(o.store); }

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

PipelineSpec stages(const Options& o) {
  PipelineSpec p = default_pipeline();
  if (!o.preset.empty() && !o.pipeline.empty()) throw Error(ExitCode::usage, "Give --preset or --pipeline, not both.");
  if (!o.preset.empty()) p = preset(o.preset);
  if (!o.pipeline.empty()) p = load_pipeline_file(o.pipeline);
  if (!o.detector.empty()) p.detector = parse_stage_spec(o.detector);
  if (!o.embedder.empty()) p.embedder = parse_stage_spec(o.embedder);
  // A clusterer named on its own runs bare, as its reference does; --constraints adds them.
  if (!o.clusterer.empty()) p.clusterer = parse_stage_spec(o.clusterer), p.constraints = no_constraints();
  if (!o.constraints.empty()) p.constraints = parse_constraints_spec(o.constraints);
  if (!o.edges.empty()) p.edges = parse_stage_spec(o.edges);
  return p;
}

CLI::Validator decimal_in(double above, double at_most) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        double v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
        bool ok = !text.empty() && ec == std::errc() && end == text.data() + text.size() && std::isfinite(v) && v > above && v <= at_most;
        return ok ? std::string() : fmt::format("takes a decimal number above {} and at most {}, not '{}'", above, at_most, text);
      },
      fmt::format("NUMBER in ({}, {}]", above, at_most));
}

void add_cluster_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--cluster", o.clusterer,
                  "clusterer plugin[:param=value,...], run bare unless --constraints is given (default: the modern preset's chinese-whispers with the face constraints)");
  cmd->add_option("--constraints", o.constraints,
                  "the face constraints after the clusterer: none, on, or param=value,... (cannot_link, must_link, merge_distance, same_person, track_overlap)");
  cmd->add_flag("--full", o.full,
                "cluster every face again, even where only new faces would be placed (the same stages as the latest clustering)");
}

void add_store_options(CLI::App* cmd, Options& o) {
  cmd->add_option("-o,--out", o.out, "output folder (holds the face store castnet.sqlite)")->required();
  cmd->add_option("--store", o.store, "the face store, if not OUT/castnet.sqlite (pipelines can share one)");
  cmd->add_option("--pipeline", o.pipeline, "a pipeline file (TOML) naming the stages and their parameters");
  cmd->add_option("--preset", o.preset, "modern (the default: dlib-hog with small faces, dlib-resnet, chinese-whispers, face constraints), seed (the seed's dlib-hog, dlib-resnet, dbscan: face_recognition + scikit-learn exactly) or legacy (haar, phash, hash-groups)")
      ->check(CLI::IsMember(preset_names()));
  cmd->add_option("--threads", o.threads, "workers for detection, embedding and face crops (default: all cores); clusterers take a threads parameter of their own")
      ->check(CLI::Range(0, 1024));
  cmd->add_flag("-q,--quiet", o.quiet, "no progress display");
}

}  // namespace castnet::cli
