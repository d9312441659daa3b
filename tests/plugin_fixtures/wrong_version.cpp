// A plugin built for another plugin API version: the registry must refuse it before touching
// any of its C++ types, naming both versions.
#include "castnet/sdk/plugin.hpp"

namespace {
castnet::PluginDescriptorList descriptors() { return {}; }
}  // namespace

extern "C" BOOST_SYMBOL_EXPORT const int castnet_plugin_api_version;
extern "C" const int castnet_plugin_api_version = 999;
BOOST_DLL_ALIAS(descriptors, castnet_plugins)
