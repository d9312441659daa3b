#include "ball_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include <cblas.h>

#include "blas_threads.hpp"
#include "castnet/sdk/parallel.hpp"

namespace castnet::index {
namespace {

constexpr int kLloydRounds = 5;
// A node splits when k-means explains a tenth of its spread: two identities do (their centres
// are further apart than their faces are spread), one identity's blob does not. Each child has
// at least kPointsPerChild points so that k-means cannot fit noise (k centres in m points
// explain about k/m of a single blob's spread by themselves).
constexpr double kWorthSplitting = 0.9;
constexpr std::size_t kPointsPerChild = 32;

void to_space(const EmbeddingSet& x, Space& s) {
  s.n = x.size();
  s.dim = x.dim;
  s.rows.resize(s.n * s.dim);
  for (std::size_t i = 0; i < s.n; ++i) {
    const double* in = x.row(i);
    double scale = 1.0;
    if (x.metric == Metric::cosine) {
      double nn = 0;
      for (std::size_t d = 0; d < s.dim; ++d) nn += in[d] * in[d];
      scale = 1.0 / std::sqrt(nn);
    }
    for (std::size_t d = 0; d < s.dim; ++d) s.rows[i * s.dim + d] = static_cast<float>(in[d] * scale);
  }
  s.original.resize(s.n);
  std::iota(s.original.begin(), s.original.end(), std::size_t{0});
}

double squared_distance(const float* a, const float* b, std::size_t dim) {
  double s = 0;
  for (std::size_t d = 0; d < dim; ++d) {
    double t = double(a[d]) - double(b[d]);
    s += t * t;
  }
  return s;
}

class Builder {
 public:
  // Builds into t's nodes, centroids and leaves; the points' order and distances to their leaf's
  // centre go into `order` and `to_centroid` (by tree position), shared by builders of disjoint
  // ranges.
  Builder(Tree& t, const std::vector<float>& rows, std::vector<std::size_t>& order, float* to_centroid, std::size_t leaf_size,
          std::size_t branching)
      : rows_(rows), order_(order), to_centroid_(to_centroid), t_(t), max_leaf_(leaf_size), branching_(branching) {}

  // Fills node `id` for the points at tree positions [begin, end) of `order` (input indices).
  void build(std::size_t id, std::size_t begin, std::size_t end) {
    std::vector<std::size_t> sizes = open(id, begin, end);
    std::size_t at = begin;
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      build(t_.nodes[id].first_child + c, at, at + sizes[c]);
      at += sizes[c];
    }
  }

  // Node `id` without its children's subtrees: its ball, and either its leaf or its children's
  // nodes (consecutive, sizes returned, left to build).
  std::vector<std::size_t> open(std::size_t id, std::size_t begin, std::size_t end) {
    t_.nodes[id].begin = begin;
    t_.nodes[id].end = end;
    set_ball(id);
    std::vector<std::size_t> sizes;
    if (end - begin >= 2 * kPointsPerChild) sizes = split(begin, end);
    if (sizes.empty()) {
      finish_leaf(id);
      return sizes;
    }
    std::size_t first = t_.nodes.size();
    t_.nodes[id].first_child = first;
    t_.nodes[id].children = sizes.size();
    t_.nodes.resize(first + sizes.size());
    t_.centroids.resize(t_.nodes.size() * dim());
    return sizes;
  }

 private:
  std::size_t dim() const { return t_.space.dim; }
  const float* point(std::size_t pos) const { return input_row(order_[pos]); }
  const float* input_row(std::size_t i) const { return rows_.data() + i * dim(); }

  const std::vector<float>& rows_;   // input order
  std::vector<std::size_t>& order_;  // tree position -> input index, refined as the tree grows
  float* to_centroid_;

  void set_ball(std::size_t id) {
    Node& node = t_.nodes[id];
    std::vector<double> sum(dim(), 0.0);
    for (std::size_t p = node.begin; p < node.end; ++p)
      for (std::size_t d = 0; d < dim(); ++d) sum[d] += point(p)[d];
    float* c = t_.centroids.data() + id * dim();
    for (std::size_t d = 0; d < dim(); ++d) c[d] = static_cast<float>(sum[d] / double(node.end - node.begin));
    double r = 0;
    for (std::size_t p = node.begin; p < node.end; ++p) r = std::max(r, squared_distance(point(p), c, dim()));
    node.radius = static_cast<float>(std::sqrt(r));
  }

  void finish_leaf(std::size_t id) {
    const Node& node = t_.nodes[id];
    const float* c = t_.centroid(id);
    std::vector<std::pair<float, std::size_t>> by_distance;
    for (std::size_t p = node.begin; p < node.end; ++p)
      by_distance.emplace_back(static_cast<float>(std::sqrt(squared_distance(point(p), c, dim()))), order_[p]);
    std::sort(by_distance.begin(), by_distance.end());
    for (std::size_t k = 0; k < by_distance.size(); ++k) {
      to_centroid_[node.begin + k] = by_distance[k].first;
      order_[node.begin + k] = by_distance[k].second;
    }
    t_.leaves.push_back(id);
  }

