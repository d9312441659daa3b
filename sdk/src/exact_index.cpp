// The exact engine: a ball tree (ball_tree.hpp) searched one block of queries at a time
// (block_search.hpp). Float GEMM proposes; a pair whose float distance lies within the GEMM's
// error of the radius is decided again by castnet::distance() in double on the input, so every
// answer equals the brute force's.
#include "exact_index.hpp"

#include <limits>
#include <mutex>

#include "blas_threads.hpp"
#include "castnet/sdk/parallel.hpp"

namespace castnet::index {

void ExactIndex::within(std::size_t i, double r, std::vector<std::size_t>& out) const {
  struct Visitor {
    Radius r;
    std::vector<std::size_t>& out;
    double bound2(std::size_t q) const { return r.bound2(q); }
    bool done() const { return false; }
    void tile(const Tile& t) {
      r.scan(t, 0, 0, [&](std::size_t c) {
        out.push_back(r.index->input(c));
        return true;
      });
    }
  } v{radius(r), out};
  out.clear();
  const std::size_t p = tree_.space.position[i];
  search().run(p, p + 1, v);
  std::sort(out.begin(), out.end());
}

// Makes the leaves' reach only for many points (an eighth of all, say the faces Chinese whispers
// searches in full): for a few it would cost more than it saves. Uses it if made before.
void ExactIndex::within_each(std::span<const std::size_t> points, double r, int threads, const WithinVisitor& found) const {
  index::OneBlasThread one_blas_thread;
  if (points.size() * 8 >= size()) prepare_reach(r, threads);
  struct Visitor {
    Radius r;
    const std::vector<std::size_t>& group;  // tree positions, ascending
    std::vector<std::vector<std::size_t>>& hits;
    double bound2(std::size_t q) const { return r.bound2(q); }
    bool done() const { return false; }
    void tile(const Tile& t) {
      for (std::size_t row = 0; row < t.m; ++row) {
        auto& out = hits[std::size_t(std::lower_bound(group.begin(), group.end(), t.rows[row]) - group.begin())];
        r.scan(t, row, 0, [&](std::size_t c) {
          out.push_back(r.index->input(c));
          return true;
        });
      }
    }
  };
  // Queries in tree order, grouped by the query block they fall in: neighbours search together.
  std::vector<std::size_t> order;
  for (std::size_t i : points) order.push_back(tree_.space.position[i]);
  std::sort(order.begin(), order.end());
  std::vector<std::pair<std::size_t, std::size_t>> groups;  // [begin, end) into order
  auto block_of = [&](std::size_t p) {
    return std::upper_bound(tree_.blocks.begin(), tree_.blocks.end(), std::pair{p, SIZE_MAX}) - tree_.blocks.begin();
  };
  for (std::size_t k = 0; k < order.size(); ++k)
    if (k == 0 || block_of(order[k]) != block_of(order[k - 1])) groups.emplace_back(k, k + 1);
    else groups.back().second = k + 1;
  SearchProgress progress("neighbourhoods", points.size());
  parallel_for(groups.size(), threads, [&](std::size_t g) {
    std::vector<std::size_t> group(order.begin() + std::ptrdiff_t(groups[g].first), order.begin() + std::ptrdiff_t(groups[g].second));
    std::vector<std::vector<std::size_t>> hits(group.size());
    Visitor v{radius(r), group, hits};
    search().run(group, v);
    for (std::size_t k = 0; k < group.size(); ++k) {
      std::sort(hits[k].begin(), hits[k].end());
      found(input(group[k]), hits[k]);
    }
    progress.add(group.size());
  }, 1);
}

std::vector<std::size_t> ExactIndex::count_within(double r, std::size_t cap, int threads, const WithinVisitor& found) const {
  index::OneBlasThread one_blas_thread;
  prepare_reach(r, threads);
  struct Visitor {
    Radius r;
    std::size_t cap, q_begin;
    std::vector<std::size_t>& count;  // by tree position
    std::vector<std::vector<std::size_t>>& hits;  // per query of the block, input indices
    std::size_t open;
    double bound2(std::size_t q) const { return count[q] < cap ? r.bound2(q) : -1.0; }
    bool done() const { return open == 0; }
    void tile(const Tile& t) {
      for (std::size_t row = 0; row < t.m; ++row) {
        std::size_t& n = count[t.rows[row]];
        if (n >= cap) continue;  // done in an earlier chunk of this leaf
        auto& mine = hits[t.rows[row] - q_begin];
        r.scan(t, row, 0, [&](std::size_t c) {
          mine.push_back(r.index->input(c));
          return ++n < cap;
        });
        open -= n >= cap;
      }
    }
  };
  std::vector<std::size_t> by_position(size(), 0);
  std::mutex serial;
  SearchProgress progress("neighbour counts", size());
  parallel_for(tree_.blocks.size(), threads, [&](std::size_t b) {
    auto [begin, end] = tree_.blocks[b];
    if (cap == 0) return;
    std::vector<std::vector<std::size_t>> hits(end - begin);
    Visitor v{radius(r), cap, begin, by_position, hits, end - begin};
    search().run(begin, end, v);
    if (found) {
      std::lock_guard lock(serial);
      for (std::size_t p = begin; p < end; ++p) {
        std::sort(hits[p - begin].begin(), hits[p - begin].end());
        found(input(p), hits[p - begin]);
      }
    }
    progress.add(end - begin);
  }, 1);
  std::vector<std::size_t> counts(size());
  for (std::size_t p = 0; p < size(); ++p) counts[input(p)] = by_position[p];
  return counts;
}

void ExactIndex::Candidates::offer(double a, std::size_t c, std::size_t keep) {
  if (heap.size() < keep) {
    heap.emplace_back(a, c);
    std::push_heap(heap.begin(), heap.end());
  } else if (a < heap.front().first) {
    std::pop_heap(heap.begin(), heap.end());
    heap.back() = {a, c};
    std::push_heap(heap.begin(), heap.end());
  }
}

bool ExactIndex::settle(std::size_t p, const Candidates& found, std::size_t k, std::size_t keep, bool value_only,
                        std::vector<Neighbor>& out) const {
  // A k-th distance of 0 is the k-th's value whatever was left out (it cannot be smaller).
  return settle_within(p, found, k, keep, std::numeric_limits<double>::infinity(), out) || (value_only && out.back().distance == 0);
}

bool ExactIndex::try_nearest(std::size_t p, std::size_t k, std::size_t keep, bool value_only, std::vector<Neighbor>& out) const {
  struct Visitor {
    const ExactIndex* index;
    std::size_t keep;
    Candidates found;
    double bound2(std::size_t q) const { return found.bound2(keep, index->tolerance(q)); }
    bool done() const { return false; }
    void tile(const Tile& t) {
      for (std::size_t c = 0; c < t.n; ++c) found.offer(t.approx2(0, c), t.cols[c], keep);
    }
  } v{this, keep, {}};
  search().run(p, p + 1, v);
  return settle(p, v.found, k, keep, value_only, out);
}

void ExactIndex::nearest(std::size_t i, std::size_t k, std::vector<Neighbor>& out) const {
  k = std::min(k, size());
  const std::size_t p = tree_.space.position[i];
  for (std::size_t keep = k + kSpareNeighbours; keep < size(); keep *= 2)
    if (try_nearest(p, k, keep, false, out)) return;
  NeighborIndex::nearest(i, k, out);  // ties everywhere: every point is a candidate anyway
}

// A leaf of queries at a time; a query whose answer the float bounds cannot prove (ties at the
// k-th distance) searches again alone with more candidates.
std::vector<double> ExactIndex::kth_distance(std::size_t k, int threads) const {
  index::OneBlasThread one_blas_thread;
  const std::size_t keep = k + 1 + kSpareNeighbours;
  if (keep >= size()) return NeighborIndex::kth_distance(k, threads);
  struct Visitor {
    const ExactIndex* index;
    std::size_t keep, q_begin;
    std::vector<Candidates> found;  // per query of the block
    double bound2(std::size_t q) const { return found[q - q_begin].bound2(keep, index->tolerance(q)); }
    bool done() const { return false; }
    void tile(const Tile& t) {
      for (std::size_t r = 0; r < t.m; ++r)
        for (std::size_t c = 0; c < t.n; ++c) found[t.rows[r] - q_begin].offer(t.approx2(r, c), t.cols[c], keep);
    }
  };
  std::vector<double> kth(size());
  SearchProgress progress("nearest neighbours", size());
  parallel_for(tree_.blocks.size(), threads, [&](std::size_t b) {
    auto [begin, end] = tree_.blocks[b];
    Visitor v{this, keep, begin, std::vector<Candidates>(end - begin)};
    search().run(begin, end, v);
    std::vector<Neighbor> near;
    for (std::size_t p = begin; p < end; ++p) {
      if (!settle(p, v.found[p - begin], k + 1, keep, true, near)) {
        for (std::size_t more = 2 * keep; !try_nearest(p, k + 1, more, true, near); more *= 2)
          if (more >= size()) {
            NeighborIndex::nearest(input(p), k + 1, near);
            break;
          }
      }
      kth[input(p)] = near[k].distance;
    }
    progress.add(end - begin);
  }, 1);
  return kth;
}

bool ExactIndex::settle_within(std::size_t p, const Candidates& found, std::size_t k, std::size_t keep, double radius,
                               std::vector<Neighbor>& out) const {
  out.clear();
  for (const auto& [a, c] : found.heap)
    if (double d = x_.distance(input(p), input(c)); d <= radius) out.push_back({input(c), d});
  std::sort(out.begin(), out.end(), [](const Neighbor& a, const Neighbor& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
  });
  if (found.heap.size() < keep) {  // every point (within the radius) was a candidate, and kept
    out.resize(std::min(k, out.size()));
    return true;
  }
  if (out.size() < k) return false;  // the heap filled up with points just outside the radius
  out.resize(k);
  // Every point left out has a float distance of at least the heap's largest, so an exact one
  // of at least that minus the float error: the answer stands if the k-th lies below that.
  return index::space_threshold(out.back().distance, x_.metric) < found.heap.front().first - tolerance(p);
}

// As kth_distance, with the search bounded by the radius: a face far from every other (a rare
// person's) stops at the radius rather than searching out to its k-th nearest.
void ExactIndex::nearest_within_each(std::size_t k, double r, int threads, const NearestVisitor& found, std::size_t budget) const {
  index::OneBlasThread one_blas_thread;
  prepare_reach(r, threads);  // the radius bounds every search: rare people's faces search out to it
  k = std::min(k, size());
  const std::size_t keep = k + kSpareNeighbours;
  if (keep >= size()) return NeighborIndex::nearest_within_each(k, r, threads, found, budget);
  const double r2 = radius(r).threshold;
  struct Visitor {
    const ExactIndex* index;
    std::size_t keep, budget, q_begin;
    double r2;
    std::vector<Candidates> found;   // per query of the block
    std::vector<std::size_t> seen;   // candidates measured, per query
    std::size_t open;                // queries still searching
    bool stopped(std::size_t i) const { return budget && seen[i] >= budget && found[i].heap.size() >= keep; }
    double bound2(std::size_t q) const {
      if (stopped(q - q_begin)) return -1.0;
      return std::min(found[q - q_begin].bound2(keep, index->tolerance(q)), r2 + index->tolerance(q));
    }
    bool done() const { return open == 0; }
    void tile(const Tile& t) {
      for (std::size_t row = 0; row < t.m; ++row) {
        const std::size_t i = t.rows[row] - q_begin;
        if (stopped(i)) continue;
        const double limit = r2 + index->tolerance(t.rows[row]);
        for (std::size_t c = 0; c < t.n; ++c)
          if (double a = t.approx2(row, c); a <= limit) found[i].offer(a, t.cols[c], keep);
        seen[i] += t.n;
        open -= stopped(i);
      }
    }
  };
  std::mutex serial;
  SearchProgress progress("nearest neighbours", size());
  parallel_for(tree_.blocks.size(), threads, [&](std::size_t b) {
    auto [begin, end] = tree_.blocks[b];
    Visitor v{this, keep, budget, begin, r2, std::vector<Candidates>(end - begin), std::vector<std::size_t>(end - begin, 0), end - begin};
    search().run(begin, end, v);
    std::vector<std::vector<Neighbor>> near(end - begin);
    for (std::size_t p = begin; p < end; ++p) {
      auto& mine = near[p - begin];
      bool exact = settle_within(p, v.found[p - begin], k, keep, r, mine);
      if (exact || v.stopped(p - begin)) continue;  // a search stopped by the budget keeps what it measured
      // Ties at the k-th distance, or a heap filled just outside the radius: unbounded, more candidates.
      for (std::size_t more = 2 * keep;; more *= 2) {
        if (more >= size()) {
          NeighborIndex::nearest(input(p), k, mine);
          break;
        }
        if (try_nearest(p, k, more, false, mine)) break;
      }
      mine.erase(std::find_if(mine.begin(), mine.end(), [&](const Neighbor& n) { return n.distance > r; }), mine.end());
    }
    std::lock_guard lock(serial);
    for (std::size_t p = begin; p < end; ++p) found(input(p), near[p - begin]);
    progress.add(end - begin);
  }, 1);
}

namespace {
enum class Leaves { own, others, all };  // which leaves a pass of pairs_within searches
}  // namespace

void ExactIndex::pairs_within(double r, int threads, const PairGroups& groups, const PairVisitor& found) const {
  index::OneBlasThread one_blas_thread;
  prepare_reach(r, threads);
  // Blocks are searched in parallel; the caller's groups and visitor run one at a time, under
  // `serial`, the pairs of a tile handed over together.
  struct Visitor {
    Radius r;
    const PairGroups& groups;
    const PairVisitor& found;
    std::mutex& serial;
    std::size_t q_begin, own_leaf;
    Leaves leaves;
    std::vector<char> left_out;  // per query of the block: the caller needs no pair with it
    std::vector<std::size_t> inputs, group;
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    double bound2(std::size_t q) const { return left_out[q - q_begin] ? -1.0 : r.bound2(q); }
    bool done() const { return false; }
    std::size_t first_column() const { return q_begin; }
    bool skip(std::size_t node) const {
      const Node &n = r.index->tree_.nodes[node], &own = r.index->tree_.nodes[own_leaf];
      const bool holds_own = n.begin <= own.begin && own.end <= n.end;
      return leaves == Leaves::own ? !holds_own : leaves == Leaves::others && node == own_leaf;
    }
    // Which of the block's queries the caller needs no pair with: they search nothing.
    void leave_out(std::size_t end) {
      left_out.assign(end - q_begin, 0);
      if (!groups) return;
      inputs.clear();
      for (std::size_t p = q_begin; p < end; ++p) inputs.push_back(r.index->input(p));
      group.resize(inputs.size());
      {
        std::lock_guard lock(serial);
        groups(inputs, group);
      }
      for (std::size_t k = 0; k < group.size(); ++k) left_out[k] = group[k] == kNoPairs;
    }
    // The rows of the rows' most common group need only the columns of other groups; the other
    // rows need every column. Two GEMMs, most often a sliver each, where one group's leaf meets
    // another leaf of that group (an anchor on screen all year fills a hundred leaves). Columns
    // the caller needs no pair with are left out of both. (The rows are never such: see bound2.)
    void split(std::span<const std::size_t> cols, const std::vector<std::size_t>& rows, std::vector<TilePart>& parts) {
      parts.resize(2);
      for (TilePart& part : parts) part.rows.clear(), part.cols.clear();
      if (!groups) {
        parts[0].rows = rows;
        parts[0].cols.assign(cols.begin(), cols.end());
        return;
      }
      inputs.clear();
      for (std::size_t p : rows) inputs.push_back(r.index->input(p));
      for (std::size_t p : cols) inputs.push_back(r.index->input(p));
      group.resize(inputs.size());
      {
        std::lock_guard lock(serial);
        groups(inputs, group);
      }
      std::size_t major = group[0], votes = 0;  // Boyer-Moore's majority vote
      for (std::size_t k = 0; k < rows.size(); ++k)
        if (votes == 0) major = group[k], votes = 1;
        else votes = group[k] == major ? votes + 1 : votes - 1;
      for (std::size_t k = 0; k < rows.size(); ++k) (group[k] == major ? parts[1] : parts[0]).rows.push_back(rows[k]);
      for (std::size_t k = 0; k < cols.size(); ++k) {
        const std::size_t g = group[rows.size() + k];
        if (g == kNoPairs) continue;
        if (!parts[0].rows.empty()) parts[0].cols.push_back(cols[k]);
        if (g != major) parts[1].cols.push_back(cols[k]);
      }
    }
    void tile(const Tile& t) {
      pairs.clear();
      for (std::size_t row = 0; row < t.m; ++row)
        r.scan(t, row, t.rows[row] + 1, [&](std::size_t c) {
          pairs.emplace_back(r.index->input(t.rows[row]), r.index->input(c));
          return true;
        });
      if (pairs.empty()) return;
      std::lock_guard lock(serial);
      for (auto [i, j] : pairs) found(i, j);
    }
  };
  // With groups, two passes: every leaf with itself first, so that a caller joining what it
  // finds (DBSCAN) has each leaf's points joined before the pairs across leaves, and the
  // groups drop most of those. Without, one pass: a second would only walk the tree again.
  std::mutex serial;
  const std::vector<Leaves> passes = groups ? std::vector{Leaves::own, Leaves::others} : std::vector{Leaves::all};
  SearchProgress progress("pairs within reach", passes.size() * size());
  for (Leaves leaves : passes)
    parallel_for(tree_.blocks.size(), threads, [&](std::size_t b) {
      auto [begin, end] = tree_.blocks[b];
      Visitor v{radius(r), groups, found, serial, begin, tree_.leaf_at[begin], leaves, {}, {}, {}, {}};
      v.leave_out(end);
      search().run(begin, end, v);
      progress.add(end - begin);
    }, 1);
}

}  // namespace castnet::index

namespace castnet {

std::unique_ptr<NeighborIndex> make_neighbor_index(const EmbeddingSet& x) {
  if (x.size() <= index::kBruteBelow || !index::searchable(x)) return std::make_unique<BruteForceIndex>(x);
  return std::make_unique<index::ExactIndex>(x);
}

}  // namespace castnet
