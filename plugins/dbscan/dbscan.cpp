// DBSCAN with scikit-learn's semantics: a point is core when at least min_samples points
// (itself included) lie within eps (inclusive); clusters are numbered in the order of their
// first core point, and a border point reachable from two clusters joins the first. Labels
// equal sklearn.cluster.DBSCAN's for the same input.
//
// scikit-learn materialises every neighbourhood and then walks them; a year of faces has
// neighbourhoods of 100,000 (an anchor on screen all year). Instead, on the shared neighbour
// engine (castnet/sdk/neighbors.hpp), in three passes that never hold more than min_samples
// neighbours of a point:
//   1. core flags: each point counts neighbours only until it has min_samples; a point that
//      stops short has met all its neighbours, and keeps them for step 3;
//   2. clusters: the connected components of core points within eps (union-find), skipping
//      every pair of core points already in one component;
//   3. labels: components numbered by their smallest core index -- the order in which
//      scikit-learn's scan starts them -- and each border point takes the smallest label among
//      its core neighbours, the cluster that scan reaches it from first.
#include <algorithm>
#include <numeric>

#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), std::size_t{0}); }
  std::size_t find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];  // path halving
    return x;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a), b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<std::size_t> parent_;
};

// What the neighbour counts met, kept so that no neighbourhood is searched twice: every neighbour
// of a point with fewer than min_samples (a border point's, whose label they decide: no second
// search), and two of a core point's, joined before the pair search so that it skips more blocks
// (none: 9.6 s at 100,000 faces; one: 7.8 s; two: 7.4 s; four: 8.0 s).
constexpr std::size_t kJoinedFirst = 2;
struct Met {
  explicit Met(std::size_t n) : all(n), first(n * kJoinedFirst, kNoPoint) {}
  static constexpr std::size_t kNoPoint = std::size_t(-1);
  std::vector<std::vector<std::size_t>> all;  // per non-core point
  std::vector<std::size_t> first;             // kJoinedFirst per core point
};

class Dbscan final : public Clusterer {
 public:
  Dbscan(double eps, std::size_t min_samples, bool approximate, bool brute, int threads)
      : eps_(eps), min_samples_(min_samples), approximate_(approximate), brute_(brute), threads_(threads) {}

  bool supports(Metric) const override { return true; }  // any metric the index can measure

  Clustering cluster(const EmbeddingSet& x) override {
    auto index = index_of(x);
    Met met(x.size());
    std::vector<std::size_t> counts = index->count_within(eps_, min_samples_, threads_, [&](std::size_t i, const std::vector<std::size_t>& hits) {
      if (hits.size() < min_samples_) met.all[i] = hits;
      else
        for (std::size_t k = 0, kept = 0; k < hits.size() && kept < kJoinedFirst; ++k)
          if (hits[k] != i) met.first[i * kJoinedFirst + kept++] = hits[k];
    });
    std::vector<char> core(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) core[i] = counts[i] >= min_samples_;
    UnionFind components = join_cores(*index, core, met);
    return label(core, met, components);
  }

 private:
  std::unique_ptr<NeighborIndex> index_of(const EmbeddingSet& x) const {
    if (approximate_) return make_approximate_index(x);
    if (brute_) return std::make_unique<BruteForceIndex>(x);
    return make_neighbor_index(x);
  }

  // The clusters: core points joined by every pair within eps, searched on the index the counts
  // built (its tree and the leaves' reach: a tree of the core points alone took 13% of the time
  // at a million faces, and searched no faster). Points that are not core take no part. The
  // pairs the counts met come first; then the search skips every pair already in one component.
  UnionFind join_cores(const NeighborIndex& index, const std::vector<char>& core, const Met& met) const {
    UnionFind components(core.size());
    for (std::size_t k = 0; k < met.first.size(); ++k) {
      std::size_t i = k / kJoinedFirst, j = met.first[k];
      if (j != Met::kNoPoint && core[i] && core[j]) components.unite(i, j);
    }
    auto component = [&](std::span<const std::size_t> points, std::span<std::size_t> out) {
      for (std::size_t k = 0; k < points.size(); ++k) out[k] = core[points[k]] ? components.find(points[k]) : kNoPairs;
    };
    index.pairs_within(eps_, threads_, component, [&](std::size_t i, std::size_t j) {
      if (core[i] && core[j]) components.unite(i, j);  // an index may report more than it must
    });
    return components;
  }

  // Clusters numbered by their smallest core point; a border point takes the smallest label
  // among its core neighbours (see the top of the file for why these equal scikit-learn's).
  static Clustering label(const std::vector<char>& core, const Met& met, UnionFind& components) {
    const std::size_t n = core.size();
    Clustering out;
    out.labels.assign(n, -1);
    std::vector<int> label_of_root(n, -1);
    int next = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!core[i]) continue;
      int& label = label_of_root[components.find(i)];
      if (label < 0) label = next++;
      out.labels[i] = label;
    }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j : met.all[i])
        if (!core[i] && core[j] && (out.labels[i] < 0 || out.labels[j] < out.labels[i])) out.labels[i] = out.labels[j];
    return out;
  }

  double eps_;
  std::size_t min_samples_;
  bool approximate_, brute_;
  int threads_;
};

ParamSpec eps_spec() {
  return ParamSpec{"eps", ParamType::real, 0.4, "neighbourhood radius (inclusive); 0.4 is the seed's, face_recognition suggests 0.6", 0.0, std::nullopt}.above_min();
}
ParamSpec min_samples_spec() {
  return {"min_samples", ParamType::integer, std::int64_t{5}, "points within eps, itself included, that make a core point", 1.0, std::nullopt};
}
ParamSpec threads_spec() {
  return ParamSpec{"threads", ParamType::integer, std::int64_t{0}, "workers for the neighbour search (0: all cores)", 0.0, 1024.0}.execution();
}

// Two names: the approximate search gives other labels, so it is another clusterer (another
// key in the store), not a setting of this one.
PluginDescriptorList descriptors() {
  return {{PluginKind::clusterer, "dbscan", "1.0",
           "density clusters with scikit-learn's DBSCAN semantics; any metric",
           {eps_spec(), min_samples_spec(),
            ParamSpec{"algorithm", ParamType::text, std::string("tree"), "neighbour search: tree (the exact engine) or brute (every pair, the reference); the labels are the same", std::nullopt, std::nullopt, {"tree", "brute"}}.execution(),
            threads_spec()},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<Dbscan>(p.real("eps"), static_cast<std::size_t>(p.integer("min_samples")), false,
                                             p.text("algorithm") == "brute", static_cast<int>(p.integer("threads")));
           }},
          {PluginKind::clusterer, "dbscan-hnsw", "1.0",
           "DBSCAN on neighbours from an HNSW graph: approximate, may miss a few (docs/clustering-a-year.md); euclidean and cosine (others: exact)",
           {eps_spec(), min_samples_spec(), threads_spec()},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<Dbscan>(p.real("eps"), static_cast<std::size_t>(p.integer("min_samples")), true, false,
                                             static_cast<int>(p.integer("threads")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
