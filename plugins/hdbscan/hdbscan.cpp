// HDBSCAN with the hdbscan library's semantics (algorithm="generic"): the clusterer photo
// libraries moved to (LibrePhotos, Nextcloud Recognize) for fewer false merges than DBSCAN.
// Labels, membership probabilities; outlier scores are computed alongside (hdbscan_tree.hpp).
#include "castnet/sdk/plugin.hpp"
#include "hdbscan_tree.hpp"

namespace castnet {
namespace {

class Hdbscan final : public Clusterer {
 public:
  Hdbscan(hdbscan::Options opt, int threads) : opt_(std::move(opt)), threads_(threads) {}
  bool supports(Metric) const override { return true; }
  Clustering cluster(const EmbeddingSet& x) override {
    hdbscan::Result r = hdbscan::run(x, opt_, threads_);
    return {std::move(r.labels), std::move(r.probabilities), std::move(r.outlier_scores)};
  }

 private:
  hdbscan::Options opt_;
  int threads_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::clusterer, "hdbscan", "1.0",
           "hierarchical density clusters (the hdbscan library's, generic algorithm); any metric",
           {{"min_cluster_size", ParamType::integer, std::int64_t{5}, "smallest group that counts as a person", 2.0, std::nullopt},
            {"min_samples", ParamType::integer, std::int64_t{0}, "neighbours that make a point dense (0: min_cluster_size, the library's default)", 0.0, std::nullopt},
            {"cluster_selection_method", ParamType::text, std::string("eom"), "eom (most persistent) or leaf (finest)", std::nullopt, std::nullopt, {"eom", "leaf"}},
            {"cluster_selection_epsilon", ParamType::real, 0.0, "merge clusters closer than this distance (0: none, the library's default)", 0.0, std::nullopt},
            {"allow_single_cluster", ParamType::boolean, false, "allow the result to be one cluster"},
            {"mst", ParamType::text, std::string("auto"), "spanning tree: prim (the library's order, n^2), boruvka (the neighbour engine's), auto (prim up to 20,000 points)", std::nullopt, std::nullopt, {"auto", "prim", "boruvka"}},
            ParamSpec{"threads", ParamType::integer, std::int64_t{0}, "workers for distances (0: all cores)", 0.0, 1024.0}.execution()},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             hdbscan::Options o;
             o.min_cluster_size = static_cast<std::size_t>(p.integer("min_cluster_size"));
             o.min_samples = p.integer("min_samples") > 0 ? static_cast<std::size_t>(p.integer("min_samples")) : o.min_cluster_size;
             o.method = p.text("cluster_selection_method");
             o.epsilon = p.real("cluster_selection_epsilon");
             o.allow_single_cluster = p.boolean("allow_single_cluster");
             o.mst = p.text("mst");
             return std::make_unique<Hdbscan>(o, static_cast<int>(p.integer("threads")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
