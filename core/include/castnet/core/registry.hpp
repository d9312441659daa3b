// Finds plugin libraries, checks their API version and builds stages by name.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "castnet/sdk/plugin.hpp"

namespace castnet {

class PluginRegistry {
 public:
  // Loads every library in `dirs` (non-recursive). A library that is not a castnet plugin, or
  // was built for another API version, is skipped with a warning in warnings().
  explicit PluginRegistry(const std::vector<std::filesystem::path>& dirs);
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // CASTNET_PLUGIN_PATH (colon-separated) first, then the install's plugin folder.
  static std::vector<std::filesystem::path> default_dirs();

  const std::vector<PluginDescriptor>& descriptors() const { return descriptors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Throws Error(usage) naming the kind and the plugins that exist.
  const PluginDescriptor& find(PluginKind kind, const std::string& name) const;
  // The key under which the store keeps what this stage produces, without building it.
  std::string key(PluginKind kind, const StageSpec& spec) const;

  // Builds a stage from what the user wrote. The instance keeps its library loaded.
  template <class T>
  std::shared_ptr<T> create(PluginKind kind, const StageSpec& spec, const PluginContext& ctx,
                            std::string* canonical = nullptr) const {
    auto stage = std::dynamic_pointer_cast<T>(create_stage(kind, spec, ctx, canonical));
    if (!stage) throw_wrong_kind(kind, spec.plugin);
    return stage;
  }

  // Loads one library; throws Error(plugin) with the reason (the constructor turns that into a
  // warning; tests call it directly).
  void load(const std::filesystem::path& library);

 private:
  std::shared_ptr<Stage> create_stage(PluginKind kind, const StageSpec& spec,
                                       const PluginContext& ctx, std::string* canonical) const;
  [[noreturn]] static void throw_wrong_kind(PluginKind kind, const std::string& name);
  struct Library;
  std::vector<PluginDescriptor> descriptors_;
  std::vector<std::shared_ptr<Library>> owner_;  // parallel to descriptors_: keeps each library loaded
  std::vector<std::string> warnings_;
};

}  // namespace castnet