  // k-means (Lloyd, seeded from evenly spaced points) on [begin, end); reorders the range by
  // cluster and returns the clusters' sizes, or nothing when the range is better one leaf. A
  // range too big for a leaf that k-means cannot separate (duplicates) is cut in halves.
  std::vector<std::size_t> split(std::size_t begin, std::size_t end) {
    const std::size_t m = end - begin;
    const std::size_t k = std::min(branching_, m / kPointsPerChild);
    std::vector<float> centres(k * dim()), block(m * dim()), dots(m * k);
    for (std::size_t p = 0; p < m; ++p) std::copy_n(point(begin + p), dim(), block.data() + p * dim());
    for (std::size_t c = 0; c < k; ++c)
      std::copy_n(block.data() + ((2 * c + 1) * m / (2 * k)) * dim(), dim(), centres.data() + c * dim());
    std::vector<std::size_t> assign(m);
    for (int round = 0; round < kLloydRounds; ++round) {
      nearest_centres(block, centres, m, k, dots, assign);
      std::vector<double> sum(k * dim(), 0.0);
      std::vector<std::size_t> count(k, 0);
      for (std::size_t p = 0; p < m; ++p) {
        ++count[assign[p]];
        for (std::size_t d = 0; d < dim(); ++d) sum[assign[p] * dim() + d] += block[p * dim() + d];
      }
      for (std::size_t c = 0; c < k; ++c)
        if (count[c])
          for (std::size_t d = 0; d < dim(); ++d) centres[c * dim() + d] = static_cast<float>(sum[c * dim() + d] / double(count[c]));
    }
    double within = nearest_centres(block, centres, m, k, dots, assign);
    std::vector<std::size_t> sizes(k, 0);
    for (std::size_t a : assign) ++sizes[a];
    const bool separated = *std::max_element(sizes.begin(), sizes.end()) < m;
    if (m <= max_leaf_ && (!separated || within > kWorthSplitting * spread(block, m))) return {};
    if (!separated) return {m / 2, m - m / 2};
    std::vector<std::size_t> sorted(m);
    std::vector<std::size_t> at(k, 0);
    for (std::size_t c = 1; c < k; ++c) at[c] = at[c - 1] + sizes[c - 1];
    for (std::size_t p = 0; p < m; ++p) sorted[at[assign[p]]++] = order_[begin + p];  // stable
    std::copy(sorted.begin(), sorted.end(), order_.begin() + static_cast<std::ptrdiff_t>(begin));
    sizes.erase(std::remove(sizes.begin(), sizes.end(), std::size_t{0}), sizes.end());
    return sizes;
  }

  // Sum of squared distances of the m rows of block to their mean.
  double spread(const std::vector<float>& block, std::size_t m) const {
    std::vector<double> mean(dim(), 0.0);
    for (std::size_t p = 0; p < m; ++p)
      for (std::size_t d = 0; d < dim(); ++d) mean[d] += block[p * dim() + d] / double(m);
    double s = 0;
    for (std::size_t p = 0; p < m; ++p)
      for (std::size_t d = 0; d < dim(); ++d) s += (block[p * dim() + d] - mean[d]) * (block[p * dim() + d] - mean[d]);
    return s;
  }

  // Assigns each row to its nearest centre; returns the sum of squared distances to them.
  double nearest_centres(const std::vector<float>& block, const std::vector<float>& centres, std::size_t m,
                         std::size_t k, std::vector<float>& dots, std::vector<std::size_t>& assign) const {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(m), int(k), int(dim()), 1.0f, block.data(), int(dim()),
                centres.data(), int(dim()), 0.0f, dots.data(), int(k));
    std::vector<float> cn(k);
    for (std::size_t c = 0; c < k; ++c) {
      double s = 0;
      for (std::size_t d = 0; d < dim(); ++d) s += double(centres[c * dim() + d]) * centres[c * dim() + d];
      cn[c] = static_cast<float>(s);
    }
    double total = 0;
    for (std::size_t p = 0; p < m; ++p) {
      float best = std::numeric_limits<float>::infinity();
      for (std::size_t c = 0; c < k; ++c) {
        float v = cn[c] - 2 * dots[p * k + c];  // |x|^2 is the same for every centre
        if (v < best) best = v, assign[p] = c;
      }
      double xn = 0;
      for (std::size_t d = 0; d < dim(); ++d) xn += double(block[p * dim() + d]) * block[p * dim() + d];
      total += std::max(0.0, xn + best);
    }
    return total;
  }

  Tree& t_;
  std::size_t max_leaf_, branching_;
};

}  // namespace

