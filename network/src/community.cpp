#include "castnet/network/community.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

namespace castnet {

namespace {

// A weighted graph of (super-)nodes with self-loops: the level the Louvain passes work on.
struct Level {
  std::vector<std::map<std::size_t, double>> adj;  // neighbour -> weight; a self-loop counts once
  std::size_t size() const { return adj.size(); }
};

double degree(const Level& l, std::size_t u) {
  double d = 0;
  for (const auto& [v, w] : l.adj[u]) d += v == u ? 2 * w : w;  // networkx: a self-loop adds twice
  return d;
}

// One pass of local moves; returns the community of each node and whether anything moved.
bool one_level(const Level& l, std::vector<std::size_t>& com, double m, const LouvainOptions& opt, std::mt19937_64& rng) {
  const std::size_t n = l.size();
  std::vector<double> deg(n), total(n, 0.0);
  for (std::size_t u = 0; u < n; ++u) deg[u] = degree(l, u), total[com[u]] += deg[u];
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  bool improved = false;
  for (std::size_t moves = 1; moves > 0;) {
    moves = 0;
    for (std::size_t u : order) {
      std::map<std::size_t, double> to_com;  // weight from u into each neighbouring community
      for (const auto& [v, w] : l.adj[u])
        if (v != u) to_com[com[v]] += w;
      std::size_t best = com[u];
      double best_gain = 0;
      total[best] -= deg[u];
      double remove = -to_com[best] / m + opt.resolution * total[best] * deg[u] / (2 * m * m);
      for (const auto& [c, w] : to_com) {
        double gain = remove + w / m - opt.resolution * total[c] * deg[u] / (2 * m * m);
        if (gain > best_gain) best_gain = gain, best = c;
      }
      total[best] += deg[u];
      if (best != com[u]) com[u] = best, ++moves, improved = true;
    }
  }
  return improved;
}

Level aggregate(const Level& l, const std::vector<std::size_t>& com, std::vector<std::size_t>& renumber) {
  std::map<std::size_t, std::size_t> id;
  for (std::size_t c : com) id.emplace(c, id.size());
  renumber.resize(com.size());
  for (std::size_t u = 0; u < com.size(); ++u) renumber[u] = id[com[u]];
  Level next;
  next.adj.resize(id.size());
  for (std::size_t u = 0; u < l.size(); ++u)
    for (const auto& [v, w] : l.adj[u]) {
      std::size_t a = renumber[u], b = renumber[v];
      if (u > v) continue;  // each edge once; an internal edge becomes part of a self-loop
      next.adj[a][b] += w;
      if (a != b) next.adj[b][a] += w;
    }
  return next;
}

}  // namespace

double modularity(const Graph& g, const std::vector<int>& community, double resolution, bool weighted) {
  double m = 0;
  std::map<int, double> internal, degree_sum;
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    double w = weighted ? g[*e].weight : 1.0;
    auto s = boost::source(*e, g), t = boost::target(*e, g);
    m += w;
    degree_sum[community[s]] += w;
    degree_sum[community[t]] += w;
    if (community[s] == community[t]) internal[community[s]] += w;
  }
  if (m == 0) return 0.0;
  double q = 0;
  for (const auto& [c, d] : degree_sum) q += internal[c] / m - resolution * (d / (2 * m)) * (d / (2 * m));
  return q;
}

std::vector<int> louvain(const Graph& g, const LouvainOptions& opt) {
  const std::size_t n = boost::num_vertices(g);
  Level level;
  level.adj.resize(n);
  double m = 0;
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    double w = opt.weighted ? g[*e].weight : 1.0;
    auto s = boost::source(*e, g), t = boost::target(*e, g);
    level.adj[s][t] += w;
    if (s != t) level.adj[t][s] += w;
    m += w;
  }
  std::vector<std::size_t> member(n);  // original vertex -> node of the current level
  std::iota(member.begin(), member.end(), 0);
  std::vector<int> best(n);
  std::iota(best.begin(), best.end(), 0);
  if (m > 0) {
    std::mt19937_64 rng(opt.seed);
    std::vector<int> current = best;
    double q = modularity(g, current, opt.resolution, opt.weighted);
    for (;;) {
      std::vector<std::size_t> com(level.size());
      std::iota(com.begin(), com.end(), 0);
      if (!one_level(level, com, m, opt, rng)) break;
      std::vector<std::size_t> renumber;
      Level next = aggregate(level, com, renumber);
      for (auto& mbr : member) mbr = renumber[mbr];
      for (std::size_t v = 0; v < n; ++v) current[v] = int(member[v]);
      double q_new = modularity(g, current, opt.resolution, opt.weighted);
      best = current;
      if (q_new - q <= opt.threshold) break;
      q = q_new;
      level = std::move(next);
    }
  }
  // Number communities by size, largest first; ties by their lowest vertex.
  std::map<int, std::pair<std::size_t, std::size_t>> info;  // community -> (size, first vertex)
  for (std::size_t v = 0; v < n; ++v) {
    auto [it, added] = info.emplace(best[v], std::pair<std::size_t, std::size_t>{0, v});
    ++it->second.first;
  }
  std::vector<std::pair<std::pair<long, std::size_t>, int>> order;
  for (const auto& [c, sf] : info) order.push_back({{-long(sf.first), sf.second}, c});
  std::sort(order.begin(), order.end());
  std::map<int, int> label;
  for (std::size_t i = 0; i < order.size(); ++i) label[order[i].second] = int(i);
  std::vector<int> out(n);
  for (std::size_t v = 0; v < n; ++v) out[v] = label[best[v]];
  return out;
}

}  // namespace castnet
