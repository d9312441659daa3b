// What a user hands castnet: folders, Visual Explorer ZIPs, video files, and list files naming
// any of those, one per line. Each input is one broadcast, read by the frame source its type
// calls for (a folder: `folder`, `.zip`: `zip`, a video: `video`) or the one the user names.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"
#include "castnet/sdk/frame_source.hpp"

namespace castnet {

// The inputs in the order given, each list file (.txt, .list) replaced by the paths it names
// (relative to the list's folder; blank lines and `#` comments skipped). Throws Error(input)
// for a list file that cannot be read.
std::vector<std::filesystem::path> expand_inputs(const std::vector<std::string>& inputs);

struct OpenInput {
  std::shared_ptr<FrameSource> source;
  StoredBroadcast broadcast;  // not yet stored: id 0
};

// Chooses the source (`source` if given, else by the input's type), opens the input, and
// describes its broadcast: named after the input, channel and start from a Visual Explorer
// name. Throws Error(input) with one sentence for an input no source reads.
OpenInput open_input(const PluginRegistry& reg, const PluginContext& ctx, const std::filesystem::path& input,
                     const std::optional<StageSpec>& source = std::nullopt);

// The broadcast an input was stored as, if an earlier run finished extracting it with this
// (detector, embedder): it need not even be opened again.
std::optional<std::int64_t> finished_broadcast(const FaceStore& store, const std::filesystem::path& input,
                                               const std::string& detector, const std::string& embedder);

// Opens a stored broadcast's input again with the source that read it (for face crops).
std::shared_ptr<FrameSource> reopen(const PluginRegistry& reg, const PluginContext& ctx, const StoredBroadcast& b);

}  // namespace castnet
