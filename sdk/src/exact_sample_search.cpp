// The k nearest among a subset of the points (neighbors.hpp: nearest_among_each), for every point.
// Meant for a sample: Chinese whispers has a large person's faces follow their nearest among a
// sample of the faces, where proving their nearest among all of them would mean measuring most of
// the person (docs/clustering-a-year.md). A block of queries (one leaf) measures only the runs of
// the sample (in tree order: a few people each) holding a point whose distance to the leaf's
// centre lies within the radius of the queries' own (the triangle inequality; in 128-D that
// rules out nearly every other person). The float distances only propose, and the answer is
// settled exactly as nearest_within_each's.
#include <algorithm>
#include <cmath>

#include "blas_threads.hpp"
#include "castnet/sdk/parallel.hpp"
#include "exact_index.hpp"
#include "tile.hpp"

namespace castnet::index {
namespace {

constexpr std::size_t kColumns = 64;  // sample points per GEMM: the run skipped whole when none is in reach

// The sample's rows, gathered once in tree order, with their squared norms.
struct Sample {
  std::vector<std::size_t> positions;  // tree positions, ascending
  std::vector<float> rows, norms;
};

Sample gather(const Tree& tree, std::span<const std::size_t> among) {
  Sample s;
  for (std::size_t i : among) s.positions.push_back(tree.space.position[i]);
  std::sort(s.positions.begin(), s.positions.end());
  s.positions.erase(std::unique(s.positions.begin(), s.positions.end()), s.positions.end());
  const std::size_t dim = tree.space.dim;
  for (std::size_t p : s.positions) {
    s.rows.insert(s.rows.end(), tree.space.row(p), tree.space.row(p) + dim);
    s.norms.push_back(tree.space.norms[p]);
  }
  return s;
}

}  // namespace

void ExactIndex::nearest_among_each(std::span<const std::size_t> among, std::size_t k, double r, int threads,
                                    const NearestVisitor& found) const {
  index::OneBlasThread one_blas_thread;
  const Sample sample = gather(tree_, among);
  const std::size_t dim = tree_.space.dim, keep = k + kSpareNeighbours;
  const double r2 = radius(r).threshold, reach = std::sqrt(r2 + index::tolerance(max_norm2_, max_norm2_, dim));
  std::mutex serial;
  SearchProgress progress("nearest among a sample", size());
  parallel_for(tree_.blocks.size(), threads, [&](std::size_t b) {
    const auto [begin, end] = tree_.blocks[b];
    const std::size_t leaf = tree_.leaf_at[begin], m = end - begin;
    const float* centre = tree_.centroid(leaf);
    const double centre2 = tree_.centroid_norms[leaf];
    // Sample points that can lie within the radius of a query: |d(s, c) - d(q, c)| <= r.
    const double lo = std::max(0.0, double(tree_.to_centroid[begin]) - reach - slack_);
    const double hi = double(tree_.to_centroid[end - 1]) + reach + slack_;  // ascending within a leaf
    std::vector<float> to_centre(sample.positions.size());
    if (!to_centre.empty()) blas_dot_block(centre, 1, sample.rows.data(), to_centre.size(), dim, to_centre.data());
    auto in_reach = [&](std::size_t s) {
      const double d2 = centre2 + sample.norms[s] - 2.0 * double(to_centre[s]);
      const double tol = index::tolerance(centre2, sample.norms[s], dim);
      return std::sqrt(std::max(0.0, d2 - tol)) <= hi && std::sqrt(std::max(0.0, d2 + tol)) >= lo;
    };
    // The sample lies in tree order, so a run of it is a few people: a run none of whose points
    // is in reach is skipped whole, and the others are measured where they lie, with no copy.
    std::vector<Candidates> candidates(m);
    std::vector<float> dots(m * kColumns);
    for (std::size_t from = 0; from < sample.positions.size(); from += kColumns) {
      const std::size_t n = std::min(kColumns, sample.positions.size() - from);
      bool any = false;
      for (std::size_t c = from; c < from + n && !any; ++c) any = in_reach(c);
      if (!any) continue;
      dot_block(tree_.space.row(begin), m, sample.rows.data() + from * dim, n, dim, dots.data());
      for (std::size_t q = 0; q < m; ++q) {
        const double nq = tree_.space.norms[begin + q], limit = r2 + tolerance(begin + q);
        for (std::size_t c = 0; c < n; ++c)
          if (double a = std::max(0.0, nq + sample.norms[from + c] - 2.0 * double(dots[q * n + c])); a <= limit)
            candidates[q].offer(a, sample.positions[from + c], keep);
      }
    }
    std::vector<std::vector<Neighbor>> near(m);
    for (std::size_t q = 0; q < m; ++q) {
      if (settle_within(begin + q, candidates[q], k, keep, r, near[q])) continue;
      // Ties at the k-th distance, or a heap filled just outside the radius: every sample point, in double.
      auto& mine = near[q];
      mine.clear();
      for (std::size_t p : sample.positions)
        if (double d = x_.distance(input(begin + q), input(p)); d <= r) mine.push_back({input(p), d});
      std::sort(mine.begin(), mine.end(), [](const Neighbor& a, const Neighbor& c) {
        return a.distance < c.distance || (a.distance == c.distance && a.index < c.index);
      });
      mine.resize(std::min(k, mine.size()));
    }
    std::lock_guard lock(serial);
    for (std::size_t q = 0; q < m; ++q) found(input(begin + q), near[q]);
    progress.add(m);
  }, 1);
}

}  // namespace castnet::index
