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
// void narrow(std::span<const std::size_t> cols, std::vector<std::size_t>& rows) (asked before
// each GEMM; removes the rows it does not need).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include "ball_tree.hpp"
#include "tile.hpp"

namespace castnet::index {

class BlockSearch {
 public:
  // slack: how far float rows, centroids and radii may be from the input's exact distances.
  BlockSearch(const Tree& t, double slack) : t_(t), slack_(slack) {}

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
  };
  struct Span {  // the columns of a leaf one query reaches
    std::size_t c_begin, c_end, query;  // query: index into queries_
    bool operator<(const Span& o) const { return c_begin < o.c_begin || (c_begin == o.c_begin && query < o.query); }
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
  // an interval that holds the exact distance despite the float GEMM (others: infinity). The
  // nodes go on the stack nearest last, to be visited first.
  void push(std::size_t first, std::size_t count) {
    gather();
    const std::size_t dim = t_.space.dim, m = active_.size();
    dots_.resize(m * count);
    dot_block(rows_.data(), m, t_.centroid(first), count, dim, dots_.data());
    const std::size_t base = stack_.size();
    for (std::size_t c = 0; c < count; ++c) {
      const double cn = t_.centroid_norms[first + c];
      Entry e{std::numeric_limits<double>::infinity(), first + c, near_.size()};
      near_.resize(near_.size() + queries(), std::numeric_limits<double>::infinity());
      far_.resize(far_.size() + queries(), std::numeric_limits<double>::infinity());
      for (std::size_t r = 0; r < m; ++r) {
        double qn = t_.space.norms[queries_[active_[r]]];
        double d2 = qn + cn - 2.0 * dots_[r * count + c], err = tolerance(qn, cn, dim);
        std::size_t at = e.at + active_[r];
        near_[at] = std::sqrt(std::max(0.0, d2 - err));
        far_[at] = std::sqrt(std::max(0.0, d2 + err));
        if (bounds_[active_[r]] >= 0) e.lower = std::min(e.lower, near_[at] - t_.nodes[first + c].radius);
      }
      if (holds_own_leaf(first + c)) e.lower = -std::numeric_limits<double>::infinity();
      stack_.push_back(e);
    }
    // Nearest on top; the distances stay where they are (entries keep their offsets).
    highest_.resize(base);
    std::sort(stack_.begin() + std::ptrdiff_t(base), stack_.end(),
              [](const Entry& a, const Entry& b) { return a.lower > b.lower || (a.lower == b.lower && a.node > b.node); });
    for (std::size_t k = base; k < stack_.size(); ++k)
      highest_.push_back(std::max(k ? highest_[k - 1] : 0, stack_[k].at + queries()));
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
  // bound of the query's own distance to that centre can be close enough. The queries reaching
  // the leaf go in groups of kGroup, each over its own columns. Queries of one leaf keep their
  // order, which is by distance to their own centre, so that each group's two-sided test is
  // tight; others are sorted by where their annulus starts.
  template <class Visitor>
  void leaf(const Entry& e, Visitor& v) {
    const Node& node = t_.nodes[e.node];
    const float* first = t_.to_centroid.data() + node.begin;
    const float* last = t_.to_centroid.data() + node.end;
    const std::size_t from = std::max(node.begin, first_column(v));
    spans_.clear();
    for (std::size_t q : searching()) {
      double b = bounds_[q];
      if (near_[e.at + q] - node.radius > b + slack_) continue;
      std::size_t c_begin = node.begin + std::size_t(std::lower_bound(first, last, float(near_[e.at + q] - b - slack_)) - first);
      std::size_t c_end = node.begin + std::size_t(std::upper_bound(first, last, float(far_[e.at + q] + b + slack_)) - first);
      c_begin = std::max(c_begin, from);
      if (c_begin < c_end) spans_.push_back({c_begin, c_end, q});
    }
    if (spans_.empty()) return;
    if (own_leaf_ == kNone) std::sort(spans_.begin(), spans_.end());
    std::size_t range_begin = spans_.front().c_begin, range_end = 0;
    for (const Span& sp : spans_) range_end = std::max(range_end, sp.c_end), range_begin = std::min(range_begin, sp.c_begin);
    const bool two_sided = own_leaf_ != kNone && own_leaf_ != e.node;
    if (two_sided) distances_to_own_centre(range_begin, range_end);
    for (std::size_t g = 0; g < spans_.size() && !v.done(); g += kGroup) {
      std::size_t g_end = std::min(spans_.size(), g + kGroup), c_begin = range_end, c_end = 0;
      double reach = 0;
      group_.clear();
      for (std::size_t k = g; k < g_end; ++k) {
        group_.push_back(spans_[k].query);
        c_begin = std::min(c_begin, spans_[k].c_begin);
        c_end = std::max(c_end, spans_[k].c_end);
        reach = std::max(reach, double(t_.to_centroid[queries_[spans_[k].query]]) + bounds_[spans_[k].query] + slack_);
      }
      cols_.clear();
      for (std::size_t c = c_begin; c < c_end; ++c)
        if (!two_sided || own_near_[c - range_begin] <= reach) cols_.push_back(c);
      for (std::size_t at = 0; at < cols_.size() && !v.done(); at += kChunk)
        chunk({cols_.data() + at, std::min(cols_.size() - at, kChunk)}, v);
    }
  }

  // Lower bounds on the distances from columns [begin, end) to the centre of the queries' leaf.
  void distances_to_own_centre(std::size_t begin, std::size_t end) {
    const std::size_t dim = t_.space.dim, n = end - begin;
    own_near_.resize(n);
    dots_.resize(n);
    dot_block(t_.centroid(own_leaf_), 1, t_.space.row(begin), n, dim, dots_.data());
    const double cn = t_.centroid_norms[own_leaf_];
    for (std::size_t k = 0; k < n; ++k) {
      double xn = t_.space.norms[begin + k], d2 = xn + cn - 2.0 * dots_[k];
      own_near_[k] = std::sqrt(std::max(0.0, d2 - tolerance(xn, cn, dim)));
    }
  }

  // One GEMM: the group's queries still searching against the candidates `cols`.
  template <class Visitor>
  void chunk(std::span<const std::size_t> cols, Visitor& v) {
    rows_at_.clear();
    for (std::size_t q : group_)
      if (bounds_[q] >= 0) rows_at_.push_back(queries_[q]);
    if constexpr (requires { v.narrow(cols, rows_at_); }) v.narrow(cols, rows_at_);
    if (rows_at_.empty()) return;
    const std::size_t dim = t_.space.dim, m = rows_at_.size(), n = cols.size();
    tile_rows_.resize(m * dim);
    for (std::size_t r = 0; r < m; ++r) std::copy_n(t_.space.row(rows_at_[r]), dim, tile_rows_.data() + r * dim);
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
    v.tile(Tile{&t_, rows_at_.data(), m, cols.data(), n, dots_.data(), col_norms_.data()});
    for (std::size_t q : group_) update_bound(v, q);
  }

  const Tree& t_;
  double slack_;
  std::vector<std::size_t> queries_;  // tree positions
  std::vector<double> bounds_;        // per query, as a distance; negative: done
  std::vector<Entry> stack_;
  std::vector<std::size_t> highest_;  // per stack entry: end of the distances it and those below use
  std::vector<double> near_, far_;    // per entry, per query
  std::size_t own_leaf_ = kNone;  // the leaf every query lies in, if they share one
  std::vector<double> own_near_;
  bool searching_dirty_ = true;
  std::vector<std::size_t> searching_;  // indices of the queries still searching
  std::vector<std::size_t> active_;     // indices of the queries whose rows are in rows_
  std::vector<Span> spans_;
  std::vector<std::size_t> group_, cols_, rows_at_;  // a group's queries (indices), candidates, rows (positions)
  std::vector<float> rows_, tile_rows_, tile_cols_, col_norms_, dots_;
};

}  // namespace castnet::index
