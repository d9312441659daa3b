// One clustering of n calibrated synthetic faces (castnet/eval/synthetic_faces.hpp) by one
// clusterer, in a process of its own so that its peak memory is its own. Prints one line of
// key=value figures; bench_cluster.sh runs it per size and compares with scikit-learn.
//   build/tests/bench/bench_cluster N SPEC [--points FILE] [--labels FILE] [--quantiles] [--recall]
// --points writes the faces as raw float64 rows (numpy.fromfile(FILE).reshape(-1, 128)),
// --labels the labels one per line, --quantiles the calibration beside its targets, --recall
// the approximate index's recall of the 10 nearest against the exact engine (2,000 points).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "castnet/core/registry.hpp"
#include "castnet/eval/synthetic_faces.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/progress.hpp"

using namespace castnet;

namespace {

// Share of the exact 10 nearest (by index) that the approximate index finds, over a sample.
void print_recall(const EmbeddingSet& x) {
  auto start = std::chrono::steady_clock::now();
  auto approximate = make_approximate_index(x);
  double build = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto exact = make_neighbor_index(x);
  std::size_t hit = 0, total = 0;
  std::vector<Neighbor> a, e;
  for (std::size_t i = 0; i < x.size(); i += std::max<std::size_t>(1, x.size() / 2000)) {
    exact->nearest(i, 10, e);
    approximate->nearest(i, 10, a);
    for (const Neighbor& n : e) {
      ++total;
      hit += std::any_of(a.begin(), a.end(), [&](const Neighbor& m) { return m.index == n.index || m.distance == n.distance; });
    }
  }
  fmt::print("recall@10={:.4f} hnsw_build_seconds={:.1f}\n", double(hit) / double(total), build);
}

double peak_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_cluster N SPEC [--points FILE] [--labels FILE] [--quantiles]\n");
    return 2;
  }
  const std::size_t n = std::stoul(argv[1]);
  const std::string spec = argv[2];
  std::string points, labels;
  bool quantiles = false, recall = false;
  for (int a = 3; a < argc; ++a) {
    std::string arg = argv[a];
    if (arg == "--points" && a + 1 < argc) points = argv[++a];
    else if (arg == "--labels" && a + 1 < argc) labels = argv[++a];
    else if (arg == "--quantiles") quantiles = true;
    else if (arg == "--recall") recall = true;
  }
  SyntheticFaces faces = synthetic_faces(n);
  if (quantiles) {
    DistanceQuantiles q = distance_quantiles(faces);
    fmt::print("calibration: same median {:.3f} (0.40) p05 {:.3f} (0.24) p95 {:.3f} (0.54); different median {:.3f} (0.84) p01 {:.3f} (0.65)\n",
               q.same_median, q.same_p05, q.same_p95, q.different_median, q.different_p01);
  }
  if (recall) print_recall(faces.x);
  if (!points.empty()) {
    std::ofstream f(points, std::ios::binary);
    f.write(reinterpret_cast<const char*>(faces.x.data.data()), std::streamsize(faces.x.data.size() * sizeof(double)));
  }
  const double before = peak_mb();
  PluginRegistry registry(PluginRegistry::default_dirs());
  auto clusterer = registry.create<Clusterer>(PluginKind::clusterer, parse_stage_spec(spec), {});
  auto start = std::chrono::steady_clock::now();
  std::string step;  // each step's start on stderr: where a long run spends its time
  set_progress_handler([&](const std::string& now, std::size_t, std::size_t) {
    if (now == step) return;
    step = now;
    fmt::print(stderr, "{:.1f}s: {}\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), now);
  });
  Clustering c = clusterer->cluster(faces.x);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int clusters = 0, noise = 0;
  for (int l : c.labels) clusters = std::max(clusters, l + 1), noise += l < 0;
  fmt::print("n={} spec={} seconds={:.3f} peak_mb={:.0f} points_mb={:.0f} clusters={} noise={} identities={}\n", n, spec,
             seconds, peak_mb(), before, clusters, noise, faces.identity.empty() ? 0 : *std::max_element(faces.identity.begin(), faces.identity.end()) + 1);
  if (!labels.empty()) {
    std::ofstream f(labels);
    for (int l : c.labels) f << l << "\n";
  }
  return 0;
} catch (const Error& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return int(e.code());
}
