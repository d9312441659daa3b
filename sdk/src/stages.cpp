#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/plugin.hpp"
#include "castnet/sdk/stages.hpp"

namespace castnet {

// Out of line so that Stage's type information lives once, in libcastnet_sdk, for every plugin.
Stage::~Stage() = default;
Error::~Error() = default;

const char* to_string(PluginKind k) {
  switch (k) {
    case PluginKind::detector: return "detector";
    case PluginKind::embedder: return "embedder";
    case PluginKind::clusterer: return "clusterer";
    case PluginKind::edge_rule: return "edge rule";
    case PluginKind::frame_source: return "frame source";
  }
  return "?";
}

}  // namespace castnet
