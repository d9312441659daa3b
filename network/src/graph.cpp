#include "castnet/network/graph.hpp"

#include <algorithm>
#include <map>

namespace castnet {

Graph build_graph(const std::vector<int>& identities, const std::vector<Edge>& edges) {
  std::vector<int> ids = identities;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  Graph g(ids.size());
  std::map<int, std::size_t> vertex;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    g[i].identity = ids[i];
    vertex[ids[i]] = i;
  }
  for (const auto& e : edges) {
    auto a = vertex.find(e.a), b = vertex.find(e.b);
    if (a == vertex.end() || b == vertex.end()) continue;
    boost::add_edge(a->second, b->second, CooccurrenceEdge{e.count, e.weight}, g);
  }
  return g;
}

}  // namespace castnet
