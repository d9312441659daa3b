// `castnet synth`: a synthetic broadcast with known identities, for `castnet eval` and `compare`.
#include <fmt/format.h>

#include "castnet/eval/synth.hpp"
#include "commands.hpp"

namespace castnet::cli {

void add_synth_command(CLI::App& app, Options& o) {
  static SynthOptions opt;  // lives as long as the parsed command line
  static std::string photos;
  auto* s = app.add_subcommand("synth", "Compose a TV-news-like frame sequence from labeled photos, with its truth");
  s->add_option("--photos", photos, "path,identity CSV of labeled photos (e.g. ../shared/data/faces/labels.csv)")->required();
  s->add_option("-o,--out", o.out, "output folder: frames/ and truth.csv")->required();
  s->add_option("--frames", opt.frames, "frames to write")->capture_default_str()->check(CLI::Range(1, 1000000));
  s->add_option("--jpeg-quality", opt.jpeg_quality, "JPEG quality")->capture_default_str()->check(CLI::Range(1, 100));
  s->add_option("--blur", opt.blur, "Gaussian blur sigma in pixels")->capture_default_str()->check(CLI::Range(0.0, 50.0));
  s->add_option("--scale", opt.scale, "scale of the written frames (1: 640x360)")->capture_default_str()->check(CLI::Range(0.1, 8.0));
  s->add_option("--seed", opt.seed, "random seed")->capture_default_str();
  s->add_option("--name", opt.name, "frame name prefix, Visual Explorer style")->capture_default_str();
  s->callback([&o] {
    SynthSummary r = synthesize(load_labeled_photos(photos), o.out, opt);
    fmt::print("synth: {} frames, {} scenes, {} faces of {} people in {}/frames; truth in {}/truth.csv\n", r.frames, r.scenes, r.faces,
               r.identities, o.out, o.out);
  });
}

}  // namespace castnet::cli
