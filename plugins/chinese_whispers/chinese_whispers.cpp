// dlib's Chinese whispers graph clustering, as dlib's dnn_face_recognition_ex.cpp uses it: an
// edge between faces closer than `threshold` (and from each face to itself), then label
// propagation with dlib::chinese_whispers' own rule. Three things let it run on a year (a million
// faces, an anchor with a fifth of them, whose close pairs number in the billions):
//  - each face links to at most `max_neighbors` of its nearest faces within the threshold, both
//    ways, so the graph holds O(n·k) edges; max_neighbors=0 links every pair within the
//    threshold, as dlib's example does;
//  - a face with many faces within the threshold (8 or more of a one-in-`sample` sample, so some
//    500: a large person's) follows the sample: the sample's faces whisper among themselves,
//    and such a face then takes the label most of its nearest of the sample have. Its nearest
//    among all faces would have to be proven against most of its person, since in 128-D the
//    nearest are barely nearer than the rest (docs/clustering-a-year.md). Every other face links
//    to its exact nearest among the faces that whisper, searched among those alone, so an
//    episode's graph is the exact one; a face near followers only (a large person's outlying
//    face) follows the nearest of those;
//  - the propagation is dlib's loop (dlib::rand's picks, dlib's vote and tie rule) on a flat
//    adjacency, stopped once no face would change label: dlib's own loop would go on to its
//    last pick changing nothing, so the labels are dlib's for the same graph.
// Every face gets a person; groups smaller than min_size are noise.
#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>

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

// dlib's vote: the label most of the labels are, ties to the smallest (dlib sums the weights,
// all 1 here, in a std::map and takes the first largest). Sorted, not counted one by one against
// a list: a sample face may have thousands of neighbours.
unsigned long most_common(std::vector<unsigned long>& seen) {
  std::sort(seen.begin(), seen.end());
  unsigned long best = seen.front();
  std::size_t most = 0;
  for (std::size_t a = 0, b = 0; a < seen.size(); a = b) {
    while (b < seen.size() && seen[b] == seen[a]) ++b;
    if (b - a > most) most = b - a, best = seen[a];  // runs ascend: a tie keeps the smaller label
  }
  return best;
}

// The label most of i's neighbours (itself included) have.
unsigned long vote(const Graph& g, const std::vector<unsigned long>& labels, std::size_t i, std::vector<unsigned long>& seen) {
  seen.clear();
  for (std::size_t e = g.start[i]; e < g.start[i + 1]; ++e) seen.push_back(labels[g.to[e]]);
  return most_common(seen);
}

