// DBSCAN with scikit-learn's semantics: a point is core when at least min_samples points
// (itself included) lie within eps (inclusive); clusters are numbered in the order of their
// first core point, and a border point reachable from two clusters joins the first. Labels
// equal sklearn.cluster.DBSCAN's for the same input.
//
// Unlike scikit-learn we never hold every neighbourhood: one pass counts neighbours, a second
// expands clusters, asking the index for one core point's neighbourhood at a time.
#include <thread>

#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

class Dbscan final : public Clusterer {
 public:
  Dbscan(double eps, std::size_t min_samples, int threads) : eps_(eps), min_samples_(min_samples), threads_(threads) {}

  bool supports(Metric) const override { return true; }  // any metric the index can measure

  Clustering cluster(const EmbeddingSet& x) override {
    BruteForceIndex index(x);
    const std::size_t n = index.size();
    std::vector<std::size_t> counts = index.count_within(eps_, threads_);
    std::vector<char> core(n);
    for (std::size_t i = 0; i < n; ++i) core[i] = counts[i] >= min_samples_;

    Clustering out;
    out.labels.assign(n, -1);
    int label = 0;
    std::vector<std::size_t> stack, hits;
    for (std::size_t seed = 0; seed < n; ++seed) {
      if (out.labels[seed] != -1 || !core[seed]) continue;
      out.labels[seed] = label;
      stack.push_back(seed);
      while (!stack.empty()) {
        std::size_t p = stack.back();
        stack.pop_back();
        index.within(p, eps_, hits);
        for (std::size_t q : hits) {
          if (out.labels[q] != -1) continue;
          out.labels[q] = label;
          if (core[q]) stack.push_back(q);  // border points join but do not spread
        }
      }
      ++label;
    }
    return out;
  }

 private:
  double eps_;
  std::size_t min_samples_;
  int threads_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::clusterer, "dbscan", "1.0",
           "density clusters with scikit-learn's DBSCAN semantics; any metric",
           {ParamSpec{"eps", ParamType::real, 0.4, "neighbourhood radius (inclusive); 0.4 is the seed's, face_recognition suggests 0.6", 0.0, std::nullopt}.above_min(),
            {"min_samples", ParamType::integer, std::int64_t{5}, "points within eps, itself included, that make a core point", 1.0, std::nullopt},
            ParamSpec{"threads", ParamType::integer, std::int64_t{0}, "workers for the neighbour counts (0: all cores)", 0.0, 1024.0}.execution()},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<Dbscan>(p.real("eps"), static_cast<std::size_t>(p.integer("min_samples")),
                                             static_cast<int>(p.integer("threads")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
