// A plugin whose factory throws something that is not a castnet::Error: castnet must report it
// as that plugin's failure, in one sentence, and exit with the plugin code.
#include <stdexcept>

#include "castnet/sdk/plugin.hpp"

namespace {
castnet::PluginDescriptorList descriptors() {
  return {{castnet::PluginKind::clusterer, "throwing", "1.0", "test fixture: its factory throws", {},
           [](const castnet::Params&, const castnet::PluginContext&) -> std::unique_ptr<castnet::Stage> {
             throw std::runtime_error("the fixture's factory always throws");
           }}};
}
}  // namespace

CASTNET_PLUGIN(descriptors)