bool settled(const Graph& g, const std::vector<unsigned long>& labels, std::vector<unsigned long>& counts) {
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
  std::vector<unsigned long> counts;
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

// A face with this many of the sample within the threshold follows the sample (8 of a 1-in-64
// sample: some 500 faces within the threshold); one with fewer whispers on its exact nearest.
// 16 kept the same people at 10,000-100,000 faces (B-cubed within 0.0005) and searched 18% more
// faces in full at a million (13 s).
constexpr std::size_t kDenseLinks = 8;

// Whether face i is in the 1-in-`every` sample: a hash of its index (splitmix64's finaliser), so
// the same faces on every run and for any number of faces.
bool in_sample(std::size_t i, std::size_t every) {
  std::uint64_t z = std::uint64_t(i) + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return (z ^ (z >> 31)) % every == 0;
}

// Faces that take no part in the whispers, each with the faces it follows.
struct Followers {
  std::vector<std::uint32_t> face, leaders;
  std::vector<std::size_t> start{0};
  template <class It>
  void add(std::size_t i, It first, It last, double threshold) {
    face.push_back(std::uint32_t(i));
    for (; first != last; ++first)
      if (first->index != i && first->distance < threshold) leaders.push_back(std::uint32_t(first->index));
    start.push_back(leaders.size());
  }
  // Each takes the label most of its leaders have, ties to the smallest (dlib's vote), in the
  // order they were added: a face that follows followers comes after them.
  void label(std::vector<unsigned long>& labels) const {
    std::vector<unsigned long> seen;
    for (std::size_t f = 0; f < face.size(); ++f) {
      seen.clear();
      for (std::size_t e = start[f]; e < start[f + 1]; ++e) seen.push_back(labels[leaders[e]]);
      if (!seen.empty()) labels[face[f]] = most_common(seen);
    }
  }
};

class ChineseWhispers final : public Clusterer {
 public:
  ChineseWhispers(double threshold, unsigned long iterations, std::size_t min_size, std::size_t max_neighbors, std::size_t sample,
                  int threads)
      : threshold_(threshold), iterations_(iterations), min_size_(min_size), max_neighbors_(max_neighbors), sample_(sample),
        threads_(threads) {}

  bool supports(Metric) const override { return true; }

  Clustering cluster(const EmbeddingSet& x) override {
    if (x.size() >= (std::size_t(1) << 32)) throw std::length_error("more than 2^32 faces");
    Links links;
    auto index = make_neighbor_index(x);
    if (max_neighbors_ == 0) {
      index->pairs_within(threshold_, threads_, {}, [&](std::size_t i, std::size_t j) { links.link(i, j, x.distance(i, j), threshold_); });
    } else {
      link_nearest(std::move(index), x, links);
    }
    index.reset();
    std::vector<unsigned long> raw = whispers(graph_of(x.size(), links.edges), iterations_);
    links.followers.label(raw);
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
  // The links of the faces that whisper, and the faces of large people that follow the sample.
  struct Links {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    Followers followers;
    void link(std::size_t i, std::size_t j, double d, double threshold) {
      if (i != j && d < threshold) edges.emplace_back(std::uint32_t(std::min(i, j)), std::uint32_t(std::max(i, j)));  // strictly closer, as dlib's example
    }
  };

  // A face with many of the sample within the threshold (a large person's) follows the sample:
  // it takes no part in the whispers, and then the label most of its nearest of the sample have.
  // The sample's faces link to their nearest of the sample; every other face to its exact nearest
  // among the faces that whisper, or, where only followers are that near (a large person's
  // outlying face), follows the nearest of those. So a large person whispers on its sample alone,
  // and an episode, where hardly a face has 8 of the sample that near, on the exact graph.
  void link_nearest(std::unique_ptr<NeighborIndex> index, const EmbeddingSet& x, Links& links) const {
    const std::size_t k = max_neighbors_ + 1;  // the face itself comes first
    if (sample_ == 0) {
      index->nearest_within_each(k, threshold_, threads_, [&](std::size_t i, const std::vector<Neighbor>& near) {
        for (const Neighbor& m : near) links.link(i, m.index, m.distance, threshold_);
      });
      return;
    }
    std::vector<std::size_t> sample;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (in_sample(i, sample_)) sample.push_back(i);
    std::vector<char> whispers(x.size(), 1);  // 0: follows, 1: whispers on its exact nearest, 2: on the sample
    index->nearest_among_each(sample, k, threshold_, threads_, [&](std::size_t i, const std::vector<Neighbor>& near) {
      if (near.size() < std::min(kDenseLinks, k)) return;
      if (in_sample(i, sample_)) {
        for (const Neighbor& m : near) links.link(i, m.index, m.distance, threshold_);
        whispers[i] = 2;
      } else {
        whispers[i] = 0;
        links.followers.add(i, near.begin(), near.end(), threshold_);
      }
    });
    index.reset();  // the searches from here on are among fewer faces
    // The exact faces search only the faces that whisper, in an index of their own: they link to
    // no follower unless no face that whispers is near, and a large person's followers (most of a
    // year's faces) would otherwise be measured by every search.
    std::vector<std::size_t> kept, exact;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (whispers[i]) {
        if (whispers[i] == 1) exact.push_back(kept.size());
        kept.push_back(i);
      }
    std::vector<std::size_t> alone;
    {
      const EmbeddingSet kept_x = subset(x, kept);
      auto kept_index = make_neighbor_index(kept_x);
      std::mutex serial;
      kept_index->within_each(exact, threshold_, threads_, [&](std::size_t s, const std::vector<std::size_t>& hits) {
        const std::size_t i = kept[s];
        std::vector<Neighbor> near;
        for (std::size_t h : hits) near.push_back({kept[h], x.distance(i, kept[h])});
        const auto end = nearest_k(near, k);
        std::lock_guard lock(serial);
        // No face that whispers links to i either: none is that near.
        if (std::none_of(near.begin(), end, [&](const Neighbor& m) { return m.index != i && m.distance < threshold_; }))
          return alone.push_back(i);
        for (auto m = near.begin(); m != end; ++m) links.link(i, m->index, m->distance, threshold_);
      });
    }
    follow_followers(x, whispers, alone, links);
  }

  // A face alone among the faces that whisper is either nobody else's or an outlying face of a
  // large person, near their followers only: it follows the nearest followers within the
  // threshold, searched in an index of those faces and the followers alone. Among all faces the
  // searches of these few, scattered over the tree, cost as much as every other face's together.
  void follow_followers(const EmbeddingSet& x, const std::vector<char>& whispers, const std::vector<std::size_t>& alone,
                        Links& links) const {
    // An episode has no followers: its faces alone are nobody else's, with nothing to search.
    if (alone.empty() || std::all_of(whispers.begin(), whispers.end(), [](char w) { return w != 0; })) return;
    std::vector<std::size_t> rows(alone);
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!whispers[i]) rows.push_back(i);
    std::sort(rows.begin(), rows.end());
    std::vector<std::size_t> queries;
    for (std::size_t r = 0; r < rows.size(); ++r)
      if (whispers[rows[r]]) queries.push_back(r);
    const EmbeddingSet rows_x = subset(x, rows);
    std::vector<std::pair<std::size_t, std::vector<Neighbor>>> found;
    std::mutex serial;
    make_neighbor_index(rows_x)->within_each(queries, threshold_, threads_, [&](std::size_t r, const std::vector<std::size_t>& hits) {
      std::vector<Neighbor> followed;
      for (std::size_t h : hits)
        if (!whispers[rows[h]]) followed.push_back({rows[h], x.distance(rows[r], rows[h])});
      followed.resize(std::size_t(nearest_k(followed, max_neighbors_ + 1) - followed.begin()));
      std::lock_guard lock(serial);
      if (!followed.empty()) found.emplace_back(rows[r], std::move(followed));
    });
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [i, followed] : found) links.followers.add(i, followed.begin(), followed.end(), threshold_);
  }

  // The k nearest of v moved to its front, by distance, then index; returns their end.
  static std::vector<Neighbor>::iterator nearest_k(std::vector<Neighbor>& v, std::size_t k) {
    const auto end = v.begin() + std::ptrdiff_t(std::min(k, v.size()));
    std::partial_sort(v.begin(), end, v.end(), [](const Neighbor& a, const Neighbor& b) {
      return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
    });
    return end;
  }

  static EmbeddingSet subset(const EmbeddingSet& x, const std::vector<std::size_t>& rows) {
    EmbeddingSet out{x.dim, x.metric, {}};
    out.data.reserve(rows.size() * x.dim);
    for (std::size_t i : rows) out.data.insert(out.data.end(), x.row(i), x.row(i) + x.dim);
    return out;
  }

  double threshold_;
  unsigned long iterations_;
  std::size_t min_size_, max_neighbors_, sample_;
  int threads_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::clusterer, "chinese-whispers", "1.2",
           "dlib's Chinese whispers on the graph of faces closer than a threshold, each linked to its nearest; any metric",
           {ParamSpec{"threshold", ParamType::real, 0.6, "faces closer than this are linked (dlib's face clustering example: 0.6)", 0.0, std::nullopt}.above_min(),
            {"iterations", ParamType::integer, std::int64_t{100}, "label-propagation rounds (dlib's default: 100; it stops early once no label would change)", 1.0, 100000.0},
            {"min_size", ParamType::integer, std::int64_t{1}, "faces a group needs to be a person (smaller: noise)", 1.0, std::nullopt},
            {"max_neighbors", ParamType::integer, std::int64_t{32},
             "each face links to at most this many of its nearest faces within the threshold, so that a year's graph stays O(faces) (0: every pair, as dlib's example)",
             0.0, 100000.0},
            {"sample", ParamType::integer, std::int64_t{64},
             "a face with 8 or more of a one-in-this sample within the threshold (some 500 faces: a large person's) follows its nearest of the sample rather than linking to its nearest of all (0: every face links to its nearest of all)",
             0.0, 1000000.0},
            ParamSpec{"threads", ParamType::integer, std::int64_t{0}, "workers for the neighbour search (0: all cores)", 0.0, 1024.0}.execution()},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<ChineseWhispers>(p.real("threshold"), static_cast<unsigned long>(p.integer("iterations")),
                                                      static_cast<std::size_t>(p.integer("min_size")),
                                                      static_cast<std::size_t>(p.integer("max_neighbors")),
                                                      static_cast<std::size_t>(p.integer("sample")), static_cast<int>(p.integer("threads")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
