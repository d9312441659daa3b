#include "castnet/network/pagerank.hpp"

#include <algorithm>
#include <cmath>

namespace castnet {

std::vector<double> pagerank(const Graph& g, const PageRankOptions& opt) {
  const std::size_t n = boost::num_vertices(g);
  if (n == 0) return {};
  // Out-strength of each vertex: an undirected edge is walked from both ends.
  std::vector<double> strength(n, 0.0);
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    double w = opt.weighted ? g[*e].weight : 1.0;
    strength[boost::source(*e, g)] += w;
    strength[boost::target(*e, g)] += w;
  }
  std::vector<double> x(n, 1.0 / n), next(n);
  const double teleport = (1.0 - opt.alpha) / n;
  for (int iter = 0; iter < opt.max_iter; ++iter) {
    double dangling = 0;
    for (std::size_t v = 0; v < n; ++v)
      if (strength[v] == 0) dangling += x[v];
    std::fill(next.begin(), next.end(), 0.0);
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
      auto s = boost::source(*e, g), t = boost::target(*e, g);
      double w = opt.weighted ? g[*e].weight : 1.0;
      next[t] += x[s] * w / strength[s];
      next[s] += x[t] * w / strength[t];
    }
    double err = 0;
    for (std::size_t v = 0; v < n; ++v) {
      // networkx: x = alpha * (x P + dangling mass spread uniformly) + (1 - alpha) * uniform
      next[v] = opt.alpha * (next[v] + dangling / n) + teleport;
      err += std::abs(next[v] - x[v]);
    }
    x.swap(next);
    if (err < n * opt.tol) break;
  }
  return x;
}

}  // namespace castnet
