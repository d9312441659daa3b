// The approximate engine: hnswlib's HNSW graph (Debian's libhnswlib-dev, header only), for users
// who trade a little recall for speed (docs/clustering-a-year.md has the measurements that chose
// it over FAISS). Candidates come from the graph; every distance reported or compared with a
// radius is then computed exactly, so what is found is right and only some neighbours may be
// missed. Built single-threaded: parallel insertion makes the graph depend on thread timing, and
// castnet gives the same output for the same input.
// Debian's hnswlib 0.6.2, with its hand-written SSE, reads the int after a neighbour list to
// compute a prefetch address (searchBaseLayer): one past a malloc'd block, which AddressSanitizer
// rightly reports. Without it the compiler vectorises the distance loops itself.
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>

#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/parallel.hpp"
#include "castnet/sdk/progress.hpp"

namespace castnet {
namespace {

constexpr std::size_t kLinks = 32;         // hnswlib's M: graph degree
constexpr std::size_t kBuildBeam = 200;    // ef_construction
constexpr std::size_t kSearchBeam = 128;    // ef at query time (at least k)
constexpr std::size_t kPairNeighbours = 32;  // pairs_within looks this far around each point

class HnswIndex final : public NeighborIndex {
 public:
  explicit HnswIndex(const EmbeddingSet& x) : x_(x), space_(x.dim), rows_(x.size() * x.dim) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      double scale = 1.0;
      if (x.metric == Metric::cosine) {
        double nn = 0;
        for (std::size_t d = 0; d < x.dim; ++d) nn += x.row(i)[d] * x.row(i)[d];
        scale = 1.0 / std::sqrt(nn);
      }
      for (std::size_t d = 0; d < x.dim; ++d) rows_[i * x.dim + d] = static_cast<float>(x.row(i)[d] * scale);
    }
    graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(&space_, std::max<std::size_t>(1, x.size()), kLinks, kBuildBeam, 100);
    for (std::size_t i = 0; i < x.size(); ++i) {
      graph_->addPoint(rows_.data() + i * x.dim, i);
      if (i % 4096 == 0) report_progress("approximate index", i, x.size());
    }
    graph_->setEf(kSearchBeam);
  }

  std::size_t size() const override { return x_.size(); }
  double distance(std::size_t i, std::size_t j) const override { return x_.distance(i, j); }

  // The k nearest the graph finds, exact distances, by (distance, index).
  void nearest(std::size_t i, std::size_t k, std::vector<Neighbor>& out) const override {
    out.clear();
    k = std::min(k, size());
    auto found = graph_->searchKnn(rows_.data() + i * x_.dim, k);
    while (!found.empty()) {
      out.push_back({found.top().second, x_.distance(i, found.top().second)});
      found.pop();
    }
    std::sort(out.begin(), out.end(), [](const Neighbor& a, const Neighbor& b) {
      return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
    });
  }

  // Grows the search until it finds a point beyond the radius (or every point).
  void within(std::size_t i, double radius, std::vector<std::size_t>& out) const override {
    std::vector<Neighbor> near;
    for (std::size_t k = kPairNeighbours;; k *= 2) {
      nearest(i, k, near);
      if (near.size() < k || near.back().distance > radius) break;
    }
    out.clear();
    for (const Neighbor& n : near)
      if (n.distance <= radius) out.push_back(n.index);
    std::sort(out.begin(), out.end());
  }

  std::vector<std::size_t> count_within(double radius, std::size_t cap, int threads, const WithinVisitor& found) const override {
    std::vector<std::size_t> counts(size());
    std::mutex serial;
    parallel_for(size(), threads, [&](std::size_t i) {
      thread_local std::vector<Neighbor> near;
      thread_local std::vector<std::size_t> hits;
      nearest(i, cap, near);
      hits.clear();
      for (const Neighbor& n : near)
        if (n.distance <= radius) hits.push_back(n.index);
      counts[i] = hits.size();
      if (found) {
        std::sort(hits.begin(), hits.end());
        std::lock_guard lock(serial);
        found(i, hits);
      }
    });
    return counts;
  }

  std::vector<double> kth_distance(std::size_t k, int threads) const override {
    std::vector<double> kth(size());
    parallel_for(size(), threads, [&](std::size_t i) {
      thread_local std::vector<Neighbor> near;
      nearest(i, k + 1, near);
      kth[i] = near.back().distance;
    });
    return kth;
  }

  // Approximate in a second way too: the pairs within radius among each point's 32 nearest, not
  // every pair (an anchor's neighbourhood holds a fifth of a year). Enough to join a cluster.
  void pairs_within(double radius, int threads, const PairGroups& groups, const PairVisitor& found) const override {
    std::vector<std::vector<std::size_t>> near(size());
    parallel_for(size(), threads, [&](std::size_t i) {
      std::vector<Neighbor> n;
      nearest(i, kPairNeighbours, n);
      for (const Neighbor& m : n)
        if (m.index != i && m.distance <= radius) near[i].push_back(m.index);
    });
    for (std::size_t i = 0; i < size(); ++i)
      for (std::size_t j : near[i]) {
        // Each pair once: from the smaller index, or from the larger if the smaller missed it.
        if (j < i && std::find(near[j].begin(), near[j].end(), i) != near[j].end()) continue;
        if (pair_needed(groups, i, j)) found(i, j);
      }
  }

 private:
  const EmbeddingSet& x_;
  hnswlib::L2Space space_;
  std::vector<float> rows_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
};

}  // namespace

std::unique_ptr<NeighborIndex> make_approximate_index(const EmbeddingSet& x) {
  auto zero = [&](std::size_t i) { return std::all_of(x.row(i), x.row(i) + x.dim, [](double v) { return v == 0.0; }); };
  bool zero_row = false;
  for (std::size_t i = 0; i < x.size() && x.metric == Metric::cosine && !zero_row; ++i) zero_row = zero(i);
  if (x.metric == Metric::hamming || zero_row || x.size() < 2) return make_neighbor_index(x);  // exact instead
  return std::make_unique<HnswIndex>(x);
}

}  // namespace castnet
