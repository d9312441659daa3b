#include "hdbscan_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "castnet/neighbors.hpp"
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

// The library's TreeUnionFind for do_labelling (union by rank, parent first on ties).
struct TreeUnionFind {
  std::vector<std::size_t> parent, rank;
  explicit TreeUnionFind(std::size_t n) : parent(n), rank(n, 0) {
    for (std::size_t i = 0; i < n; ++i) parent[i] = i;
  }
  std::size_t find(std::size_t x) {
    if (parent[x] != x) parent[x] = find(parent[x]);
    return parent[x];
  }
  void unite(std::size_t x, std::size_t y) {
    std::size_t xr = find(x), yr = find(y);
    if (rank[xr] < rank[yr]) parent[xr] = yr;
    else if (rank[xr] > rank[yr]) parent[yr] = xr;
    else parent[yr] = xr, ++rank[xr];
  }
};

// The order in which CPython 3.11 iterates a set of small non-negative ints built by adding
// `inserted` one by one (setobject.c: linear probes of 9, then perturbation; resize x4 at 3/5
// full). epsilon_search walks a set, and which of two nested clusters it keeps can depend on
// that order, so we walk it in the same order.
std::vector<std::size_t> python_set_order(const std::vector<std::size_t>& inserted) {
  constexpr std::size_t kLinearProbes = 9, kPerturbShift = 5, kEmpty = std::size_t(-1);
  auto insert_clean = [](std::vector<std::size_t>& table, std::size_t key) {
    const std::size_t mask = table.size() - 1;
    std::size_t perturb = key, i = key & mask;
    for (;;) {
      if (table[i] == kEmpty) return void(table[i] = key);
      if (i + kLinearProbes <= mask)
        for (std::size_t j = 1; j <= kLinearProbes; ++j)
          if (table[i + j] == kEmpty) return void(table[i + j] = key);
      perturb >>= kPerturbShift;
      i = (i * 5 + 1 + perturb) & mask;
    }
  };
  std::vector<std::size_t> table(8, kEmpty);
  std::size_t used = 0;
  for (std::size_t key : inserted) {
    if (std::find(table.begin(), table.end(), key) != table.end()) continue;
    insert_clean(table, key);
    ++used;
    if (used * 5 >= (table.size() - 1) * 3) {  // set_table_resize(used * 4)
      std::size_t size = 8;
      while (size <= used * 4) size <<= 1;
      std::vector<std::size_t> bigger(size, kEmpty);
      for (std::size_t k : table)
        if (k != kEmpty) insert_clean(bigger, k);
      table.swap(bigger);
    }
  }
  std::vector<std::size_t> order;
  for (std::size_t k : table)
    if (k != kEmpty) order.push_back(k);
  return order;
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

Result select_clusters(const std::vector<CondensedRow>& tree, std::size_t n_points, const Options& opt) {
  Result res;
  res.labels.assign(n_points, -1);
  res.probabilities.assign(n_points, 0.0);
  res.outlier_scores.assign(n_points, 0.0);
  if (tree.empty()) return res;
  const std::size_t root = n_points;
  std::size_t max_parent = 0;
  for (const auto& r : tree) max_parent = std::max(max_parent, r.parent);

  // compute_stability: births are the lambda at which each cluster appears as a child.
  std::vector<double> birth(max_parent + 1, 0.0), stability(max_parent + 1, 0.0), death(max_parent + 1, 0.0);
  for (const auto& r : tree)
    if (r.child >= root && r.child <= max_parent) birth[r.child] = r.lambda;
  birth[root] = 0.0;
  for (const auto& r : tree) stability[r.parent] += (r.lambda - birth[r.parent]) * double(r.child_size);
  for (const auto& r : tree) death[r.parent] = std::max(death[r.parent], r.lambda);  // max_lambdas

  // The cluster tree (rows whose child is a cluster), indexed once: each cluster's parent and
  // its cluster children in row order. The library scans the rows for each of these.
  std::vector<std::size_t> parent_of(max_parent + 1, root);
  std::vector<std::vector<std::size_t>> kids(max_parent + 1);
  bool has_clusters = false;
  for (const auto& r : tree)
    if (r.child_size > 1) parent_of[r.child] = r.parent, kids[r.parent].push_back(r.child), has_clusters = true;
  auto below = [&](std::size_t c) {  // bfs_from_cluster_tree (order does not matter to its users)
    std::vector<std::size_t> result{c};
    for (std::size_t k = 0; k < result.size(); ++k) result.insert(result.end(), kids[result[k]].begin(), kids[result[k]].end());
    return result;
  };
  // 1 / the lambda at which c was born: its birth (0 for the root, so infinity).
  auto eps_of = [&](std::size_t c) { return birth[c] > 0 ? 1.0 / birth[c] : kInf; };
  // The library's cluster_tree['parent'].min() is the root whenever there is a cluster tree.
  const std::size_t tree_root = root;
  auto traverse_upwards = [&](std::size_t leaf) {
    for (;;) {
      std::size_t parent = parent_of[leaf];
      if (parent == tree_root) return opt.allow_single_cluster ? parent : leaf;
      if (eps_of(parent) > opt.epsilon) return parent;
      leaf = parent;
    }
  };
  auto epsilon_search = [&](const std::vector<std::size_t>& leaves_in_insertion_order) {
    std::set<std::size_t> selected, processed;
    for (std::size_t leaf : python_set_order(leaves_in_insertion_order)) {
      if (eps_of(leaf) < opt.epsilon) {
        if (processed.count(leaf)) continue;
        std::size_t up = traverse_upwards(leaf);
        selected.insert(up);
        for (std::size_t v : below(up))
          if (v != up) processed.insert(v);
      } else {
        selected.insert(leaf);
      }
    }
    return selected;
  };

  // Candidate clusters, from the highest id down (a topological order of the tree).
  std::vector<std::size_t> nodes;
  for (std::size_t c = max_parent + 1; c-- > root;)
    if (c != root || opt.allow_single_cluster) nodes.push_back(c);
  std::map<std::size_t, bool> is_cluster;
  for (std::size_t c : nodes) is_cluster[c] = true;

  if (opt.method == "eom") {
    for (std::size_t node : nodes) {
      double sum = 0;
      for (std::size_t child : kids[node]) sum += stability[child];
      // The library keeps this sum in a C float (`cdef float subtree_stability`); so do we.
      double subtree = static_cast<float>(sum);
      if (subtree > stability[node]) {
        is_cluster[node] = false;
        stability[node] = subtree;
      } else {
        for (std::size_t v : below(node))
          if (v != node) is_cluster[v] = false;
      }
    }
    if (opt.epsilon != 0.0 && has_clusters) {
      std::vector<std::size_t> eom;  // in node order, as the library's dict keeps them
      for (std::size_t c : nodes)
        if (is_cluster[c]) eom.push_back(c);
      std::set<std::size_t> selected;
      if (eom.size() == 1 && eom.front() == tree_root) {
        if (opt.allow_single_cluster) selected.insert(eom.front());
      } else {
        selected = epsilon_search(eom);
      }
      for (auto& [c, flag] : is_cluster) flag = selected.count(c) > 0;
    }
  } else {  // leaf
    // get_cluster_tree_leaves: depth first, children in row order.
    std::vector<std::size_t> leaves;
    std::function<void(std::size_t)> dfs = [&](std::size_t c) {
      if (kids[c].empty()) leaves.push_back(c);
      for (std::size_t k : kids[c]) dfs(k);
    };
    if (has_clusters) dfs(tree_root);
    std::set<std::size_t> selected = opt.epsilon != 0.0 ? epsilon_search(leaves) : std::set<std::size_t>(leaves.begin(), leaves.end());
    for (auto& [c, flag] : is_cluster) flag = selected.count(c) > 0;
  }

  std::set<std::size_t> clusters;
  for (const auto& [c, flag] : is_cluster)
    if (flag) clusters.insert(c);
  std::map<std::size_t, int> label_of;
  std::vector<std::size_t> cluster_of_label;
  for (std::size_t c : clusters) label_of[c] = int(cluster_of_label.size()), cluster_of_label.push_back(c);

  // do_labelling
  TreeUnionFind uf(max_parent + 1);
  for (const auto& r : tree)
    if (!clusters.count(r.child)) uf.unite(r.parent, r.child);
  std::vector<double> point_lambda(n_points, 0.0);
  double root_max_lambda = 0;
  for (const auto& r : tree) {
    if (r.child < root) point_lambda[r.child] = r.lambda;
    if (r.parent == root) root_max_lambda = std::max(root_max_lambda, r.lambda);
  }
  for (std::size_t p = 0; p < n_points; ++p) {
    std::size_t c = uf.find(p);
    if (c < root) continue;
    if (c == root) {
      if (clusters.size() == 1 && opt.allow_single_cluster) {
        bool keep = opt.epsilon != 0.0 ? point_lambda[p] >= 1.0 / opt.epsilon : point_lambda[p] >= root_max_lambda;
        if (keep) res.labels[p] = label_of[c];
      }
      continue;
    }
    res.labels[p] = label_of.at(c);
  }

  // get_probabilities: a point's lambda relative to the most persistent lambda of its cluster.
  for (const auto& r : tree) {
    if (r.child >= root || res.labels[r.child] < 0) continue;
    double max_lambda = death[cluster_of_label[std::size_t(res.labels[r.child])]];
    res.probabilities[r.child] = (max_lambda == 0.0 || !std::isfinite(r.lambda)) ? 1.0 : std::min(r.lambda, max_lambda) / max_lambda;
  }
  // outlier_scores (GLOSH): a point's lambda against the largest lambda anywhere below the
  // cluster it left. Children have larger ids than their parents, so one pass from the highest
  // id down carries each subtree's maximum up.
  std::vector<double> glosh_death = death;
  for (std::size_t n = tree.size(); n-- > 0;)
    if (tree[n].child >= root) glosh_death[tree[n].parent] = std::max(glosh_death[tree[n].parent], glosh_death[tree[n].child]);
  for (const auto& r : tree) {
    if (r.child >= root) continue;
    double lambda_max = glosh_death[r.parent];
    res.outlier_scores[r.child] = (lambda_max == 0.0 || !std::isfinite(r.lambda)) ? 0.0 : (lambda_max - r.lambda) / lambda_max;
  }
  return res;
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
