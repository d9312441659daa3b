// One search for a block of queries (tree positions, best all from one leaf) through the ball
// tree, depth first, nearest ball first. A ball is skipped when the triangle inequality proves
// all its points farther from every query than that query's bound. In a leaf, whose points lie
// in ascending distance to its centre, a query reaches only the annulus of points whose distance
// to that centre is within its bound of its own; and a point reaches the queries only if its
// distance to the queries' own leaf centre is within their bounds of theirs. What survives is a
// tile of dot products from one GEMM, handed to the visitor.
//
// A visitor provides:
//   double bound2(std::size_t q) const   // squared bound of query q in the tree's space; < 0: done
//   bool done() const                    // every query is done
//   void tile(const Tile&)               // candidates of a leaf
// and may restrict the work: std::size_t first_column() const (tree positions below are
// skipped), bool skip(std::size_t node) const (a ball none of whose points is wanted),
// void split(std::span<const std::size_t> cols, const std::vector<std::size_t>& rows,
// std::vector<TilePart>& parts) (asked before each GEMM; the parts, each rows against columns in
// ascending order, that hold every pair it needs).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "ball_tree.hpp"
#include "leaf_reach.hpp"
#include "tile.hpp"
#include "two_centre_bound.hpp"

namespace castnet::index {

struct TilePart {
  std::vector<std::size_t> rows, cols;  // tree positions
};

class BlockSearch {
 public:
  // slack: how far float rows, centroids and radii may be from the input's exact distances;
  // reach (may be null): the leaves' reach towards each other, to skip leaves out of reach.
  BlockSearch(const Tree& t, double slack, const LeafReach* reach = nullptr) : t_(t), slack_(slack), reach_(reach) {}

  template <class Visitor>
  void run(std::size_t q_begin, std::size_t q_end, Visitor& v) {
    queries_.resize(q_end - q_begin);
    for (std::size_t k = 0; k < queries_.size(); ++k) queries_[k] = q_begin + k;
    search(v);
  }

  template <class Visitor>
  void run(std::span<const std::size_t> queries, Visitor& v) {
    queries_.assign(queries.begin(), queries.end());
    search(v);
  }

 private:
  static constexpr std::size_t kChunk = 512;  // candidates per GEMM
  static constexpr std::size_t kGroup = 64;   // queries per GEMM
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

  struct Entry {
    double lower;          // smallest lower bound over the queries
    std::size_t node, at;  // at: offset of this node's per-query distances in near_ and far_
    Interval axis;         // a leaf's centre's distance to the queries' own (lo 0: not known)
  };
  struct Span {  // what one query reaches of a leaf
    double lo, hi;      // its annulus: distances to the leaf's centre
    double x;           // its place on the axis from its own centre, at most (0: no axis)
    std::size_t query;  // index into queries_
    bool operator<(const Span& o) const { return lo < o.lo || (lo == o.lo && query < o.query); }
  };

  std::size_t queries() const { return queries_.size(); }

  template <class Visitor>
  static std::size_t first_column(const Visitor& v) {
    if constexpr (requires { v.first_column(); }) return v.first_column();
    return 0;
  }

  template <class Visitor>
  void search(Visitor& v) {
    own_leaf_ = queries_.empty() ? kNone : t_.leaf_at[queries_[0]];
    for (std::size_t q : queries_)
      if (t_.leaf_at[q] != own_leaf_) own_leaf_ = kNone;
    near_.clear();
    far_.clear();
    stack_.clear();
    highest_.clear();
    bounds_.assign(queries(), -1.0);
    for (std::size_t q = 0; q < queries(); ++q) update_bound(v, q);
    searching_dirty_ = true;
    active_.clear();
    rows_.clear();
    push(0, 1);
    while (!stack_.empty() && !v.done()) {
      Entry e = stack_.back();
      stack_.pop_back();
      // Depth first: distances beyond those of the entries left (and this one) can go.
      std::size_t keep = std::max(e.at + queries(), stack_.empty() ? 0 : highest_[stack_.size() - 1]);
      highest_.resize(stack_.size());
      near_.resize(keep);
      far_.resize(keep);
      if (!reachable(e, v)) continue;
      const Node& node = t_.nodes[e.node];
      if (node.children == 0) leaf(e, v);
      else push(node.first_child, node.children);
    }
  }

