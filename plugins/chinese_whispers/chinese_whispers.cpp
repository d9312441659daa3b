// dlib's Chinese whispers graph clustering, as dlib's dnn_face_recognition_ex.cpp uses it: an
// edge between faces closer than `threshold` (and from each face to itself), then label
// propagation with dlib::chinese_whispers' own rule. Two things let it run on a year (a million
// faces, an anchor with a fifth of them, whose close pairs number in the billions):
//  - each face links to at most `max_neighbors` of its nearest faces within the threshold
//    (the engine's nearest_within_each), both ways, so the graph holds O(n·k) edges;
//    max_neighbors=0 links every pair within the threshold, as dlib's example does. With
//    `candidates`, a face with more neighbours than that stops searching after so many measured,
//    nearest balls first: faster, but its links then stay in its corner of the ball tree, and
//    Chinese whispers cuts a large person into those corners (docs/clustering-a-year.md);
//  - the propagation is dlib's loop (dlib::rand's picks, dlib's vote and tie rule) on a flat
//    adjacency, stopped once no face would change label: dlib's own loop would go on to its
//    last pick changing nothing, so the labels are dlib's for the same graph.
// Every face gets a person; groups smaller than min_size are noise.
#include <algorithm>
#include <cstdint>
#include <map>

#include <dlib/rand.h>

#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/plugin.hpp"
#include "castnet/sdk/progress.hpp"

namespace castnet {
namespace {

// Each face's neighbours, ascending, itself included: to[start[i] .. start[i + 1]).
struct Graph {
  std::vector<std::size_t> start;
  std::vector<std::uint32_t> to;
  std::size_t size() const { return start.size() - 1; }
};

Graph graph_of(std::size_t n, std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges) {
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  Graph g;
  g.start.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++g.start[i + 1];  // the face itself
  for (auto [a, b] : edges) ++g.start[a + 1], ++g.start[b + 1];
  for (std::size_t i = 0; i < n; ++i) g.start[i + 1] += g.start[i];
  g.to.resize(g.start[n]);
  std::vector<std::size_t> fill(g.start.begin(), g.start.end() - 1);
  for (std::size_t i = 0; i < n; ++i) g.to[fill[i]++] = std::uint32_t(i);
  for (auto [a, b] : edges) g.to[fill[a]++] = b, g.to[fill[b]++] = a;
  for (std::size_t i = 0; i < n; ++i)
    std::sort(g.to.begin() + std::ptrdiff_t(g.start[i]), g.to.begin() + std::ptrdiff_t(g.start[i + 1]));
  return g;
}

// dlib's vote: the label most of i's neighbours have, ties to the smallest (dlib sums the
// weights, all 1 here, in a std::map and takes the first largest).
unsigned long vote(const Graph& g, const std::vector<unsigned long>& labels, std::size_t i,
                   std::vector<std::pair<unsigned long, std::size_t>>& counts) {
  counts.clear();
  for (std::size_t e = g.start[i]; e < g.start[i + 1]; ++e) {
    unsigned long l = labels[g.to[e]];
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == l; });
    if (it == counts.end()) counts.emplace_back(l, 1);
    else ++it->second;
  }
  auto best = counts.begin();
  for (auto it = counts.begin(); it != counts.end(); ++it)
    if (it->second > best->second || (it->second == best->second && it->first < best->first)) best = it;
  return best->first;
}

bool settled(const Graph& g, const std::vector<unsigned long>& labels, std::vector<std::pair<unsigned long, std::size_t>>& counts) {
  for (std::size_t i = 0; i < g.size(); ++i)
    if (vote(g, labels, i, counts) != labels[i]) return false;
  return true;
}

