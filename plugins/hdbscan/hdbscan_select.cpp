// Cluster selection on the condensed tree, as the hdbscan library's _hdbscan_tree.pyx does it:
// stabilities, excess of mass or leaf selection, cluster_selection_epsilon, labelling,
// membership probabilities and GLOSH outlier scores.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include "hdbscan_tree.hpp"

namespace castnet::hdbscan {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

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

// The condensed tree's clusters, indexed once: births, deaths, stabilities, each cluster's parent
// and its cluster children in row order (the library scans the rows for each of these).
struct ClusterTree {
  std::size_t root = 0, max_parent = 0;
  std::vector<double> birth, death, stability;  // death: the largest lambda of the cluster's rows
  std::vector<std::size_t> parent_of;
  std::vector<std::vector<std::size_t>> kids;
  bool has_clusters = false;

  ClusterTree(const std::vector<CondensedRow>& tree, std::size_t n_points) : root(n_points), max_parent(n_points) {
    for (const auto& r : tree) max_parent = std::max(max_parent, r.parent);
    birth.assign(max_parent + 1, 0.0);
    stability.assign(max_parent + 1, 0.0);
    death.assign(max_parent + 1, 0.0);
    parent_of.assign(max_parent + 1, root);
    kids.resize(max_parent + 1);
    // compute_stability: births are the lambda at which each cluster appears as a child.
    for (const auto& r : tree)
      if (r.child >= root && r.child <= max_parent) birth[r.child] = r.lambda;
    birth[root] = 0.0;
    for (const auto& r : tree) stability[r.parent] += (r.lambda - birth[r.parent]) * double(r.child_size);
    for (const auto& r : tree) death[r.parent] = std::max(death[r.parent], r.lambda);  // max_lambdas
    for (const auto& r : tree)
      if (r.child_size > 1) parent_of[r.child] = r.parent, kids[r.parent].push_back(r.child), has_clusters = true;
  }
  // bfs_from_cluster_tree (order does not matter to its users).
  std::vector<std::size_t> below(std::size_t c) const {
    std::vector<std::size_t> result{c};
    for (std::size_t k = 0; k < result.size(); ++k) result.insert(result.end(), kids[result[k]].begin(), kids[result[k]].end());
    return result;
  }
  // 1 / the lambda at which c was born: its birth (0 for the root, so infinity).
  double eps_of(std::size_t c) const { return birth[c] > 0 ? 1.0 / birth[c] : kInf; }
};

// The library's traverse_upwards: the ancestor of `leaf` whose epsilon exceeds the selection
// epsilon. (Its cluster_tree['parent'].min() is the root whenever there is a cluster tree.)
std::size_t traverse_upwards(const ClusterTree& ct, std::size_t leaf, const Options& opt) {
  for (;;) {
    std::size_t parent = ct.parent_of[leaf];
    if (parent == ct.root) return opt.allow_single_cluster ? parent : leaf;
    if (ct.eps_of(parent) > opt.epsilon) return parent;
    leaf = parent;
  }
}

std::set<std::size_t> epsilon_search(const ClusterTree& ct, const std::vector<std::size_t>& leaves_in_insertion_order,
                                     const Options& opt) {
  std::set<std::size_t> selected, processed;
  for (std::size_t leaf : python_set_order(leaves_in_insertion_order)) {
    if (ct.eps_of(leaf) < opt.epsilon) {
      if (processed.count(leaf)) continue;
      std::size_t up = traverse_upwards(ct, leaf, opt);
      selected.insert(up);
      for (std::size_t v : ct.below(up))
        if (v != up) processed.insert(v);
    } else {
      selected.insert(leaf);
    }
  }
  return selected;
}

// The library marks its candidate clusters selected or not: what it selects is always one of them.
std::set<std::size_t> only_candidates(const std::vector<std::size_t>& nodes, const std::set<std::size_t>& selected) {
  std::set<std::size_t> out;
  for (std::size_t c : nodes)
    if (selected.count(c)) out.insert(c);
  return out;
}

// Excess of mass: walking clusters from the highest id down (a topological order of the tree),
// a cluster is kept unless its children together are more stable. `nodes` are the candidates.
std::set<std::size_t> select_eom(ClusterTree& ct, const std::vector<std::size_t>& nodes, const Options& opt) {
  std::map<std::size_t, bool> is_cluster;
  for (std::size_t c : nodes) is_cluster[c] = true;
  for (std::size_t node : nodes) {
    double sum = 0;
    for (std::size_t child : ct.kids[node]) sum += ct.stability[child];
    // The library keeps this sum in a C float (`cdef float subtree_stability`); so do we.
    double subtree = static_cast<float>(sum);
    if (subtree > ct.stability[node]) {
      is_cluster[node] = false;
      ct.stability[node] = subtree;
    } else {
      for (std::size_t v : ct.below(node))
        if (v != node) is_cluster[v] = false;
    }
  }
  std::vector<std::size_t> eom;  // in node order, as the library's dict keeps them
  for (std::size_t c : nodes)
    if (is_cluster[c]) eom.push_back(c);
  if (opt.epsilon == 0.0 || !ct.has_clusters) return {eom.begin(), eom.end()};
  if (eom.size() == 1 && eom.front() == ct.root) return opt.allow_single_cluster ? std::set<std::size_t>{ct.root} : std::set<std::size_t>{};
  return only_candidates(nodes, epsilon_search(ct, eom, opt));
}

// Leaf: the leaves of the cluster tree (get_cluster_tree_leaves: depth first, children in row order).
std::set<std::size_t> select_leaf(const ClusterTree& ct, const std::vector<std::size_t>& nodes, const Options& opt) {
  std::vector<std::size_t> leaves;
  std::function<void(std::size_t)> dfs = [&](std::size_t c) {
    if (ct.kids[c].empty()) leaves.push_back(c);
    for (std::size_t k : ct.kids[c]) dfs(k);
  };
  if (ct.has_clusters) dfs(ct.root);
  return only_candidates(nodes, opt.epsilon != 0.0 ? epsilon_search(ct, leaves, opt) : std::set<std::size_t>(leaves.begin(), leaves.end()));
}

// do_labelling: each point takes the selected cluster it falls out of (the union-find of the
// tree without the selected clusters' own rows).
void label_points(const std::vector<CondensedRow>& tree, const ClusterTree& ct, const std::set<std::size_t>& clusters,
                  const std::map<std::size_t, int>& label_of, const Options& opt, Result& res) {
  const std::size_t root = ct.root, n_points = res.labels.size();
  TreeUnionFind uf(ct.max_parent + 1);
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
        if (keep) res.labels[p] = label_of.at(c);
      }
      continue;
    }
    res.labels[p] = label_of.at(c);
  }
}

