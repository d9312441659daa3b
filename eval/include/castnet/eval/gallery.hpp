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

// A photo must show exactly one face; one without, or with two or more, is left out with a
// warning. Error(input) when the gallery is missing, empty, or no photo of it shows one face.
// Progress (photos done, time left) goes to stderr unless `quiet`. With a `memory` store, each
// photo is kept there as soon as it is embedded, and a photo it holds (by content, for this
// detector and embedder) is not detected or embedded again: a gallery stopped half-way loses
// nothing, and one named again costs its reading only.
GalleryLoad embed_gallery(const std::filesystem::path& gallery, const PluginRegistry& reg, const PluginContext& ctx,
                          const StageSpec& detector, const StageSpec& embedder, FaceStore* memory = nullptr, bool quiet = false);

}  // namespace castnet
