// dlib's Chinese whispers graph clustering, as dlib's dnn_face_recognition_ex.cpp uses it: an
// edge between every two faces closer than `threshold` (and from each face to itself), then
// dlib::chinese_whispers. The pairs come from the shared neighbour engine; the graph itself is
// held in memory, as dlib needs it, so this clusterer suits an episode or a season rather than
// a year with an anchor on screen all year (their pairs number in the billions). Every face gets a person; groups smaller than min_size are noise.
#include <algorithm>
#include <map>

#include <dlib/clustering.h>

#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

class ChineseWhispers final : public Clusterer {
 public:
  ChineseWhispers(double threshold, unsigned long iterations, std::size_t min_size)
      : threshold_(threshold), iterations_(iterations), min_size_(min_size) {}

  bool supports(Metric) const override { return true; }

  Clustering cluster(const EmbeddingSet& x) override {
    auto index = make_neighbor_index(x);
    std::vector<dlib::sample_pair> edges;
    for (std::size_t i = 0; i < x.size(); ++i) edges.emplace_back(i, i);
    index->pairs_within(threshold_, 0, {}, [&](std::size_t i, std::size_t j) {
      if (x.distance(i, j) < threshold_) edges.emplace_back(std::min(i, j), std::max(i, j));  // dlib's example: strictly closer
    });
    // In the order of the brute-force scan this replaced, so that dlib's whispers go as before.
    std::sort(edges.begin(), edges.end(), [](const dlib::sample_pair& a, const dlib::sample_pair& b) {
      return a.index1() < b.index1() || (a.index1() == b.index1() && a.index2() < b.index2());
    });
    std::vector<unsigned long> raw;
    dlib::rand rnd;  // dlib's default seed: the same input gives the same clusters
    dlib::chinese_whispers(edges, raw, iterations_, rnd);
    raw.resize(x.size());
    // Renumber by first face, dropping small groups to noise.
    std::map<unsigned long, std::size_t> size;
    for (auto l : raw) ++size[l];
    std::map<unsigned long, int> id;
    Clustering out;
    out.labels.assign(raw.size(), -1);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (size[raw[i]] < min_size_) continue;
      auto [it, added] = id.emplace(raw[i], int(id.size()));
      out.labels[i] = it->second;
    }
    return out;
  }

 private:
  double threshold_;
  unsigned long iterations_;
  std::size_t min_size_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::clusterer, "chinese-whispers", "1.0",
           "dlib's Chinese whispers on the graph of faces closer than a threshold; any metric",
           {ParamSpec{"threshold", ParamType::real, 0.6, "faces closer than this are linked (dlib's face clustering example: 0.6)", 0.0, std::nullopt}.above_min(),
            {"iterations", ParamType::integer, std::int64_t{100}, "label-propagation rounds", 1.0, 100000.0},
            {"min_size", ParamType::integer, std::int64_t{1}, "faces a group needs to be a person (smaller: noise)", 1.0, std::nullopt}},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<ChineseWhispers>(p.real("threshold"), static_cast<unsigned long>(p.integer("iterations")),
                                                      static_cast<std::size_t>(p.integer("min_size")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
