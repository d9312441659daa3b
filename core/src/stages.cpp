#include "castnet/errors.hpp"
#include "castnet/plugin.hpp"
#include "castnet/stages.hpp"

namespace castnet {

// Out of line so that Stage's type information lives once, in libcastnet, for every plugin.
Stage::~Stage() = default;
Error::~Error() = default;

const char* to_string(PluginKind k) {
  switch (k) {
    case PluginKind::detector: return "detector";
    case PluginKind::embedder: return "embedder";
    case PluginKind::clusterer: return "clusterer";
    case PluginKind::edge_rule: return "edge rule";
  }
  return "?";
}

}  // namespace castnet