// get_probabilities: a point's lambda relative to the most persistent lambda of its cluster.
// outlier_scores (GLOSH): a point's lambda against the largest lambda anywhere below the
// cluster it left. Children have larger ids than their parents, so one pass from the highest
// id down carries each subtree's maximum up.
void membership_and_outliers(const std::vector<CondensedRow>& tree, const ClusterTree& ct,
                             const std::vector<std::size_t>& cluster_of_label, Result& res) {
  for (const auto& r : tree) {
    if (r.child >= ct.root || res.labels[r.child] < 0) continue;
    double max_lambda = ct.death[cluster_of_label[std::size_t(res.labels[r.child])]];
    res.probabilities[r.child] = (max_lambda == 0.0 || !std::isfinite(r.lambda)) ? 1.0 : std::min(r.lambda, max_lambda) / max_lambda;
  }
  std::vector<double> glosh_death = ct.death;
  for (std::size_t n = tree.size(); n-- > 0;)
    if (tree[n].child >= ct.root) glosh_death[tree[n].parent] = std::max(glosh_death[tree[n].parent], glosh_death[tree[n].child]);
  for (const auto& r : tree) {
    if (r.child >= ct.root) continue;
    double lambda_max = glosh_death[r.parent];
    res.outlier_scores[r.child] = (lambda_max == 0.0 || !std::isfinite(r.lambda)) ? 0.0 : (lambda_max - r.lambda) / lambda_max;
  }
}

}  // namespace

Result select_clusters(const std::vector<CondensedRow>& tree, std::size_t n_points, const Options& opt) {
  Result res;
  res.labels.assign(n_points, -1);
  res.probabilities.assign(n_points, 0.0);
  res.outlier_scores.assign(n_points, 0.0);
  if (tree.empty()) return res;
  ClusterTree ct(tree, n_points);
  // Candidate clusters, from the highest id down (a topological order of the tree).
  std::vector<std::size_t> nodes;
  for (std::size_t c = ct.max_parent + 1; c-- > ct.root;)
    if (c != ct.root || opt.allow_single_cluster) nodes.push_back(c);
  std::set<std::size_t> clusters = opt.method == "eom" ? select_eom(ct, nodes, opt) : select_leaf(ct, nodes, opt);

  std::map<std::size_t, int> label_of;
  std::vector<std::size_t> cluster_of_label;
  for (std::size_t c : clusters) label_of[c] = int(cluster_of_label.size()), cluster_of_label.push_back(c);
  label_points(tree, ct, clusters, label_of, opt, res);
  membership_and_outliers(tree, ct, cluster_of_label, res);
  return res;
}

}  // namespace castnet::hdbscan
