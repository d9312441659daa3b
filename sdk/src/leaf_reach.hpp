// How far each leaf's points reach towards every other leaf's centre: for leaves A and B, with
// u the unit vector from A's centre to B's, reach(A, B) bounds <p - centre(A), u> over the
// points p of A from above. Two points of A and B are then at least
//     D - reach(A, B) - reach(B, A)
// apart (D: the distance between the centres), measured along u alone. In 128 dimensions this
// is far tighter than the balls' D - radius(A) - radius(B): a face's offset from its centre is
// almost orthogonal to the axis between two people's centres, so reach is a fraction of the
// radius, and leaves of two people prove each other out of reach where their balls overlap.
// That lets a block of queries skip such a leaf before it computes a single distance to it.
//
// reach(B, A) needs B's points against A's centre: one GEMM of every leaf's points against the
// centres of the leaves its ball can reach within `radius`, made once per index (about the cost
// of one pass of neighbour searches). Pairs beyond that keep the ball's bound. Stored as one
// byte per ordered pair of leaves, rounded up.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ball_tree.hpp"

namespace castnet::index {

class LeafReach {
 public:
  // Above this many leaves the table is not built (kMaxLeaves^2 bytes).
  static constexpr std::size_t kMaxLeaves = 20000;
  static constexpr std::size_t kNotALeaf = std::size_t(-1);

  // slack: how far float rows and centroids may be from exact (as BlockSearch's).
  LeafReach(const Tree& t, double radius, double slack, int threads);

  // An upper bound on how far leaf `from`'s points reach towards leaf `to`'s centre (node ids).
  double reach(std::size_t from, std::size_t to) const {
    const std::size_t a = ordinal_[from], b = ordinal_[to];
    return -span_[a] + double(bytes_[a * leaves_ + b]) * (2.0 * span_[a] / 255.0) * (1.0 + 1e-12);
  }
  bool is_leaf(std::size_t node) const { return ordinal_[node] != kNotALeaf; }

 private:
  struct Centres;
  void fill_row(const Tree& t, const Centres& centres, std::size_t b, double radius, double slack);

  std::size_t leaves_ = 0;
  std::vector<std::size_t> ordinal_;  // per node: its number among the leaves, or kNotALeaf
  std::vector<double> span_;          // per leaf: its radius, padded; reach lies in [-span, span]
  std::vector<std::uint8_t> bytes_;   // leaves x leaves, row: the leaf whose points reach
};

}  // namespace castnet::index
