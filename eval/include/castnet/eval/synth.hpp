// A synthetic broadcast for measuring pipelines against known identities: TV-news-like frames
// composed from a labeled photo set, with the truth of who is where.
//
// Scenes of 1-5 frames: the presenter alone, split screens of 2-3 guests, wide studio shots with
// a small face on a background screen, and b-roll without faces. Each scene shows a different
// photo of each person. Frames are named as the Visual Explorer names them; truth.csv holds
// frame,identity,left,top,right,bottom for every face placed (the placed photo's rectangle).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace castnet {

struct LabeledPhoto {
  std::filesystem::path path;
  std::string identity;
};

// `path,identity,...` with paths relative to the CSV's folder (data/faces/labels.csv).
// Throws Error(input) for a missing file or one without those columns.
std::vector<LabeledPhoto> load_labeled_photos(const std::filesystem::path& labels_csv);

struct SynthOptions {
  std::size_t frames = 240;
  int width = 640, height = 360;  // before `scale`
  int jpeg_quality = 85;
  double blur = 0.0;              // Gaussian sigma, px
  double scale = 1.0;             // the written frames are scaled by this
  std::uint64_t seed = 1;
  std::string name = "SYNTH_20230313_083000_news";  // frame names: NAME-000001.jpg, ...
};

struct SynthSummary {
  std::size_t frames = 0, scenes = 0, faces = 0, identities = 0;
};

// Writes OUT/frames/*.jpg and OUT/truth.csv. Deterministic for a seed.
SynthSummary synthesize(const std::vector<LabeledPhoto>& photos, const std::filesystem::path& out, const SynthOptions& opt);

}  // namespace castnet
