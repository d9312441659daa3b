// An example castnet plugin: "leader" clustering, the simplest online clusterer. Faces are
// visited in broadcast order; each joins the first leader within `threshold`, or becomes a
// leader itself. One pass, no parameters to tune but the threshold: handy for a quick first look
// at a long broadcast.
//
// Everything a plugin needs is in the SDK, <castnet/sdk/plugin.hpp>: the stage interfaces, the
// descriptor that declares the plugin's name and parameters, and the CASTNET_PLUGIN macro that
// exports it. This example includes it by its castnet 0.1 name, <castnet/plugin.hpp>, which
// forwards there, so that the SDK test shows old plugins still build.
#include <castnet/plugin.hpp>

namespace {

class Leader final : public castnet::Clusterer {
 public:
  explicit Leader(double threshold) : threshold_(threshold) {}

  // Distances come through the embedder's metric, so any metric works.
  bool supports(castnet::Metric) const override { return true; }

  castnet::Clustering cluster(const castnet::EmbeddingSet& x) override {
    castnet::Clustering out;
    std::vector<std::size_t> leaders;  // index of each cluster's first face
    for (std::size_t i = 0; i < x.size(); ++i) {
      int label = -1;
      for (std::size_t c = 0; c < leaders.size() && label < 0; ++c)
        if (x.distance(i, leaders[c]) <= threshold_) label = static_cast<int>(c);
      if (label < 0) {
        label = static_cast<int>(leaders.size());
        leaders.push_back(i);
      }
      out.labels.push_back(label);
    }
    return out;
  }

 private:
  double threshold_;
};

// The descriptor: kind, name, version, one line of help, the parameters (name, type, default,
// help, min, max; above_min() makes the minimum itself invalid: a threshold of 0 means nothing)
// and the factory. castnet validates the parameters before calling it.
castnet::PluginDescriptorList descriptors() {
  return {{castnet::PluginKind::clusterer, "leader", "1.0",
           "example plugin: each face joins the first leader within a threshold (one pass)",
           {castnet::ParamSpec{"threshold", castnet::ParamType::real, 0.5, "largest distance from a face to its leader", 0.0, std::nullopt}.above_min()},
           [](const castnet::Params& p, const castnet::PluginContext&) -> std::unique_ptr<castnet::Stage> {
             return std::make_unique<Leader>(p.real("threshold"));
           }}};
}

}  // namespace

CASTNET_PLUGIN(descriptors)
