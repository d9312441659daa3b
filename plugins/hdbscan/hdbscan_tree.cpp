#include "hdbscan_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <functional>
#include <map>
#include <set>
#include <barrier>
#include <thread>
#include <utility>
#include "castnet/sdk/parallel.hpp"

#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/progress.hpp"
#include "numpy_argsort.hpp"

namespace castnet::hdbscan {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

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

// best = min(best, mutual reachability of a and b), with the distance computed only when it can
// matter. Prim's reads every remaining point at every step, n^2/2 in all: a float copy of the rows
// halves what it reads, and the double distance is taken only where the float one, within its
// error, could change best.
class PrimScan {
 public:
  PrimScan(const EmbeddingSet& x, const std::vector<double>& core) : x_(x), core_(core) {
    if (x.metric != Metric::euclidean) return;  // others: always the exact distance
    rows_.resize(x.data.size());
    norms_.resize(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      double nn = 0;
      for (std::size_t d = 0; d < x.dim; ++d) nn += x.row(i)[d] * x.row(i)[d];
      norms_[i] = nn;
      for (std::size_t d = 0; d < x.dim; ++d) rows_[i * x.dim + d] = static_cast<float>(x.row(i)[d]);
    }
  }

  void improve(std::size_t a, std::size_t b, double& best) const {
    const double floor = std::max(core_[a], core_[b]);  // reachability is at least both
    if (floor >= best) return;
    if (!rows_.empty()) {
      const double d2 = norms_[a] + norms_[b] - 2.0 * dot(a, b);
      const double err = (double(x_.dim) + 16.0) * 0x1p-21 * (norms_[a] + norms_[b]) + 1e-30;
      if (d2 + err <= floor * floor) {  // the distance is below both core distances
        best = floor;
        return;
      }
      if (d2 - err >= best * best) return;  // cannot improve
    }
    best = std::min(best, std::max(floor, x_.distance(a, b)));
  }

 private:
  double dot(std::size_t a, std::size_t b) const {
    const float *p = rows_.data() + a * x_.dim, *q = rows_.data() + b * x_.dim;
    float lane[8] = {};  // eight independent sums: vectorised without reordering one sum
    std::size_t d = 0;
    for (; d + 8 <= x_.dim; d += 8)
      for (std::size_t k = 0; k < 8; ++k) lane[k] += p[d + k] * q[d + k];
    for (; d < x_.dim; ++d) lane[0] += p[d] * q[d];
    return double(((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7])));
  }

  const EmbeddingSet& x_;
  const std::vector<double>& core_;
  std::vector<float> rows_;
  std::vector<double> norms_;
};

// Prim's algorithm as the library's mst_linkage_core: the next point is the first (lowest
// index) of those outside the tree at the smallest reachability, the edge recorded from the
// point added last. Each worker scans a contiguous range for its own first minimum; the workers
// live for the whole tree and meet at a barrier twice a step (starting threads every step cost
// more than the scan itself).
std::vector<LinkageRow> prim_mst(const EmbeddingSet& x, const std::vector<double>& core, int threads) {
  const std::size_t n = x.size();
  PrimScan scan(x, core);
  std::vector<char> in_tree(n, 0);
  std::vector<double> best(n, kInf);
  std::vector<LinkageRow> mst;
  const std::size_t workers = std::max<std::size_t>(1, std::min<std::size_t>(std::size_t(worker_count(threads)), n / 4096 + 1));
  std::vector<std::pair<double, std::size_t>> firsts(workers);
  std::size_t current = 0;
  auto scan_range = [&](std::size_t w) {
    std::pair<double, std::size_t> first{kInf, n};
    for (std::size_t j = w * n / workers; j < (w + 1) * n / workers; ++j) {
      if (in_tree[j]) continue;
      scan.improve(current, j, best[j]);
      if (best[j] < first.first || first.second == n) first = {best[j], j};
    }
    firsts[w] = first;
  };
  std::barrier<> step_start{std::ptrdiff_t(workers)}, step_end{std::ptrdiff_t(workers)};
  bool done = false;
  std::vector<std::jthread> pool;
  for (std::size_t w = 1; w < workers; ++w)
    pool.emplace_back([&, w] {
      for (step_start.arrive_and_wait(); !done; step_start.arrive_and_wait()) {
        scan_range(w);
        step_end.arrive_and_wait();
      }
    });
  for (std::size_t step = 1; step < n; ++step) {
    in_tree[current] = 1;
    step_start.arrive_and_wait();
    scan_range(0);
    step_end.arrive_and_wait();
    std::pair<double, std::size_t> pick{kInf, n};
    for (const auto& f : firsts)
      if (f.second < n && (pick.second == n || f.first < pick.first)) pick = f;
    mst.push_back({current, pick.second, best[pick.second], 0});
    current = pick.second;
    if (step % 1024 == 0) report_progress("minimum spanning tree", step, n - 1);
  }
  done = true;
  step_start.arrive_and_wait();
  pool.clear();  // joins
  return mst;
}

// Prim's edges in the library's order: sorted by weight with numpy's (unstable) argsort.
std::vector<LinkageRow> library_order(const EmbeddingSet& x, const std::vector<double>& core, int threads) {
  std::vector<LinkageRow> mst = prim_mst(x, core, threads);
  std::vector<double> weights;
  for (const auto& e : mst) weights.push_back(e.distance);
  std::vector<LinkageRow> sorted;
  for (std::size_t i : numpy_argsort(weights)) sorted.push_back(mst[i]);
  return sorted;
}

}  // namespace

std::vector<LinkageRow> single_linkage(const EmbeddingSet& x, std::size_t min_samples, const std::string& algorithm, int threads) {
  const std::size_t n = x.size();
  if (n < 2) return {};
  const std::size_t k = std::max<std::size_t>(1, std::min(n - 1, min_samples));
  // The library's core distance: the sorted distances from a point (itself, at 0, included),
  // taken at index min_samples -- the k-th nearest distance of the shared neighbour engine.
  auto index = make_neighbor_index(x);
  std::vector<double> core = index->kth_distance(k, threads);
  std::vector<LinkageRow> mst;
  if (algorithm == "prim" || (algorithm == "auto" && n <= kPrimUpTo)) {
    index.reset();  // Prim's reads the rows itself: the tree's copy of them can go
    mst = library_order(x, core, threads);
  } else {
    for (const TreeEdge& e : index->spanning_forest(core, kInf, threads)) mst.push_back({e.a, e.b, e.weight, 0});
  }

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
  auto tree = condense_tree(single_linkage(x, opt.min_samples, opt.mst, threads), opt.min_cluster_size);
  return select_clusters(tree, n, opt);
}

}  // namespace castnet::hdbscan