  template <class Visitor>
  void update_bound(const Visitor& v, std::size_t q) {
    double b2 = v.bound2(queries_[q]);
    double b = b2 < 0 ? -1.0 : std::sqrt(b2);
    if ((b < 0) != (bounds_[q] < 0)) searching_dirty_ = true;  // a query finished
    bounds_[q] = b;
  }

  template <class Visitor>
  bool reachable(const Entry& e, const Visitor& v) {
    const Node& node = t_.nodes[e.node];
    if (node.end <= first_column(v)) return false;
    if constexpr (requires { v.skip(e.node); })
      if (v.skip(e.node)) return false;
    for (std::size_t q : searching())
      if (near_[e.at + q] - node.radius <= bounds_[q] + slack_) return true;
    return false;
  }

  // The queries still searching: the only ones the loops below look at (a block's last few
  // searching queries must not pay for the many done).
  const std::vector<std::size_t>& searching() {
    if (searching_dirty_) {
      searching_.clear();
      for (std::size_t q = 0; q < queries(); ++q)
        if (bounds_[q] >= 0) searching_.push_back(q);
      searching_dirty_ = false;
    }
    return searching_;
  }

  // The rows for the centroid GEMM: gathered again only once a quarter of them are done, as
  // copying rows for every query that finishes costs more than computing a few spare ones.
  void gather() {
    const auto& now = searching();
    if (!rows_.empty() && 4 * now.size() >= 3 * active_.size()) return;
    const std::size_t dim = t_.space.dim;
    active_ = now;
    rows_.resize(std::max<std::size_t>(1, active_.size() * dim));
    for (std::size_t r = 0; r < active_.size(); ++r) std::copy_n(t_.space.row(queries_[active_[r]]), dim, rows_.data() + r * dim);
  }

  // Distances from every searching query to the centroids of nodes [first, first + count), as
  // an interval that holds the exact distance despite the float GEMM (others: infinity), for
  // the nodes the leaves' reach does not rule out. The nodes go on the stack nearest last, to be
  // visited first.
  void push(std::size_t first, std::size_t count) {
    gather();
    select_children(first, count);
    const std::size_t dim = t_.space.dim, m = active_.size(), kept = kids_.size();
    if (kept == 0) return;
    const float* centres = t_.centroid(first);
    if (kept < count) {
      kid_rows_.resize(kept * dim);
      for (std::size_t c = 0; c < kept; ++c) std::copy_n(t_.centroid(kids_[c]), dim, kid_rows_.data() + c * dim);
      centres = kid_rows_.data();
    }
    dots_.resize(m * kept);
    dot_block(rows_.data(), m, centres, kept, dim, dots_.data());
    const std::size_t base = stack_.size();
    for (std::size_t c = 0; c < kept; ++c) {
      const std::size_t node = kids_[c];
      const double cn = t_.centroid_norms[node];
      Entry e{std::numeric_limits<double>::infinity(), node, near_.size(), kid_axis_[c]};
      near_.resize(near_.size() + queries(), std::numeric_limits<double>::infinity());
      far_.resize(far_.size() + queries(), std::numeric_limits<double>::infinity());
      for (std::size_t r = 0; r < m; ++r) {
        const double qn = t_.space.norms[queries_[active_[r]]];
        const Interval d = distance_from_dot(qn, cn, dots_[r * kept + c], tolerance(qn, cn, dim));
        const std::size_t at = e.at + active_[r];
        near_[at] = d.lo;
        far_[at] = d.hi;
        if (bounds_[active_[r]] >= 0) e.lower = std::min(e.lower, near_[at] - t_.nodes[node].radius);
      }
      if (holds_own_leaf(node)) e.lower = -std::numeric_limits<double>::infinity();
      stack_.push_back(e);
    }
    // Nearest on top; the distances stay where they are (entries keep their offsets).
    highest_.resize(base);
    std::sort(stack_.begin() + std::ptrdiff_t(base), stack_.end(),
              [](const Entry& a, const Entry& b) { return a.lower > b.lower || (a.lower == b.lower && a.node > b.node); });
    for (std::size_t k = base; k < stack_.size(); ++k)
      highest_.push_back(std::max(k ? highest_[k - 1] : 0, stack_[k].at + queries()));
  }

