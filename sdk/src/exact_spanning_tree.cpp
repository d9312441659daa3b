// Boruvka's minimum spanning forest on the exact engine (neighbors.hpp: spanning_forest). Each
// round, every component takes its lightest edge out within max_weight, found by searching the
// ball tree from its points, and the components those edges join become the next round's. Edges
// are ordered by (weight, a, b), so the forest is unique: the same as the default's Prim. Prim
// reads every point at every step (n^2 reads; HDBSCAN of 100,000 faces took 514 s, their
// rows not fitting in the cache), where a round here is one blocked search (the same in
// 59 s). Four facts keep the rounds after the first small:
//  - a point's lightest edge out stays its lightest while the other end stays outside (the
//    outside only shrinks), so the point searches again only once its component took that end;
//  - no edge out of a point is lighter than its last one, nor than its floor, so a point whose
//    bound is above the best edge its component already has need not search;
//  - a ball all of whose points lie in the searching points' component is never opened;
//  - a point with no edge out within max_weight never searches again.
#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "blas_threads.hpp"
#include "castnet/sdk/parallel.hpp"
#include "exact_index.hpp"

namespace castnet::index {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

// A distance in the metric from a squared distance in the tree's space (space_threshold's inverse).
double metric_distance(double space2, Metric m) {
  space2 = std::max(0.0, space2);
  switch (m) {
    case Metric::euclidean: return std::sqrt(space2);
    case Metric::cosine: return space2 / 2;
    case Metric::hamming: return space2;
  }
  return space2;
}

void lower_to(std::atomic<double>& bound, double w) {
  double now = bound.load(std::memory_order_relaxed);
  while (w < now && !bound.compare_exchange_weak(now, w, std::memory_order_relaxed)) {
  }
}

struct PointState {
  TreeEdge edge{0, 0, kInf};  // the lightest edge out its last search found (a real edge, or none)
  double lower = 0;           // no edge out of the point weighs less
  bool exact = false;         // edge is the lightest out of the point
  bool beyond = false;        // no edge out of the point is within max_weight
};

}  // namespace

class Boruvka {
 public:
  Boruvka(const ExactIndex& index, std::span<const double> floor, double max_weight)
      : ix_(index), t_(index.tree_), n_(index.size()), max_weight_(max_weight), parent_(n_), comp_(n_),
        node_comp_(t_.nodes.size()), point_(n_), bound_(n_), best_(n_) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
    for (std::size_t p = 0; p < n_; ++p) floor_.push_back(floor.empty() ? 0.0 : floor[ix_.input(p)]);
    for (std::size_t p = 0; p < n_; ++p) point_[p].lower = floor_[p];
  }

  std::vector<TreeEdge> run(int threads) {
    OneBlasThread one_blas_thread;
    std::vector<TreeEdge> tree;
    while (tree.size() + 1 < n_) {
      const std::size_t before = tree.size();
      label_components();
      search(searchers(), threads);
      join(tree);
      if (tree.size() == before && max_weight_ == kInf) throw std::logic_error("Boruvka's round joined no components");
      if (tree.size() == before) break;  // no component has an edge out within max_weight
      report_progress("minimum spanning tree", tree.size(), n_ - 1);
    }
    std::sort(tree.begin(), tree.end(), lighter);
    return tree;
  }

 private:
  std::size_t find(std::size_t p) {
    while (parent_[p] != p) p = parent_[p] = parent_[parent_[p]];
    return p;
  }
  std::size_t position(std::size_t input) const { return t_.space.position[input]; }
  std::size_t other_end(std::size_t p) const {
    const TreeEdge& e = point_[p].edge;
    return position(e.a == ix_.input(p) ? e.b : e.a);
  }
  bool leaves(std::size_t p) const { return point_[p].edge.weight < kInf && comp_[other_end(p)] != comp_[p]; }

  // Every point's component, and every ball's when all its points share one (else kNone).
  void label_components() {
    for (std::size_t p = 0; p < n_; ++p) comp_[p] = find(p);
    for (std::size_t id = t_.nodes.size(); id-- > 0;) {
      const Node& node = t_.nodes[id];
      std::size_t c = node.children ? node_comp_[node.first_child] : comp_[node.begin];
      for (std::size_t k = 1; k < node.children && c != kNone; ++k)
        if (node_comp_[node.first_child + k] != c) c = kNone;
      for (std::size_t p = node.begin; !node.children && p < node.end && c != kNone; ++p)
        if (comp_[p] != c) c = kNone;
      node_comp_[id] = c;
    }
  }

  // The points that must search this round, after each component's best edge so far is taken
  // from its points' edges that still leave it.
  std::vector<std::size_t> searchers() {
    for (std::size_t p = 0; p < n_; ++p) best_[comp_[p]] = {0, 0, kInf};
    for (std::size_t p = 0; p < n_; ++p) {
      PointState& s = point_[p];
      if (leaves(p)) {
        if (lighter(s.edge, best_[comp_[p]])) best_[comp_[p]] = s.edge;
      } else if (s.edge.weight < kInf) {  // the edge's end came inside
        if (s.exact) s.lower = std::max(s.lower, s.edge.weight);  // and no lighter edge is left
        s.edge = {0, 0, kInf};
        s.exact = false;
      }
    }
    std::vector<std::size_t> out;
    for (std::size_t p = 0; p < n_; ++p) {
      bound_[p].store(best_[comp_[p]].weight, std::memory_order_relaxed);
      const PointState& s = point_[p];
      if (!s.exact && !s.beyond && s.lower <= std::min(best_[comp_[p]].weight, max_weight_)) out.push_back(p);
    }
    return out;
  }

  struct Visitor;
  void search(const std::vector<std::size_t>& points, int threads);

  // Each component's lightest edge joins it to another (two may pick the same edge).
  void join(std::vector<TreeEdge>& tree) {
    for (std::size_t p = 0; p < n_; ++p)
      if (leaves(p) && lighter(point_[p].edge, best_[comp_[p]])) best_[comp_[p]] = point_[p].edge;
    for (std::size_t r = 0; r < n_; ++r) {
      if (comp_[r] != r || best_[r].weight == kInf) continue;
      std::size_t a = find(position(best_[r].a)), b = find(position(best_[r].b));
      if (a == b) continue;
      parent_[std::max(a, b)] = std::min(a, b);
      tree.push_back(best_[r]);
    }
  }

  const ExactIndex& ix_;
  const Tree& t_;
  std::size_t n_;
  double max_weight_;
  std::vector<double> floor_;                        // per tree position
  std::vector<std::size_t> parent_, comp_, node_comp_;  // union-find; component per position and ball
  std::vector<PointState> point_;                    // per tree position
  std::vector<std::atomic<double>> bound_;           // per component: weight of its best edge so far
  std::vector<TreeEdge> best_;                       // per component
};

