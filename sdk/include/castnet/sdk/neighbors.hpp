// Neighbour search behind one interface, shared by every clusterer (and any plugin's): range
// queries, counts, k-nearest distances and the pairs within a radius. make_neighbor_index() gives
// the exact engine (a ball tree with blocked GEMM distances, docs/cluster.md); BruteForceIndex
// is the reference it is tested against. Queries are one point or one block at a time: nothing
// ever holds every neighbourhood (scikit-learn's DBSCAN does, and tops out near 120,000 faces on
// 24 GB).
//
// Exact means: every decision equals the one made by castnet::distance() in double precision on
// the input, the same comparison the brute force makes, ties included.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "castnet/sdk/embeddings.hpp"

namespace castnet {

struct Neighbor {
  std::size_t index;
  double distance;
};

// An edge of a spanning tree, a < b.
struct TreeEdge {
  std::size_t a, b;
  double weight;
};

// The order of spanning_forest's edges: by weight, then a, then b.
inline bool lighter(const TreeEdge& x, const TreeEdge& y) {
  return x.weight < y.weight || (x.weight == y.weight && (x.a < y.a || (x.a == y.a && x.b < y.b)));
}

// groups(points, out): out[k] = the group points[k] belongs to now. The caller needs no pair of
// two points of one group (they are joined already, say), and the search may skip such pairs.
// out[k] = kNoPairs: the caller needs no pair with points[k] at all (DBSCAN's points that are
// not core), an answer that must not change during the search. Empty: every pair is needed.
using PairGroups = std::function<void(std::span<const std::size_t> points, std::span<std::size_t> out)>;
using PairVisitor = std::function<void(std::size_t i, std::size_t j)>;
inline constexpr std::size_t kNoPairs = std::size_t(-1);

// Whether the caller needs the pair (i, j) by groups: true when groups is empty.
bool pair_needed(const PairGroups& groups, std::size_t i, std::size_t j);

class NeighborIndex {
 public:
  virtual ~NeighborIndex() = default;
  virtual std::size_t size() const = 0;
  virtual double distance(std::size_t i, std::size_t j) const = 0;
  // Indices j (i itself included) with distance(i, j) <= radius, ascending.
  virtual void within(std::size_t i, double radius, std::vector<std::size_t>& out) const = 0;
  // within() for each of `points`, searched in blocks (far faster than one by one at scale):
  // found(i, hits) once per point, from `threads` workers at once.
  using WithinVisitor = std::function<void(std::size_t i, const std::vector<std::size_t>& hits)>;
  virtual void within_each(std::span<const std::size_t> points, double radius, int threads, const WithinVisitor& found) const;
  // For every point, how many points lie within radius (itself included), counted up to `cap`:
  // a point stops searching once it has cap neighbours (DBSCAN asks for min_samples).
  // found(i, hits), if given, gets the neighbours (ascending) each point's search met: every one
  // where there are fewer than cap, else cap of them. Calls to found never overlap.
  virtual std::vector<std::size_t> count_within(double radius, std::size_t cap, int threads,
                                                const WithinVisitor& found = {}) const;
  // For every point, the distance to its k-th nearest point, the point itself being the 0th
  // (HDBSCAN's core distance; k < size()).
  virtual std::vector<double> kth_distance(std::size_t k, int threads) const;
  // The k nearest points to i (itself included), by distance, then index.
  virtual void nearest(std::size_t i, std::size_t k, std::vector<Neighbor>& out) const;
  // For every point, its k nearest points no farther than radius (itself included), by
  // distance, then index: found(i, near) once per point, the calls never overlapping, the
  // search on `threads` workers. A graph of these holds n*k edges however dense the points are
  // (an anchor's faces), where the pairs within a radius grow with the square of a dense group.
  // budget > 0: a point's search stops once it holds k points within the radius and has
  // measured `budget` candidates, nearest balls first; its k are the nearest of those measured
  // (approximate, as FLANN's `checks`; the same on every run). In a dense group an exact k-th
  // nearest must be proven against most of the group, since in 128-D the nearest are barely
  // nearer than the rest. A point with fewer than k within the radius is always exact.
  using NearestVisitor = std::function<void(std::size_t i, const std::vector<Neighbor>& near)>;
  virtual void nearest_within_each(std::size_t k, double radius, int threads, const NearestVisitor& found,
                                   std::size_t budget = 0) const;
  // For every point, its k nearest among the points `among` (a sample, say) no farther than
  // radius (itself included if it is among them), by distance, then index: found(i, near) once
  // per point, the calls never overlapping. Chinese whispers links a large person's faces this
  // way: their nearest among all would have to be proven against most of the person.
  virtual void nearest_among_each(std::span<const std::size_t> among, std::size_t k, double radius, int threads,
                                  const NearestVisitor& found) const;
  // Calls found(i, j) once for every unordered pair i != j within radius, in no set order,
  // searching with `threads` workers; it may skip pairs whose points `groups` puts in one group.
  // Calls to groups and found never overlap: they need no lock of their own.
  virtual void pairs_within(double radius, int threads, const PairGroups& groups, const PairVisitor& found) const;
  // The minimum spanning forest of the edges no heavier than max_weight (infinity: the minimum
  // spanning tree), the edge between a and b weighing max(floor[a], floor[b], distance(a, b)):
  // with floors of 0 (floor empty) single linkage's, whose trees within eps are DBSCAN's
  // clusters of core points; with core distances HDBSCAN's tree of mutual reachability. Equal
  // weights are ordered by (a, b), so the forest is unique and every index returns the same
  // edges, sorted by weight, a, b. This default is Prim's algorithm, n^2 distances; the exact
  // engine's is Boruvka's on its tree.
  virtual std::vector<TreeEdge> spanning_forest(std::span<const double> floor, double max_weight, int threads) const;
};

// Exact: compares every pair, in double precision. The reference; slow past a few thousand.
class BruteForceIndex final : public NeighborIndex {
 public:
  explicit BruteForceIndex(const EmbeddingSet& x) : x_(x) {}
  std::size_t size() const override { return x_.size(); }
  double distance(std::size_t i, std::size_t j) const override { return x_.distance(i, j); }
  void within(std::size_t i, double radius, std::vector<std::size_t>& out) const override;

 private:
  const EmbeddingSet& x_;
};

// The exact engine for x (which must outlive it). The tree is built the same way on every run
// (its subtrees on all cores, one BLAS thread each); each query method takes its own thread
// count. Falls back to brute force where the tree cannot prune: a few hundred points, cosine
// with a zero row, hamming on components other than 0 and 1.
std::unique_ptr<NeighborIndex> make_neighbor_index(const EmbeddingSet& x);

// Approximate (opt-in): an HNSW graph (hnswlib). What it returns is exact -- real distances,
// real pairs -- but some neighbours may be missed, and pairs_within gives only the pairs among
// each point's 32 nearest. Euclidean and cosine; other metrics get the exact engine.
std::unique_ptr<NeighborIndex> make_approximate_index(const EmbeddingSet& x);

}  // namespace castnet