  // The children worth a distance (into kids_, with their axes): a leaf whose points lie
  // farther along the axis from the queries' own centre than every query's bound reaches
  // (leaf_reach.hpp) is left out, before any query measures its distance to it.
  void select_children(std::size_t first, std::size_t count) {
    kids_.clear();
    kid_axis_.clear();
    const bool by_reach = reach_ && own_leaf_ != kNone;
    double widest = -1;
    if (by_reach) {
      for (std::size_t q : searching()) widest = std::max(widest, bounds_[q] + slack_);
      own_dots_.resize(count);
      dot_block(t_.centroid(own_leaf_), 1, t_.centroid(first), count, t_.space.dim, own_dots_.data());
    }
    const double own_norm = by_reach ? t_.centroid_norms[own_leaf_] : 0.0;
    for (std::size_t c = 0; c < count; ++c) {
      const std::size_t node = first + c;
      Interval axis{0.0, 0.0};
      if (by_reach && node != own_leaf_ && reach_->is_leaf(node)) {
        const double cn = t_.centroid_norms[node];
        axis = distance_from_dot(own_norm, cn, own_dots_[c], tolerance(own_norm, cn, t_.space.dim));
        if (axis.lo <= kShortestAxis) axis = {0.0, 0.0};
        else if (axis.lo - reach_->reach(own_leaf_, node) - reach_->reach(node, own_leaf_) > widest) continue;
      }
      kids_.push_back(node);
      kid_axis_.push_back(axis);
    }
  }

  // The queries' own leaf is searched first, and so the balls that hold it: a face's nearest
  // neighbours are mostly there, so counts fill and bounds shrink before any other leaf is read.
  // (Ordered by the bound alone, the own leaf of an identity cut into many leaves came after its
  // siblings, whose balls reach the queries just as well.)
  bool holds_own_leaf(std::size_t node) const {
    if (own_leaf_ == kNone) return false;
    const Node &n = t_.nodes[node], &own = t_.nodes[own_leaf_];
    return n.begin <= own.begin && own.end <= n.end;
  }

  // The leaf's points lie in ascending distance to its centre; only those within a query's
  // bound of the query's own distance to that centre (its annulus) can be close enough. For a
  // leaf other than the queries' own, two more tests: along the axis between the two centres
  // (leaf_reach.hpp) a query must reach the leaf's points and a point the group's queries; and a
  // point's distance to the queries' centre must be within their bounds of theirs. The queries go
  // in groups of kGroup, each over the columns its annuli span. Queries of one leaf keep their
  // order, which is by distance to their own centre, so that each group's tests are tight;
  // others are sorted by where their annulus starts.
  template <class Visitor>
  void leaf(const Entry& e, Visitor& v) {
    const Node& node = t_.nodes[e.node];
    const std::size_t from = std::max(node.begin, first_column(v));
    if (from >= node.end) return;
    const float* first = t_.to_centroid.data() + from;
    const float* last = t_.to_centroid.data() + node.end;
    const bool along_axis = e.axis.lo > 0;
    const double leaf_from = along_axis ? e.axis.lo - reach_->reach(e.node, own_leaf_) : 0.0;  // on the axis
    spans_.clear();
    for (std::size_t q : searching()) {
      const double b = bounds_[q] + slack_, near = near_[e.at + q], far = far_[e.at + q];
      if (near - node.radius > b) continue;
      double x = 0;  // the query's place on the axis, at most, against the leaf's points' least
      if (along_axis) {
        x = along_axis_at_most(squared_around_float(t_.to_centroid[queries_[q]]).second - near * near, e.axis);
        if (leaf_from - x > b) continue;
      }
      if (float(near - b) > last[-1] || float(far + b) < first[0]) continue;  // the annulus misses the columns
      spans_.push_back({near - b, far + b, x, q});
    }
    if (spans_.empty()) return;
    if (own_leaf_ == kNone) std::sort(spans_.begin(), spans_.end());  // own_leaf_ == kNone: no axis
    select_candidates(e, from, along_axis);
    for (std::size_t g = 0; g < spans_.size() && !v.done(); g += kGroup) {
      const std::size_t g_end = std::min(spans_.size(), g + kGroup);
      group_.clear();
      for (std::size_t k = g; k < g_end; ++k) group_.push_back(spans_[k].query);
      const Extent ex = extent(g, g_end);
      const auto [c_begin, c_end] = columns(ex, from, node.end);
      cols_.clear();
      for (std::size_t k = std::size_t(std::lower_bound(candidates_.begin(), candidates_.end(), c_begin) - candidates_.begin());
           k < candidates_.size() && candidates_[k] < c_end; ++k)
        if (!two_sided_ || (cand_near_[k] <= ex.reach && (!along_axis || cand_x_[k] - ex.x <= ex.bound))) cols_.push_back(candidates_[k]);
      for (std::size_t at = 0; at < cols_.size() && !v.done(); at += kChunk)
        chunk({cols_.data() + at, std::min(cols_.size() - at, kChunk)}, v);
    }
  }

