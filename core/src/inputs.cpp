#include "castnet/core/inputs.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "castnet/core/extract.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/frame_names.hpp"

namespace castnet {

namespace fs = std::filesystem;

namespace {

std::string lower_suffix(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// How the store names an input: its absolute, normalised path, without a trailing separator
// (`frames/`, as a shell completes it, is the folder `frames`).
std::string without_trailing_separator(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string input_key(const fs::path& input) { return without_trailing_separator(fs::absolute(input).lexically_normal().string()); }

// The broadcast stored for an input, also where an earlier castnet kept its key with a trailing
// separator.
std::optional<std::int64_t> stored_broadcast(const FaceStore& store, const std::string& key) {
  if (auto id = store.broadcast_of(key)) return id;
  return store.broadcast_of(key + "/");
}

bool is_list_file(const fs::path& p) {
  std::string ext = lower_suffix(p);
  return (ext == ".txt" || ext == ".list") && fs::is_regular_file(p);
}

// The source whose declared inputs match: "/" for a folder, else the file's suffix.
const PluginDescriptor* source_for(const PluginRegistry& reg, const fs::path& input) {
  std::error_code ec;
  std::string want = fs::is_directory(input, ec) ? "/" : lower_suffix(input);
  for (const auto& d : reg.descriptors())
    if (d.kind == PluginKind::frame_source && std::find(d.inputs.begin(), d.inputs.end(), want) != d.inputs.end()) return &d;
  return nullptr;
}

}  // namespace

std::vector<fs::path> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<fs::path> out;
  for (const auto& text : inputs) {
    fs::path p = text;
    if (!is_list_file(p)) {
      out.push_back(p);
      continue;
    }
    std::ifstream in(p);
    if (!in) throw Error(ExitCode::input, fmt::format("The list file {} cannot be read.", p.string()));
    for (std::string line; std::getline(in, line);) {
      line.erase(0, line.find_first_not_of(" \t"));
      line.erase(line.find_last_not_of(" \t\r") + 1);
      if (line.empty() || line.front() == '#') continue;
      fs::path item = line;
      out.push_back(item.is_absolute() ? item : p.parent_path() / item);
    }
  }
  return out;
}

OpenInput open_input(const PluginRegistry& reg, const PluginContext& ctx, const fs::path& input,
                     const std::optional<StageSpec>& source) {
  std::error_code ec;
  if (!fs::exists(input, ec))
    throw Error(ExitCode::input, fmt::format("The input {} does not exist; pass a folder of frames, a ZIP of frames or a video.", input.string()));
  StageSpec spec;
  if (source) {
    spec = *source;
  } else if (const PluginDescriptor* d = source_for(reg, input)) {
    spec.plugin = d->name;
  } else {
    throw Error(ExitCode::input, fmt::format("No frame source reads {} (a folder, a .zip or a video file); name one with --source.", input.string()));
  }
  OpenInput out;
  out.source = reg.create<FrameSource>(PluginKind::frame_source, spec, ctx, &out.broadcast.source);
  // Opened at the path the store keeps, as reopen() will open it again: a source names its frames
  // under that path, so a path typed with .. or . still finds its frames when their faces are cropped.
  const fs::path abs = input_key(input);
  out.source->open(abs);
  out.broadcast.input = abs.string();
  out.broadcast.name = (fs::is_directory(abs, ec) ? abs.filename() : abs.stem()).string();
  if (auto ve = parse_visual_explorer_broadcast(out.broadcast.name)) {
    out.broadcast.channel = ve->channel;
    out.broadcast.start = ve->start;
  }
  return out;
}

InputCheck check_input(const FaceStore& store, const fs::path& input, const std::string& detector, const std::string& embedder,
                       const fs::path& outputs) {
  InputCheck c;
  c.listing = list_input(input_key(input), outputs);
  c.broadcast = stored_broadcast(store, input_key(input));
  if (c.broadcast) {
    auto done = store.done_listing(*c.broadcast, detector, embedder);
    c.first_listing = done && done->empty();
    // An input gone keeps what was extracted from it, as before listings (one emptied is changed).
    std::error_code ec;
    const bool gone = !fs::exists(input_key(input), ec);
    const bool same = done && (c.first_listing || *done == c.listing.state || gone);
    c.state = !done ? InputCheck::State::unfinished : same ? InputCheck::State::finished : InputCheck::State::changed;
    return c;
  }
  std::error_code ec;
  for (const auto& b : store.broadcasts_shaped(c.listing.shape))
    if (!fs::exists(b.input, ec)) c.moved_candidates.push_back(b.id);
  if (!c.moved_candidates.empty()) c.state = InputCheck::State::moved;
  return c;
}

std::optional<std::map<std::string, MovedFrame>> holds_frames_of(FrameSource& source, const std::string& input, const FaceStore& store,
                                                                  const StoredBroadcast& was, const fs::path& outputs) {
  std::map<std::string, std::uint64_t> stored = store.content_hashes(was.id);
  std::string ours = outputs.empty() ? std::string() : input_key(outputs) + "/";
  // A location is its input's path, then the frame's place within it (a file, a ZIP member, a
  // video time); an earlier castnet may have kept the path with a trailing separator.
  const std::string from = without_trailing_separator(was.input);
  std::map<std::string, MovedFrame> moved;
  while (auto f = source.next()) {
    if (f->location.rfind(input, 0) != 0) return std::nullopt;
    if (!ours.empty() && f->location.rfind(ours, 0) == 0) continue;
    auto it = stored.find(from + f->location.substr(input.size()));
    if (it == stored.end() || it->second != content_hash(*f)) return std::nullopt;
    moved[it->first] = {f->location, f->name};
    stored.erase(it);
  }
  if (!stored.empty()) return std::nullopt;
  return moved;
}

InputCheck settle_input(const PluginRegistry& reg, const PluginContext& ctx, FaceStore& store, const fs::path& input,
                        const std::optional<StageSpec>& source, const std::string& detector, const std::string& embedder,
                        const fs::path& outputs) {
  InputCheck c = check_input(store, input, detector, embedder, outputs);
  if (c.state != InputCheck::State::moved) return c;
  for (std::int64_t candidate : c.moved_candidates) {  // most often one; each read until it differs
    const StoredBroadcast was = *store.broadcast(candidate);
    OpenInput in = open_input(reg, ctx, input, source);
    if (auto frames = holds_frames_of(*in.source, in.broadcast.input, store, was, outputs)) {
      store.move_broadcast(was.id, in.broadcast, c.listing, *frames);
      InputCheck now = check_input(store, input, detector, embedder, outputs);
      now.moved_from = was.input;
      return now;
    }
  }
  c.state = InputCheck::State::fresh;
  return c;
}

std::shared_ptr<FrameSource> reopen(const PluginRegistry& reg, const PluginContext& ctx, const StoredBroadcast& b) {
  auto source = reg.create<FrameSource>(PluginKind::frame_source, parse_stage_spec(b.source), ctx);
  source->open(b.input);
  return source;
}

}  // namespace castnet
