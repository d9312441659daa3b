#include "castnet/core/registry.hpp"


#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "castnet/sdk/errors.hpp"

namespace castnet {

namespace fs = std::filesystem;

struct PluginRegistry::Library {
  boost::dll::shared_library lib;
  fs::path path;
};

PluginRegistry::PluginRegistry(const std::vector<fs::path>& dirs) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> libs;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".so") libs.push_back(e.path());
    std::sort(libs.begin(), libs.end());  // deterministic order: first of a name wins
    for (const auto& p : libs) {
      try {
        load(p);
      } catch (const Error& e) {
        warnings_.push_back(e.what());
      }
    }
  }
}

PluginRegistry::~PluginRegistry() {
  // Descriptors hold std::function objects whose code lives in the libraries: drop them first.
  descriptors_.clear();
  owner_.clear();
}

namespace {

// Boost.DLL reports every failure as one generic error code; the loader's own words say which.
std::string why_not_loadable(const fs::path& path) {
  char magic[4] = {};
  std::ifstream(path, std::ios::binary).read(magic, 4);
  if (std::string(magic, 4) != "\x7f" "ELF") return "it is not a shared library";
  void* h = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (h) {
    dlclose(h);
    return "the loader refused it";
  }
  const char* why = dlerror();
  return why ? why : "the loader refused it";
}

}  // namespace

void PluginRegistry::load(const fs::path& path) {
  auto library = std::make_shared<Library>();
  library->path = path;
  boost::dll::fs::error_code ec;
  library->lib.load(boost::dll::fs::path(path.string()), boost::dll::load_mode::default_mode, ec);
  if (ec)
    throw Error(ExitCode::plugin, fmt::format("{} could not be loaded ({}); rebuild it or remove it from the plugin path.",
                                              path.string(), why_not_loadable(path)));
  // Its code stays mapped until the process ends, even after the registry is gone: what a plugin's
  // libraries keep for the process (thread pools, caches) outlives us, and at exit a sanitizer must
  // still be able to name the code that allocated it.
  dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD | RTLD_NODELETE);
  // The version is a plain int, read before any C++ type of the plugin is touched.
  if (!library->lib.has("castnet_plugin_api_version") || !library->lib.has("castnet_plugins"))
    throw Error(ExitCode::plugin, fmt::format("{} is not a castnet plugin (it exports no castnet_plugins); remove it from the plugin path.",
                                              path.string()));
  int version = library->lib.get<const int>("castnet_plugin_api_version");
  if (version != kPluginApiVersion)
    throw Error(ExitCode::plugin,
                fmt::format("{} was built for castnet plugin API version {}, but this castnet has version {}; rebuild the plugin against this castnet.",
                            path.string(), version, kPluginApiVersion));
  PluginDescriptorList list;
  try {
    list = library->lib.get_alias<PluginDescriptorList()>("castnet_plugins")();
  } catch (const std::exception& e) {
    throw Error(ExitCode::plugin, fmt::format("{} failed to list its plugins ({}).", path.string(), e.what()));
  }
  for (auto& d : list) {
    bool taken = std::any_of(descriptors_.begin(), descriptors_.end(), [&](const PluginDescriptor& o) {
      return o.kind == d.kind && o.name == d.name;
    });
    if (taken) {
      warnings_.push_back(fmt::format("{}: {} '{}' is already provided by an earlier library; ignored.",
                                      path.string(), to_string(d.kind), d.name));
      continue;
    }
    descriptors_.push_back(std::move(d));
    owner_.push_back(library);
  }
}

std::vector<fs::path> PluginRegistry::default_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("CASTNET_PLUGIN_PATH")) {
    std::string s = env;
    std::size_t pos = 0;
    while (pos <= s.size()) {
      auto colon = s.find(':', pos);
      std::string item = s.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
      if (!item.empty()) dirs.emplace_back(item);
      if (colon == std::string::npos) break;
      pos = colon + 1;
    }
  }
  // Plugins live in <libdir>/castnet/plugins next to libcastnet_core (whose code this is), in the build tree as installed.
  fs::path self = boost::dll::this_line_location().string();
  dirs.push_back(self.parent_path() / "castnet" / "plugins");
  return dirs;
}

const PluginDescriptor& PluginRegistry::find(PluginKind kind, const std::string& name) const {
  for (const auto& d : descriptors_)
    if (d.kind == kind && d.name == name) return d;
  std::vector<std::string> names;
  for (const auto& d : descriptors_)
    if (d.kind == kind) names.push_back(d.name);
  throw Error(ExitCode::usage,
              names.empty()
                  ? fmt::format("No {} plugin named '{}', and no {} plugin is installed; check CASTNET_PLUGIN_PATH or run scripts/setup.",
                                to_string(kind), name, to_string(kind))
                  : fmt::format("No {} plugin named '{}'; installed: {} (see `castnet plugins`).",
                                to_string(kind), name, fmt::join(names, ", ")));
}

std::string PluginRegistry::key(PluginKind kind, const StageSpec& spec) const {
  const PluginDescriptor& d = find(kind, spec.plugin);
  return canonical_spec(d.name, d.params, validate_params(d.name, d.params, spec.raw));
}

std::shared_ptr<Stage> PluginRegistry::create_stage(PluginKind kind, const StageSpec& spec,
                                                    const PluginContext& ctx, std::string* canonical) const {
  const PluginDescriptor& d = find(kind, spec.plugin);
  Params params = validate_params(d.name, d.params, spec.raw);
  if (canonical) *canonical = canonical_spec(d.name, d.params, params);
  std::unique_ptr<Stage> stage;
  try {
    stage = d.build(params, ctx);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ExitCode::plugin, fmt::format("The {} plugin '{}' failed to build: {}.", to_string(kind), d.name, e.what()));
  }
  if (!stage)
    throw Error(ExitCode::plugin, fmt::format("The {} plugin '{}' built nothing.", to_string(kind), d.name));
  auto owner = owner_[static_cast<std::size_t>(&d - descriptors_.data())];
  // The deleter keeps the library loaded until the last instance built from it is gone.
  Stage* raw = stage.release();
  return std::shared_ptr<Stage>(raw, [owner](Stage* s) { delete s; });
}

void PluginRegistry::throw_wrong_kind(PluginKind kind, const std::string& name) {
  throw Error(ExitCode::plugin, fmt::format("The plugin '{}' declared itself a {} but built something else.", name, to_string(kind)));
}

}  // namespace castnet