  // What spans [begin, end) reach together: their annuli's hull, the farthest any of their
  // queries reaches from the queries' own centre, their largest bound and place on the axis.
  struct Extent {
    double lo, hi, reach, bound, x;
  };
  Extent extent(std::size_t begin, std::size_t end) const {
    Extent ex{spans_[begin].lo, spans_[begin].hi, 0.0, 0.0, -std::numeric_limits<double>::infinity()};
    for (std::size_t k = begin; k < end; ++k) {
      const Span& sp = spans_[k];
      ex.lo = std::min(ex.lo, sp.lo), ex.hi = std::max(ex.hi, sp.hi), ex.x = std::max(ex.x, sp.x);
      ex.reach = std::max(ex.reach, double(t_.to_centroid[queries_[sp.query]]) + bounds_[sp.query] + slack_);
      ex.bound = std::max(ex.bound, bounds_[sp.query] + slack_);
    }
    return ex;
  }

  // The columns of a leaf, from tree position `from` to `end`, within the extent's annuli.
  std::pair<std::size_t, std::size_t> columns(const Extent& ex, std::size_t from, std::size_t end) const {
    const float* first = t_.to_centroid.data() + from;
    const float* last = t_.to_centroid.data() + end;
    return {from + std::size_t(std::lower_bound(first, last, float(ex.lo)) - first),
            from + std::size_t(std::upper_bound(first, last, float(ex.hi)) - first)};
  }

  // The columns some span reaches (into candidates_, ascending): for another leaf than the
  // queries' own, only those that pass the two-sided tests for the loosest of the queries (with
  // their distance to the queries' centre and place on the axis, for each group's own tests).
  void select_candidates(const Entry& e, std::size_t from, bool along_axis) {
    const Extent ex = extent(0, spans_.size());
    const auto [begin, end] = columns(ex, from, t_.nodes[e.node].end);
    candidates_.clear();
    cand_near_.clear();
    cand_x_.clear();
    two_sided_ = own_leaf_ != kNone && own_leaf_ != e.node;
    if (!two_sided_) {
      for (std::size_t c = begin; c < end; ++c) candidates_.push_back(c);
      return;
    }
    distances_to_own_centre(begin, end, along_axis ? &e.axis : nullptr);
    for (std::size_t c = begin; c < end; ++c)
      if (own_near_[c - begin] <= ex.reach && (!along_axis || own_x_[c - begin] - ex.x <= ex.bound)) {
        candidates_.push_back(c);
        cand_near_.push_back(own_near_[c - begin]);
        cand_x_.push_back(own_x_[c - begin]);
      }
  }

