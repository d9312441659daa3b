// The plugin contract. Modelled on Gephi's SPI (a builder that names the algorithm, declares
// its properties and builds it) and Boost.DLL's factory-method tutorial (the factory is
// exported under an alias).
//
// A plugin library ends with
//
//     CASTNET_PLUGIN(my_descriptors)
//
// where `std::vector<castnet::PluginDescriptor> my_descriptors()` lists what it offers.
// See docs/plugins.md and examples/plugin/.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/dll/alias.hpp>

#include "castnet/sdk/params.hpp"
#include "castnet/sdk/stages.hpp"

namespace castnet {

// Bumped whenever a header a plugin compiles against changes in a way that breaks binaries.
// The registry reads a library's version before it touches any C++ type in it.
inline constexpr int kPluginApiVersion = 8;  // 8: NeighborIndex::nearest_among_each

enum class PluginKind { detector, embedder, clusterer, edge_rule, frame_source };
const char* to_string(PluginKind k);

// What a factory may need beyond its parameters.
struct PluginContext {
  std::filesystem::path models_dir;  // $CASTNET_MODELS or the XDG cache
};

struct PluginDescriptor {
  PluginKind kind;
  std::string name;     // what users type: `--detector dlib-hog`
  std::string version;
  std::string summary;  // one line for `castnet plugins`
  std::vector<ParamSpec> params;
  // Builds an instance from validated parameters; throws castnet::Error for a user's mistake
  // (a missing model), anything else is reported as the plugin's failure.
  std::function<std::unique_ptr<Stage>(const Params&, const PluginContext&)> build;
  // Frame sources: the inputs this source reads when none is named, as file suffixes (".zip")
  // or "/" for a folder. Other kinds leave it empty.
  std::vector<std::string> inputs;
};

using PluginDescriptorList = std::vector<PluginDescriptor>;

}  // namespace castnet

#define CASTNET_PLUGIN(descriptors_fn)                                                   \
  extern "C" BOOST_SYMBOL_EXPORT const int castnet_plugin_api_version;                   \
  extern "C" const int castnet_plugin_api_version = ::castnet::kPluginApiVersion;        \
  BOOST_DLL_ALIAS(descriptors_fn, castnet_plugins)