// One block of searching points (one leaf's): each keeps the lightest edge out it meets, and
// its search reaches no farther than that edge or its component's best.
struct Boruvka::Visitor {
  Boruvka& b;
  std::size_t block_comp;  // the component of every query, or kNone
  double bound(std::size_t q) const {
    return std::min({b.point_[q].edge.weight, b.bound_[b.comp_[q]].load(std::memory_order_relaxed), b.max_weight_});
  }
  double bound2(std::size_t q) const {
    double w = bound(q);
    if (b.floor_[q] > w) return -1.0;  // nothing out of q is light enough
    return w == kInf ? kInf : space_threshold(w, b.ix_.x_.metric) + b.ix_.tolerance(q);
  }
  bool done() const { return false; }
  bool skip(std::size_t node) const { return block_comp != kNone && b.node_comp_[node] == block_comp; }
  void tile(const Tile& t) {
    for (std::size_t r = 0; r < t.m; ++r) row(t, r);
  }
  void row(const Tile& t, std::size_t r) {
    const std::size_t q = t.rows[r], cq = b.comp_[q], iq = b.ix_.input(q);
    const Metric metric = b.ix_.x_.metric;
    PointState& s = b.point_[q];
    double w_max = bound(q);
    if (b.floor_[q] > w_max) return;
    double limit2 = w_max == kInf ? kInf : space_threshold(w_max, metric) + b.ix_.tolerance(q);
    for (std::size_t k = 0; k < t.n; ++k) {
      const std::size_t c = t.cols[k];
      const double a = t.approx2(r, k);
      if (a > limit2 || b.comp_[c] == cq) continue;
      const std::size_t ic = b.ix_.input(c);
      const double tol = tolerance(t.tree->space.norms[q], t.col_norms[k], t.tree->space.dim);
      const double floor = std::max(b.floor_[q], b.floor_[c]);
      double w = floor;  // the distance is surely below both floors, or else taken exactly
      if (metric_distance(a + tol, metric) > floor) {
        if (metric_distance(a - tol, metric) > w_max) continue;
        w = std::max(floor, b.ix_.x_.distance(iq, ic));
      }
      TreeEdge e{std::min(iq, ic), std::max(iq, ic), w};
      if (w > w_max || !lighter(e, s.edge)) continue;
      s.edge = e;
      lower_to(b.bound_[cq], w);
      w_max = std::min(w_max, w);
      limit2 = space_threshold(w_max, metric) + b.ix_.tolerance(q);
    }
  }
};

void Boruvka::search(const std::vector<std::size_t>& points, int threads) {
  std::vector<std::pair<std::size_t, std::size_t>> groups;  // [begin, end) into points, by block
  auto block_of = [&](std::size_t p) {
    return std::upper_bound(t_.blocks.begin(), t_.blocks.end(), std::pair{p, kNone}) - t_.blocks.begin();
  };
  for (std::size_t k = 0; k < points.size(); ++k)
    if (k == 0 || block_of(points[k]) != block_of(points[k - 1])) groups.emplace_back(k, k + 1);
    else groups.back().second = k + 1;
  parallel_for(groups.size(), threads, [&](std::size_t g) {
    std::span<const std::size_t> group(points.data() + groups[g].first, groups[g].second - groups[g].first);
    std::size_t common = comp_[group[0]];
    for (std::size_t q : group)
      if (comp_[q] != common) common = kNone;
    Visitor v{*this, common};
    ix_.search().run(group, v);
    // Pruned candidates weighed more than the query's bound at the time, which never fell below
    // the component's final bound (or max_weight): the query's edge is its lightest if it is no
    // heavier; with no edge and a bound of max_weight, there is none within it.
    for (std::size_t q : group) {
      PointState& s = point_[q];
      double component = std::min(bound_[comp_[q]].load(std::memory_order_relaxed), max_weight_);
      s.exact = s.edge.weight <= component;
      s.beyond = s.edge.weight == kInf && component == max_weight_;
      s.lower = std::max(s.lower, s.exact ? s.edge.weight : component);
    }
  }, 1);
}

std::vector<TreeEdge> ExactIndex::spanning_forest(std::span<const double> floor, double max_weight, int threads) const {
  if (size() < 2) return {};
  return Boruvka(*this, floor, max_weight).run(threads);
}

}  // namespace castnet::index
