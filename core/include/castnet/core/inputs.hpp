// What a user hands castnet: folders, Visual Explorer ZIPs, video files, and list files naming
// any of those, one per line. Each input is one broadcast, read by the frame source its type
// calls for (a folder: `folder`, `.zip`: `zip`, a video: `video`) or the one the user names.
#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "castnet/core/input_listing.hpp"
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

// What the store knows of an input, against the input's listing now (core/input_listing.hpp).
struct InputCheck {
  enum class State {
    fresh,       // not in the store
    unfinished,  // stored, but not every frame done with this detector and embedder: resumed
    finished,    // done, and the input unchanged since (or gone): not even opened again
    changed,     // done, but the input changed since: read again, frames compared by content
    moved,       // not in the store, but it has the shape of a broadcast whose input is gone
  };
  State state = State::fresh;
  std::optional<std::int64_t> broadcast;  // the stored one
  std::vector<std::int64_t> moved_candidates;  // moved: the broadcasts it may have been
  InputListing listing;                   // the input's, now
  bool first_listing = false;             // finished before listings were kept: keep this one
  std::string moved_from;                 // settle_input followed the broadcast from this input
};
InputCheck check_input(const FaceStore& store, const std::filesystem::path& input, const std::string& detector,
                       const std::string& embedder, const std::filesystem::path& outputs = {});

// Where each frame of the stored broadcast `was` is in `source` (opened on `input`), if it holds
// exactly those frames, by content, each at the same place within its input (files under
// `outputs` aside): its input moved, and re-pointing it (FaceStore::move_broadcast) loses
// nothing. Nothing if not. Reads every frame.
std::optional<std::map<std::string, MovedFrame>> holds_frames_of(FrameSource& source, const std::string& input, const FaceStore& store,
                                                                  const StoredBroadcast& was, const std::filesystem::path& outputs = {});

// check_input, and a moved input followed: read and compared by content with each broadcast whose
// shape it has (holds_frames_of); the one whose frames it holds is re-pointed to it (then
// `moved_from` says where from, and the state is the re-pointed broadcast's); else it is fresh.
// `source` as for open_input. Throws Error(input) for an input its source cannot open.
InputCheck settle_input(const PluginRegistry& reg, const PluginContext& ctx, FaceStore& store, const std::filesystem::path& input,
                        const std::optional<StageSpec>& source, const std::string& detector, const std::string& embedder,
                        const std::filesystem::path& outputs);

// Opens a stored broadcast's input again with the source that read it (for face crops).
std::shared_ptr<FrameSource> reopen(const PluginRegistry& reg, const PluginContext& ctx, const StoredBroadcast& b);

}  // namespace castnet
