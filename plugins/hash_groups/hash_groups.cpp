// The legacy pipeline's clustering: faces whose hashes differ by at most `threshold` bits are
// the same person, transitively (connected components). Groups smaller than min_size are noise.
#include <numeric>

#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

class HashGroups final : public Clusterer {
 public:
  HashGroups(double threshold, std::size_t min_size) : threshold_(threshold), min_size_(min_size) {}

  // A threshold in bits means nothing for real-valued embeddings: refuse them.
  bool supports(Metric m) const override { return m == Metric::hamming; }

  Clustering cluster(const EmbeddingSet& x) override {
    auto index = make_neighbor_index(x);
    const std::size_t n = index->size();
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    auto root = [&](std::size_t i) {
      while (parent[i] != i) i = parent[i] = parent[parent[i]];
      return i;
    };
    auto unite = [&](std::size_t i, std::size_t j) {
      std::size_t a = root(i), b = root(j);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the smallest index leads
    };
    // Faces of one group already need not be compared again.
    index->pairs_within(threshold_, 0, [&](auto points, auto out) {
      for (std::size_t k = 0; k < points.size(); ++k) out[k] = root(points[k]);
    }, unite);
    std::vector<std::size_t> size(n, 0);
    for (std::size_t i = 0; i < n; ++i) ++size[root(i)];
    // Number groups in order of their first face, as DBSCAN numbers clusters.
    std::vector<int> id(n, -1);
    Clustering out;
    out.labels.assign(n, -1);
    int next = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t r = root(i);
      if (size[r] < min_size_) continue;
      if (id[r] < 0) id[r] = next++;
      out.labels[i] = id[r];
    }
    return out;
  }

 private:
  double threshold_;
  std::size_t min_size_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::clusterer, "hash-groups", "1.0",
           "connected components of faces within a Hamming distance (the legacy pHash clustering); hamming only",
           {{"threshold", ParamType::integer, std::int64_t{10}, "largest Hamming distance, in bits, between two faces of one person (0: identical hashes only)", 0.0, 64.0},
            {"min_size", ParamType::integer, std::int64_t{2}, "faces a group needs to be a person (smaller: noise)", 1.0, std::nullopt}},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<HashGroups>(double(p.integer("threshold")), static_cast<std::size_t>(p.integer("min_size")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
