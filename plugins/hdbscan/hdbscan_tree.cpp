#include "hdbscan_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/parallel.hpp"
#include "numpy_argsort.hpp"

namespace castnet::hdbscan {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The library's core distance: the sorted distances from a point (itself, at 0, included),
// taken at index min_samples.
std::vector<double> core_distances(const EmbeddingSet& x, std::size_t k, int threads) {
  const std::size_t n = x.size();
  std::vector<double> core(n);
  parallel_for(n, threads, [&](std::size_t i) {
    thread_local std::vector<double> d;
    d.resize(n);
    for (std::size_t j = 0; j < n; ++j) d[j] = x.distance(i, j);
    std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k), d.end());
    core[i] = d[k];
  });
  return core;
}

// The library's UnionFind for label(): new clusters numbered n, n+1, ...
struct LinkageUnionFind {
  std::vector<std::size_t> parent, size;
  std::size_t next;
  explicit LinkageUnionFind(std::size_t n) : parent(2 * n - 1), size(2 * n - 1, 0), next(n) {
    for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = i;
    std::fill(size.begin(), size.begin() + static_cast<std::ptrdiff_t>(n), 1);
  }
  std::size_t find(std::size_t x) {
    std::size_t p = x;
    while (parent[x] != x) x = parent[x];
    while (parent[p] != x) p = std::exchange(parent[p], x);  // path compression
    return x;
  }
  void unite(std::size_t a, std::size_t b) {
    size[next] = size[a] + size[b];
    parent[a] = parent[b] = next++;
  }
};

// bfs_from_hierarchy: the node and everything below it in the single-linkage tree.
std::vector<std::size_t> bfs_hierarchy(const std::vector<LinkageRow>& h, std::size_t root) {
  const std::size_t n = h.size() + 1;
  std::vector<std::size_t> result, level{root};
  while (!level.empty()) {
    result.insert(result.end(), level.begin(), level.end());
    std::vector<std::size_t> next;
    for (std::size_t v : level)
      if (v >= n) next.insert(next.end(), {h[v - n].left, h[v - n].right});
    level.swap(next);
  }
  return result;
}

}  // namespace

std::vector<LinkageRow> single_linkage(const EmbeddingSet& x, std::size_t min_samples, int threads) {
  const std::size_t n = x.size();
  if (n < 2) return {};
  const std::size_t k = std::max<std::size_t>(1, std::min(n - 1, min_samples));
  std::vector<double> core = core_distances(x, k, threads);
  auto reach = [&](std::size_t a, std::size_t b) { return std::max({core[a], core[b], x.distance(a, b)}); };

  std::vector<std::size_t> remaining(n);
  for (std::size_t i = 0; i < n; ++i) remaining[i] = i;
  std::vector<double> best(n, kInf);
  std::vector<LinkageRow> mst;
  std::size_t current = 0;
  for (std::size_t step = 1; step < n; ++step) {
    remaining.erase(std::find(remaining.begin(), remaining.end(), current));
    parallel_for(remaining.size(), threads, [&](std::size_t r) {
      std::size_t j = remaining[r];
      best[j] = std::min(best[j], reach(current, j));
    });
    std::size_t pick = 0;  // first minimum, as numpy's argmin
    for (std::size_t r = 1; r < remaining.size(); ++r)
      if (best[remaining[r]] < best[remaining[pick]]) pick = r;
    std::size_t next = remaining[pick];
    mst.push_back({current, next, best[next], 0});
    current = next;
  }
  std::vector<double> weights;
  for (const auto& e : mst) weights.push_back(e.distance);
  std::vector<LinkageRow> sorted;
  for (std::size_t i : numpy_argsort(weights)) sorted.push_back(mst[i]);

  mst.swap(sorted);

  LinkageUnionFind uf(n);  // label(): edges to merges of clusters
  for (auto& e : mst) {
    std::size_t a = uf.find(e.left), b = uf.find(e.right);
    e.left = a;
    e.right = b;
    e.size = uf.size[a] + uf.size[b];
    uf.unite(a, b);
  }
  return mst;
}

std::vector<CondensedRow> condense_tree(const std::vector<LinkageRow>& h, std::size_t min_cluster_size) {
  const std::size_t n = h.size() + 1, root = 2 * h.size();
  std::vector<CondensedRow> out;
  if (h.empty()) return out;
  std::vector<std::size_t> relabel(root + 1, 0);
  relabel[root] = n;
  std::size_t next_label = n + 1;
  std::vector<char> ignore(root + 1, 0);
  auto count = [&](std::size_t v) { return v >= n ? h[v - n].size : std::size_t{1}; };
  auto fall_out = [&](std::size_t parent_label, std::size_t sub_root, double lambda) {
    for (std::size_t v : bfs_hierarchy(h, sub_root)) {
      if (v < n) out.push_back({parent_label, v, lambda, 1});
      ignore[v] = 1;
    }
  };
  for (std::size_t node : bfs_hierarchy(h, root)) {
    if (ignore[node] || node < n) continue;
    const LinkageRow& row = h[node - n];
    double lambda = row.distance > 0 ? 1.0 / row.distance : kInf;
    std::size_t lc = count(row.left), rc = count(row.right);
    if (lc >= min_cluster_size && rc >= min_cluster_size) {
      relabel[row.left] = next_label++;
      out.push_back({relabel[node], relabel[row.left], lambda, lc});
      relabel[row.right] = next_label++;
      out.push_back({relabel[node], relabel[row.right], lambda, rc});
    } else if (lc < min_cluster_size && rc < min_cluster_size) {
      fall_out(relabel[node], row.left, lambda);
      fall_out(relabel[node], row.right, lambda);
    } else if (lc < min_cluster_size) {
      relabel[row.right] = relabel[node];
      fall_out(relabel[node], row.left, lambda);
    } else {
      relabel[row.left] = relabel[node];
      fall_out(relabel[node], row.right, lambda);
    }
  }
  return out;
}

Result run(const EmbeddingSet& x, const Options& opt, int threads) {
  const std::size_t n = x.size();
  if (n < 2) {
    Result r;
    r.labels.assign(n, -1);
    r.probabilities.assign(n, 0.0);
    r.outlier_scores.assign(n, 0.0);
    return r;
  }
  auto tree = condense_tree(single_linkage(x, opt.min_samples, threads), opt.min_cluster_size);
  return select_clusters(tree, n, opt);
}

}  // namespace castnet::hdbscan