// dlib::chinese_whispers (dlib/clustering/chinese_whispers.h): n * iterations random picks, each
// face taking its neighbours' vote. After n picks in a row that changed nothing, a sweep checks
// whether any face would change; if none would, no later pick can, and the loop stops.
std::vector<unsigned long> whispers(const Graph& g, unsigned long iterations) {
  const std::size_t n = g.size();
  std::vector<unsigned long> labels(n);
  for (std::size_t i = 0; i < n; ++i) labels[i] = i;
  dlib::rand rnd;  // dlib's default seed: the same input gives the same clusters
  std::vector<std::pair<unsigned long, std::size_t>> counts;
  std::size_t unchanged = 0;
  const unsigned long long picks = (unsigned long long)n * iterations;
  for (unsigned long long pick = 0; pick < picks; ++pick) {
    const std::size_t i = std::size_t(rnd.get_random_64bit_number() % n);
    unsigned long best = vote(g, labels, i, counts);
    if (best != labels[i]) labels[i] = best, unchanged = 0;
    else if (++unchanged % n == 0 && settled(g, labels, counts)) break;
    if (pick % n == 0) report_progress("chinese whispers", std::size_t(pick / n), iterations);
  }
  return labels;
}

class ChineseWhispers final : public Clusterer {
 public:
  ChineseWhispers(double threshold, unsigned long iterations, std::size_t min_size, std::size_t max_neighbors, std::size_t candidates,
                  int threads)
      : threshold_(threshold), iterations_(iterations), min_size_(min_size), max_neighbors_(max_neighbors), candidates_(candidates),
        threads_(threads) {}

  bool supports(Metric) const override { return true; }

  Clustering cluster(const EmbeddingSet& x) override {
    if (x.size() >= (std::size_t(1) << 32)) throw std::length_error("more than 2^32 faces");
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    auto link = [&](std::size_t i, std::size_t j, double d) {
      if (i != j && d < threshold_) edges.emplace_back(std::uint32_t(std::min(i, j)), std::uint32_t(std::max(i, j)));  // strictly closer, as dlib's example
    };
    auto index = make_neighbor_index(x);
    if (max_neighbors_ == 0) {
      index->pairs_within(threshold_, threads_, {}, [&](std::size_t i, std::size_t j) { link(i, j, x.distance(i, j)); });
    } else {
      index->nearest_within_each(max_neighbors_ + 1, threshold_, threads_, [&](std::size_t i, const std::vector<Neighbor>& near) {
        for (const Neighbor& m : near) link(i, m.index, m.distance);
      }, candidates_);
    }
    index.reset();
    std::vector<unsigned long> raw = whispers(graph_of(x.size(), edges), iterations_);
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
  std::size_t min_size_, max_neighbors_, candidates_;
  int threads_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::clusterer, "chinese-whispers", "1.1",
           "dlib's Chinese whispers on the graph of faces closer than a threshold, each linked to its nearest; any metric",
           {ParamSpec{"threshold", ParamType::real, 0.6, "faces closer than this are linked (dlib's face clustering example: 0.6)", 0.0, std::nullopt}.above_min(),
            {"iterations", ParamType::integer, std::int64_t{100}, "label-propagation rounds (dlib's default: 100; it stops early once no label would change)", 1.0, 100000.0},
            {"min_size", ParamType::integer, std::int64_t{1}, "faces a group needs to be a person (smaller: noise)", 1.0, std::nullopt},
            {"max_neighbors", ParamType::integer, std::int64_t{32},
             "each face links to at most this many of its nearest faces within the threshold, so that a year's graph stays O(faces) (0: every pair, as dlib's example)",
             0.0, 100000.0},
            {"candidates", ParamType::integer, std::int64_t{0},
             "a face with more than max_neighbors within the threshold links to the nearest of this many measured, nearest first (0: its exact nearest)",
             0.0, 100000000.0},
            ParamSpec{"threads", ParamType::integer, std::int64_t{0}, "workers for the neighbour search (0: all cores)", 0.0, 1024.0}.execution()},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<ChineseWhispers>(p.real("threshold"), static_cast<unsigned long>(p.integer("iterations")),
                                                      static_cast<std::size_t>(p.integer("min_size")),
                                                      static_cast<std::size_t>(p.integer("max_neighbors")),
                                                      static_cast<std::size_t>(p.integer("candidates")), static_cast<int>(p.integer("threads")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
