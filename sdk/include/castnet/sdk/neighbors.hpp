// Radius neighbour search behind one small interface, so that a year of faces can move to an
// approximate index (hnswlib) without touching the clusterers. Queries are one point at a time:
// a clusterer never needs every neighbourhood in memory at once (scikit-learn's DBSCAN does,
// and tops out near 120,000 faces on 24 GB).
#pragma once
#include <cstddef>
#include <vector>

#include "castnet/sdk/embeddings.hpp"

namespace castnet {

class NeighborIndex {
 public:
  virtual ~NeighborIndex() = default;
  virtual std::size_t size() const = 0;
  // Indices j (i itself included) with distance(i, j) <= radius, ascending.
  virtual void within(std::size_t i, double radius, std::vector<std::size_t>& out) const = 0;
  // How many points lie within radius of each point, computed with `threads` workers.
  virtual std::vector<std::size_t> count_within(double radius, int threads) const;
};

// Exact: compares every pair, in double precision.
class BruteForceIndex final : public NeighborIndex {
 public:
  explicit BruteForceIndex(const EmbeddingSet& x) : x_(x) {}
  std::size_t size() const override { return x_.size(); }
  void within(std::size_t i, double radius, std::vector<std::size_t>& out) const override;

 private:
  const EmbeddingSet& x_;
};

}  // namespace castnet
