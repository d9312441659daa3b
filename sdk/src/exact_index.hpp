// The exact engine's class, shared by its sources: exact_index.cpp (ranges, counts, nearest,
// pairs) and exact_spanning_tree.cpp (Boruvka's minimum spanning forest). Internal to
// libcastnet_sdk; plugins see only castnet/sdk/neighbors.hpp.
#pragma once
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "ball_tree.hpp"
#include "block_search.hpp"
#include "leaf_reach.hpp"
#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/progress.hpp"

namespace castnet::index {

// Leaves about the size of one identity: a face's neighbours are mostly in its own leaf, and a
// query far from a leaf reaches only the leaf's outer shell (its points sorted by distance to the
// centre). Smaller leaves only multiply the blocks a query visits: in 128 dimensions the triangle
// inequality proves little about a ball, much about one point.
constexpr std::size_t kLeafSize = 2048;
constexpr std::size_t kBranching = 16;
constexpr std::size_t kBlockSize = kLeafSize;  // queries searched together: a leaf
constexpr std::size_t kBruteBelow = 256;       // fewer points: every pair costs less than a tree
constexpr std::size_t kSpareNeighbours = 4;  // kNN keeps a few more than k to prove its answer

// Counts the points whose search is finished and reports them (castnet/sdk/progress.hpp).
class SearchProgress {
 public:
  SearchProgress(std::string step, std::size_t total) : step_(std::move(step)), total_(total) {}
  void add(std::size_t points) { report_progress(step_, done_ += points, total_); }

 private:
  std::string step_;
  std::size_t total_;
  std::atomic<std::size_t> done_{0};
};

class ExactIndex final : public NeighborIndex {
  friend class Boruvka;

 public:
  explicit ExactIndex(const EmbeddingSet& x) : x_(x), tree_(index::build_tree(x, kLeafSize, kBranching, kBlockSize)) {
    double max_norm2 = 0;
    for (float n : tree_.space.norms) max_norm2 = std::max(max_norm2, double(n));
    max_norm2_ = max_norm2;
    slack_ = 1e-5 * (1.0 + std::sqrt(max_norm2));
  }

  std::size_t size() const override { return x_.size(); }
  double distance(std::size_t i, std::size_t j) const override { return x_.distance(i, j); }
  void within(std::size_t i, double radius, std::vector<std::size_t>& out) const override;
  void within_each(std::span<const std::size_t> points, double radius, int threads, const WithinVisitor& found) const override;
  std::vector<std::size_t> count_within(double radius, std::size_t cap, int threads, const WithinVisitor& found) const override;
  std::vector<double> kth_distance(std::size_t k, int threads) const override;
  void nearest(std::size_t i, std::size_t k, std::vector<Neighbor>& out) const override;
  void nearest_within_each(std::size_t k, double radius, int threads, const NearestVisitor& found, std::size_t budget) const override;
  void pairs_within(double radius, int threads, const PairGroups& groups, const PairVisitor& found) const override;
  void nearest_among_each(std::span<const std::size_t> among, std::size_t k, double radius, int threads,
                          const NearestVisitor& found) const override;  // exact_sample_search.cpp
  std::vector<TreeEdge> spanning_forest(std::span<const double> floor, double max_weight, int threads) const override;

  // Whether tree positions q and c lie within the radius: the float distance where it is clear,
  // the input's exact distance where it is not.
  struct Radius {
    const ExactIndex* index;
    double radius, threshold;  // threshold: the radius in the tree's squared space
    double bound2(std::size_t q) const { return threshold + index->tolerance(q); }
    // Row r of the tile against its column k.
    bool holds(const Tile& t, std::size_t r, std::size_t k) const {
      const std::size_t q = t.rows[r];
      double a = t.approx2(r, k), tol = index::tolerance(t.tree->space.norms[q], t.col_norms[k], t.tree->space.dim);
      if (a < threshold - tol) return true;
      if (a > threshold + tol) return false;
      return index->x_.distance(index->input(q), index->input(t.cols[k])) <= radius;
    }
    // Calls f(c) for the columns c >= from of row r within the radius, in order, while f returns
    // true. A float test first rejects what is clearly out, with margin for its own rounding.
    template <class F>
    void scan(const Tile& t, std::size_t r, std::size_t from, F&& f) const {
      const auto& norms = t.tree->space.norms;
      const double nq = norms[t.rows[r]], max2 = index->max_norm2_;
      const float limit = std::nextafter(
          float(threshold + index->tolerance(t.rows[r]) - nq + 0x1p-20 * (nq + max2)), std::numeric_limits<float>::infinity());
      const float* dots = t.dots + r * t.n;
      const std::size_t first = std::size_t(std::lower_bound(t.cols, t.cols + t.n, from) - t.cols);
      for (std::size_t k = first; k < t.n; ++k)
        if (t.col_norms[k] - 2.0f * dots[k] <= limit && holds(t, r, k) && !f(t.cols[k])) return;
    }
  };

  std::size_t input(std::size_t position) const { return tree_.space.original[position]; }
  double tolerance(std::size_t q) const { return index::tolerance(tree_.space.norms[q], max_norm2_, tree_.space.dim); }
  Radius radius(double r) const { return {this, r, index::space_threshold(r, x_.metric)}; }
  BlockSearch search() const { return BlockSearch(tree_, slack_, reach_.load(std::memory_order_acquire)); }
  // Builds the leaves' reach towards each other (leaf_reach.hpp) for searches within `radius`,
  // once; later searches of any radius use it (its bounds hold for every pair of leaves).
  void prepare_reach(double radius, int threads) const {
    std::call_once(reach_made_, [&] {
      if (tree_.leaves.size() > 1 && tree_.leaves.size() <= LeafReach::kMaxLeaves) {
        reach_owner_ = std::make_unique<LeafReach>(tree_, std::sqrt(index::space_threshold(radius, x_.metric)), slack_, threads);
        reach_.store(reach_owner_.get(), std::memory_order_release);  // searches on other threads may read it
      }
    });
  }
  // The `keep` nearest candidates of one query by float distance (a max-heap).
  struct Candidates {
    std::vector<std::pair<double, std::size_t>> heap;  // (float distance^2, position)
    void offer(double a, std::size_t c, std::size_t keep);
    double bound2(std::size_t keep, double tolerance) const {
      return heap.size() < keep ? std::numeric_limits<double>::infinity() : heap.front().first + tolerance;
    }
  };
  // The exact k nearest of tree position p from its candidates; false when the float bounds
  // cannot prove them (value_only: only the k-th distance need be right).
  bool settle(std::size_t p, const Candidates& found, std::size_t k, std::size_t keep, bool value_only,
              std::vector<Neighbor>& out) const;
  bool try_nearest(std::size_t p, std::size_t k, std::size_t keep, bool value_only, std::vector<Neighbor>& out) const;
  // settle() for candidates offered only within the radius (+ the float error): those within it.
  // settle() is this with no radius.
  bool settle_within(std::size_t p, const Candidates& found, std::size_t k, std::size_t keep, double radius,
                     std::vector<Neighbor>& out) const;

  const EmbeddingSet& x_;
  Tree tree_;
  double max_norm2_ = 0, slack_ = 0;
  mutable std::once_flag reach_made_;
  mutable std::unique_ptr<LeafReach> reach_owner_;
  mutable std::atomic<const LeafReach*> reach_{nullptr};
};

}  // namespace castnet::index
