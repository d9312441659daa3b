#include "castnet/sdk/neighbors.hpp"

#include "castnet/sdk/parallel.hpp"

namespace castnet {

std::vector<std::size_t> NeighborIndex::count_within(double radius, int threads) const {
  std::vector<std::size_t> counts(size());
  parallel_for(size(), threads, [&](std::size_t i) {
    thread_local std::vector<std::size_t> hits;
    within(i, radius, hits);
    counts[i] = hits.size();
  });
  return counts;
}

void BruteForceIndex::within(std::size_t i, double radius, std::vector<std::size_t>& out) const {
  out.clear();
  for (std::size_t j = 0; j < x_.size(); ++j)
    if (x_.distance(i, j) <= radius) out.push_back(j);
}

}  // namespace castnet
