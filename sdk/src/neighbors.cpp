// The interface's defaults, written on within() and distance(): what BruteForceIndex does, and
// the reference the exact engine is tested against (sdk/test/test_neighbors.cpp).
#include "castnet/sdk/neighbors.hpp"

#include <algorithm>
#include <limits>
#include <mutex>

#include "castnet/sdk/parallel.hpp"
#include "castnet/sdk/progress.hpp"

namespace castnet {
namespace {

// Every 1024th point, as the engine reports per leaf (castnet/sdk/progress.hpp).
void report_every(const char* step, std::size_t i, std::size_t n) {
  if (i % 1024 == 0) report_progress(step, i, n);
}

}  // namespace

std::vector<std::size_t> NeighborIndex::count_within(double radius, std::size_t cap, int threads,
                                                     const WithinVisitor& found) const {
  std::vector<std::size_t> counts(size());
  std::mutex serial;
  parallel_for(size(), threads, [&](std::size_t i) {
    thread_local std::vector<std::size_t> hits;
    within(i, radius, hits);
    counts[i] = std::min(cap, hits.size());
    hits.resize(counts[i]);
    if (found) {
      std::lock_guard lock(serial);
      found(i, hits);
    }
    report_every("neighbour counts", i, size());
  });
  return counts;
}

void NeighborIndex::within_each(std::span<const std::size_t> points, double radius, int threads,
                                const WithinVisitor& found) const {
  parallel_for(points.size(), threads, [&](std::size_t k) {
    thread_local std::vector<std::size_t> hits;
    within(points[k], radius, hits);
    found(points[k], hits);
    report_every("neighbourhoods", k, points.size());
  });
}

std::vector<double> NeighborIndex::kth_distance(std::size_t k, int threads) const {
  std::vector<double> kth(size());
  parallel_for(size(), threads, [&](std::size_t i) {
    thread_local std::vector<double> d;
    d.resize(size());
    for (std::size_t j = 0; j < size(); ++j) d[j] = distance(i, j);
    std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k), d.end());
    kth[i] = d[k];
    report_every("nearest neighbours", i, size());
  });
  return kth;
}

void NeighborIndex::nearest(std::size_t i, std::size_t k, std::vector<Neighbor>& out) const {
  out.clear();
  for (std::size_t j = 0; j < size(); ++j) out.push_back({j, distance(i, j)});
  auto closer = [](const Neighbor& a, const Neighbor& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
  };
  k = std::min(k, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end(), closer);
  out.resize(k);
}

void NeighborIndex::nearest_within_each(std::size_t k, double radius, int, const NearestVisitor& found, std::size_t) const {
  std::vector<Neighbor> near;
  for (std::size_t i = 0; i < size(); ++i) {
    nearest(i, k, near);
    near.erase(std::find_if(near.begin(), near.end(), [&](const Neighbor& n) { return n.distance > radius; }), near.end());
    found(i, near);
    report_every("nearest neighbours", i, size());
  }
}

void NeighborIndex::nearest_among_each(std::span<const std::size_t> among, std::size_t k, double radius, int threads,
                                       const NearestVisitor& found) const {
  std::vector<std::size_t> points(among.begin(), among.end());
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  std::mutex serial;
  parallel_for(size(), threads, [&](std::size_t i) {
    std::vector<Neighbor> near;
    for (std::size_t j : points)
      if (double d = distance(i, j); d <= radius) near.push_back({j, d});
    std::sort(near.begin(), near.end(), [](const Neighbor& a, const Neighbor& b) {
      return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
    });
    near.resize(std::min(k, near.size()));
    std::lock_guard lock(serial);
    found(i, near);
    report_every("nearest among a sample", i, size());
  });
}

void NeighborIndex::pairs_within(double radius, int, const PairGroups& groups, const PairVisitor& found) const {
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < size(); ++i) {
    report_every("pairs within reach", i, size());
    within(i, radius, hits);
    for (std::size_t j : hits)
      if (j > i && pair_needed(groups, i, j)) found(i, j);
  }
}

bool pair_needed(const PairGroups& groups, std::size_t i, std::size_t j) {
  if (!groups) return true;
  const std::size_t points[2] = {i, j};
  std::size_t out[2];
  groups(points, out);
  return out[0] != out[1] && out[0] != kNoPairs && out[1] != kNoPairs;
}

// Prim's: the lightest edge leaving the forest joins it, edges ordered by (weight, a, b); when no
// edge within max_weight leaves, the next point starts a tree of its own.
std::vector<TreeEdge> NeighborIndex::spanning_forest(std::span<const double> floor, double max_weight, int) const {
  const std::size_t n = size();
  std::vector<TreeEdge> forest;
  if (n < 2) return forest;
  auto floor_of = [&](std::size_t i) { return floor.empty() ? 0.0 : floor[i]; };
  const TreeEdge none{0, 0, std::numeric_limits<double>::infinity()};
  std::vector<char> in_forest(n, 0);
  std::vector<TreeEdge> best(n, none);
  for (std::size_t current = 0, added = 1; added < n; ++added) {
    in_forest[current] = 1;
    std::size_t next = n;
    for (std::size_t j = 0; j < n; ++j) {
      if (in_forest[j]) continue;
      TreeEdge e{std::min(current, j), std::max(current, j), std::max({floor_of(current), floor_of(j), distance(current, j)})};
      if (e.weight <= max_weight && lighter(e, best[j])) best[j] = e;
      if (next == n || lighter(best[j], best[next])) next = j;
    }
    if (best[next].weight <= max_weight) forest.push_back(best[next]);
    current = next;
    report_every("minimum spanning tree", added, n - 1);
  }
  std::sort(forest.begin(), forest.end(), lighter);
  return forest;
}

void BruteForceIndex::within(std::size_t i, double radius, std::vector<std::size_t>& out) const {
  out.clear();
  for (std::size_t j = 0; j < x_.size(); ++j)
    if (x_.distance(i, j) <= radius) out.push_back(j);
}

}  // namespace castnet
