// Known faces that name people (`castnet run --gallery`): a path,identity CSV (labels.csv, paths
// relative to it) or a folder of identity/*.jpg, embedded with the run's own detector and embedder
// so that gallery and broadcast faces are compared in one space.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"

namespace castnet {

struct GalleryLoad {
  std::vector<GalleryFace> faces;
  std::vector<std::string> warnings;  // photos left out, one sentence each
  std::size_t remembered = 0;         // photos the store had seen: not detected or embedded again
};

// A gallery photo larger than this on its long side is scaled down before detection: a portrait's
// face stays well over the 150 px the embedder aligns it to, and HOG's cost falls with the
// pixels (web photos of 2,000-4,000 px took seconds each).
constexpr int kGalleryMaxSide = 1280;

struct GalleryOptions {
  // Each photo is kept here as soon as it is embedded, and a photo it holds (by content, for this
  // detector and embedder) is not detected or embedded again: a gallery stopped half-way loses
  // nothing, and one named again costs its reading only.
  FaceStore* memory = nullptr;
  bool quiet = false;  // progress (photos done, time left) goes to stderr unless quiet
  int threads = 0;     // workers, each with its own detector and embedder (0: every core)
  int max_side = kGalleryMaxSide;  // 0: photos at their own size
};

// A photo must show exactly one face; one without, or with two or more, is left out with a
// warning. Error(input) when the gallery is missing, empty, or no photo of it shows one face.
// Photos are read, detected and embedded on `threads` workers and taken in the gallery's order,
// so the faces and warnings do not depend on the thread count.
GalleryLoad embed_gallery(const std::filesystem::path& gallery, const PluginRegistry& reg, const PluginContext& ctx,
                          const StageSpec& detector, const StageSpec& embedder, const GalleryOptions& opt = {});

}  // namespace castnet