  // Lower bounds on the distances from columns [begin, end) to the centre of the queries' leaf,
  // and, given the axis from that centre to the columns' own, on their places along it.
  void distances_to_own_centre(std::size_t begin, std::size_t end, const Interval* axis) {
    const std::size_t dim = t_.space.dim, n = end - begin;
    own_near_.resize(n);
    own_x_.resize(n);
    dots_.resize(n);
    dot_block(t_.centroid(own_leaf_), 1, t_.space.row(begin), n, dim, dots_.data());
    const double cn = t_.centroid_norms[own_leaf_];
    for (std::size_t k = 0; k < n; ++k) {
      double xn = t_.space.norms[begin + k], d2 = xn + cn - 2.0 * dots_[k], a2_lo = std::max(0.0, d2 - tolerance(xn, cn, dim));
      own_near_[k] = std::sqrt(a2_lo);
      if (axis) own_x_[k] = along_axis_at_least(a2_lo - squared_around_float(t_.to_centroid[begin + k]).second, *axis);
    }
  }


  // The group's queries still searching against the candidates `cols`: one GEMM, or one per
  // part when the visitor splits the tile (pairs it does not need).
  template <class Visitor>
  void chunk(std::span<const std::size_t> cols, Visitor& v) {
    rows_at_.clear();
    for (std::size_t q : group_)
      if (bounds_[q] >= 0) rows_at_.push_back(queries_[q]);
    if (rows_at_.empty()) return;
    if constexpr (requires { v.split(cols, rows_at_, parts_); }) {
      v.split(cols, rows_at_, parts_);
      for (const TilePart& part : parts_)
        if (!part.rows.empty() && !part.cols.empty()) gemm(part.rows, part.cols, v);
    } else {
      gemm(rows_at_, cols, v);
    }
    for (std::size_t q : group_) update_bound(v, q);
  }

  template <class Visitor>
  void gemm(std::span<const std::size_t> rows, std::span<const std::size_t> cols, Visitor& v) {
    const std::size_t dim = t_.space.dim, m = rows.size(), n = cols.size();
    tile_rows_.resize(m * dim);
    for (std::size_t r = 0; r < m; ++r) std::copy_n(t_.space.row(rows[r]), dim, tile_rows_.data() + r * dim);
    const float* col_rows = t_.space.row(cols[0]);
    if (cols.back() - cols.front() + 1 != n) {  // not contiguous: gathered
      tile_cols_.resize(n * dim);
      for (std::size_t k = 0; k < n; ++k) std::copy_n(t_.space.row(cols[k]), dim, tile_cols_.data() + k * dim);
      col_rows = tile_cols_.data();
    }
    col_norms_.resize(n);
    for (std::size_t k = 0; k < n; ++k) col_norms_[k] = t_.space.norms[cols[k]];
    dots_.resize(m * n);
    dot_block(tile_rows_.data(), m, col_rows, n, dim, dots_.data());
    v.tile(Tile{&t_, rows.data(), m, cols.data(), n, dots_.data(), col_norms_.data()});
  }


  const Tree& t_;
  double slack_;
  const LeafReach* reach_;
  std::vector<std::size_t> kids_;  // the children push() measures
  std::vector<Interval> kid_axis_;
  std::vector<float> kid_rows_, own_dots_;
  std::vector<std::size_t> queries_;  // tree positions
  std::vector<double> bounds_;        // per query, as a distance; negative: done
  std::vector<Entry> stack_;
  std::vector<std::size_t> highest_;  // per stack entry: end of the distances it and those below use
  std::vector<double> near_, far_;    // per entry, per query
  std::size_t own_leaf_ = kNone;  // the leaf every query lies in, if they share one
  std::vector<double> own_near_, own_x_;  // per column of a leaf: to the queries' centre, on the axis
  std::vector<std::size_t> candidates_;    // a leaf's columns worth a test per group
  std::vector<double> cand_near_, cand_x_;  // theirs of own_near_ and own_x_
  bool two_sided_ = false;
  bool searching_dirty_ = true;
  std::vector<std::size_t> searching_;  // indices of the queries still searching
  std::vector<std::size_t> active_;     // indices of the queries whose rows are in rows_
  std::vector<Span> spans_;
  std::vector<std::size_t> group_, cols_, rows_at_;
  std::vector<TilePart> parts_;  // a group's queries (indices), candidates, rows (positions)
  std::vector<float> rows_, tile_rows_, tile_cols_, col_norms_, dots_;
};

}  // namespace castnet::index
