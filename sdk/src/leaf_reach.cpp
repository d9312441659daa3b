#include "leaf_reach.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "castnet/sdk/parallel.hpp"
#include "tile.hpp"
#include "two_centre_bound.hpp"

namespace castnet::index {
namespace {

constexpr std::size_t kTargetsPerGemm = 512;

}  // namespace

// The leaves' centroids, contiguous, for GEMM.
struct LeafReach::Centres {
  std::vector<float> rows;
  std::vector<double> norms;
};

LeafReach::LeafReach(const Tree& t, double radius, double slack, int threads) : leaves_(t.leaves.size()) {
  const std::size_t dim = t.space.dim;
  ordinal_.assign(t.nodes.size(), kNotALeaf);
  span_.resize(leaves_);
  Centres centres;
  centres.rows.resize(leaves_ * dim);
  for (std::size_t k = 0; k < leaves_; ++k) {
    const std::size_t node = t.leaves[k];
    ordinal_[node] = k;
    span_[k] = double(t.nodes[node].radius) * (1.0 + 1e-6) + slack;
    std::copy_n(t.centroid(node), dim, centres.rows.data() + k * dim);
    centres.norms.push_back(t.centroid_norms[node]);
  }
  bytes_.assign(leaves_ * leaves_, 255);  // 255: the ball's bound, reach <= radius
  parallel_for(leaves_, threads, [&](std::size_t b) { fill_row(t, centres, b, radius, slack); }, 1);
}

// Row b: how far leaf b's points reach towards each leaf whose ball is within `radius` of b's.
// With O = b's centre and T another's, a point p lies at x = (o^2 - t^2 + D^2) / 2D along the
// axis, o = |p - O| (its distance to its leaf's centre, kept by the tree), t = |p - T| from the
// GEMM: o^2 - t^2 = o^2 - |p|^2 - |T|^2 + 2 p.T, whose largest over p needs only the largest
// w_p + 2 p.T, w_p the part that does not depend on T.
void LeafReach::fill_row(const Tree& t, const Centres& centres, std::size_t b, double radius, double slack) {
  const std::size_t dim = t.space.dim, node = t.leaves[b];
  const Node& leaf = t.nodes[node];
  const double own_norm = t.centroid_norms[node];
  std::vector<float> dots(std::max(leaves_, kTargetsPerGemm * (leaf.end - leaf.begin)));
  dot_block(t.centroid(node), 1, centres.rows.data(), leaves_, dim, dots.data());
  std::vector<std::size_t> targets;
  std::vector<Interval> axis;
  for (std::size_t a = 0; a < leaves_; ++a) {
    if (a == b) continue;
    Interval d = distance_from_dot(own_norm, centres.norms[a], dots[a], tolerance(own_norm, centres.norms[a], dim));
    if (d.lo <= kShortestAxis || d.lo - span_[a] - span_[b] > radius + slack) continue;  // the balls decide
    targets.push_back(a);
    axis.push_back(d);
  }
  // tolerance(x, y) = c (x + y) + tiny: t^2 >= |p|^2 + |T|^2 - 2 p.T - c (|p|^2 + |T|^2).
  const double c = tolerance(1.0, 0.0, dim);
  const std::size_t n = leaf.end - leaf.begin;
  std::vector<double> w(n);
  double largest = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double o2_hi = squared_around_float(t.to_centroid[leaf.begin + k]).second, xn = t.space.norms[leaf.begin + k];
    w[k] = o2_hi - (1.0 - c) * xn;
    largest = std::max(largest, xn);
  }
  std::vector<float> gathered(kTargetsPerGemm * dim);
  std::vector<double> best(kTargetsPerGemm);
  for (std::size_t first = 0; first < targets.size(); first += kTargetsPerGemm) {
    const std::size_t m = std::min(kTargetsPerGemm, targets.size() - first);
    for (std::size_t j = 0; j < m; ++j) std::copy_n(centres.rows.data() + targets[first + j] * dim, dim, gathered.data() + j * dim);
    dot_block(t.space.row(leaf.begin), n, gathered.data(), m, dim, dots.data());
    std::fill_n(best.begin(), m, -std::numeric_limits<double>::infinity());
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t j = 0; j < m; ++j) best[j] = std::max(best[j], w[k] + 2.0 * double(dots[k * m + j]));
    for (std::size_t j = 0; j < m; ++j) {
      const std::size_t a = targets[first + j];
      const double diff_hi = best[j] - (1.0 - c) * centres.norms[a] + 1e-30;
      const Interval d = axis[first + j];
      // Rounding of the sums above, divided by D.
      const double reach = along_axis_at_most(diff_hi, d) + 1e-12 * (1.0 + own_norm + centres.norms[a] + largest) / d.lo;
      const double step = 2.0 * span_[b] / 255.0;
      const double k = std::ceil((reach + span_[b]) / step);
      bytes_[b * leaves_ + a] = std::uint8_t(std::clamp(k, 0.0, 255.0));
    }
  }
}

}  // namespace castnet::index
