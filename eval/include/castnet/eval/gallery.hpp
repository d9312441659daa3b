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
};

// A photo must show exactly one face; one without, or with two or more, is left out with a
// warning. Error(input) when the gallery is missing, empty, or no photo of it shows one face.
// Progress (photos done, time left) goes to stderr unless `quiet`.
GalleryLoad embed_gallery(const std::filesystem::path& gallery, const PluginRegistry& reg, const PluginContext& ctx,
                          const StageSpec& detector, const StageSpec& embedder, bool quiet = false);

}  // namespace castnet
