#include "castnet/core/inputs.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include <fmt/format.h>

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

// How the store names an input: its absolute, normalised path.
std::string input_key(const fs::path& input) { return fs::absolute(input).lexically_normal().string(); }

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

std::optional<std::int64_t> finished_broadcast(const FaceStore& store, const fs::path& input, const std::string& detector,
                                               const std::string& embedder) {
  auto id = store.broadcast_of(input_key(input));
  if (id && store.is_done(*id, detector, embedder)) return id;
  return std::nullopt;
}

std::shared_ptr<FrameSource> reopen(const PluginRegistry& reg, const PluginContext& ctx, const StoredBroadcast& b) {
  auto source = reg.create<FrameSource>(PluginKind::frame_source, parse_stage_spec(b.source), ctx);
  source->open(b.input);
  return source;
}

}  // namespace castnet