bool searchable(const EmbeddingSet& x) {
  if (x.metric == Metric::euclidean) return true;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double* r = x.row(i);
    bool zero = true;
    for (std::size_t d = 0; d < x.dim; ++d) {
      if (x.metric == Metric::hamming && r[d] != 0.0 && r[d] != 1.0) return false;
      zero = zero && r[d] == 0.0;
    }
    if (x.metric == Metric::cosine && zero) return false;
  }
  return true;
}

double space_threshold(double radius, Metric m) {
  switch (m) {
    case Metric::euclidean: return radius * radius;
    case Metric::cosine: return 2 * radius;
    case Metric::hamming: return radius;
  }
  return radius;
}

namespace {

// Puts part's nodes (its node 0 is t's node `slot`) after t's, numbered as a depth-first build
// of t would have numbered them.
void splice(Tree& t, const Tree& part, std::size_t slot) {
  const std::size_t dim = t.space.dim, base = t.nodes.size();
  auto global = [&](std::size_t local) { return local == 0 ? slot : base + local - 1; };
  t.nodes.resize(base + part.nodes.size() - 1);
  t.centroids.resize(t.nodes.size() * dim);
  for (std::size_t local = 0; local < part.nodes.size(); ++local) {
    Node n = part.nodes[local];
    if (n.children) n.first_child = global(n.first_child);
    t.nodes[global(local)] = n;
    std::copy_n(part.centroid(local), dim, t.centroids.data() + global(local) * dim);
  }
  for (std::size_t leaf : part.leaves) t.leaves.push_back(global(leaf));
}

// The root's split uses every BLAS thread; its children's subtrees are built in parallel, one
// BLAS thread each, and spliced in the order a depth-first build numbers them: the tree is the
// same on every run.
void build_nodes(Tree& t, const std::vector<float>& rows, std::vector<std::size_t>& order, std::size_t leaf_size,
                 std::size_t branching) {
  const std::size_t dim = t.space.dim;
  t.nodes.resize(1);
  t.centroids.resize(dim);
  std::vector<std::size_t> sizes = Builder(t, rows, order, t.to_centroid.data(), leaf_size, branching).open(0, 0, t.space.n);
  std::vector<Tree> parts(sizes.size());
  std::vector<std::size_t> at(sizes.size() + 1, 0);
  for (std::size_t c = 0; c < sizes.size(); ++c) at[c + 1] = at[c] + sizes[c];
  {
    OneBlasThread one_blas_thread;
    parallel_for(parts.size(), 0, [&](std::size_t c) {
      parts[c].space.dim = dim;
      parts[c].nodes.resize(1);
      parts[c].centroids.resize(dim);
      Builder(parts[c], rows, order, t.to_centroid.data(), leaf_size, branching).build(0, at[c], at[c + 1]);
    }, 1);
  }
  for (std::size_t c = 0; c < parts.size(); ++c) splice(t, parts[c], t.nodes[0].first_child + c);
}

}  // namespace

Tree build_tree(const EmbeddingSet& x, std::size_t leaf_size, std::size_t branching, std::size_t block_size) {
  Tree t;
  Space input;
  to_space(x, input);
  t.space.n = input.n;
  t.space.dim = input.dim;
  t.to_centroid.resize(input.n);
  std::vector<std::size_t> order = std::move(input.original);
  if (input.n) build_nodes(t, input.rows, order, leaf_size, branching);
  // The rows in tree order, so that every leaf is one contiguous block for GEMM.
  t.leaf_at.resize(input.n);
  for (std::size_t leaf : t.leaves)
    std::fill(t.leaf_at.begin() + std::ptrdiff_t(t.nodes[leaf].begin), t.leaf_at.begin() + std::ptrdiff_t(t.nodes[leaf].end), leaf);
  for (std::size_t leaf : t.leaves)
    for (std::size_t b = t.nodes[leaf].begin; b < t.nodes[leaf].end; b += block_size)
      t.blocks.emplace_back(b, std::min(t.nodes[leaf].end, b + block_size));
  t.centroid_norms.assign(t.nodes.size(), 0.0);
  for (std::size_t id = 0; id < t.nodes.size(); ++id)
    for (std::size_t d = 0; d < input.dim; ++d) t.centroid_norms[id] += double(t.centroid(id)[d]) * t.centroid(id)[d];
  Space& s = t.space;
  s.original = std::move(order);
  s.position.resize(s.n);
  s.rows.resize(s.n * s.dim);
  s.norms.resize(s.n);
  for (std::size_t p = 0; p < s.n; ++p) {
    s.position[s.original[p]] = p;
    std::copy_n(input.rows.data() + s.original[p] * s.dim, s.dim, s.rows.data() + p * s.dim);
    double nn = 0;
    for (std::size_t d = 0; d < s.dim; ++d) nn += double(s.rows[p * s.dim + d]) * s.rows[p * s.dim + d];
    s.norms[p] = static_cast<float>(nn);
  }
  return t;
}

}  // namespace castnet::index
