// Speed of what follows clustering, on a network of 300 people and 3,000 links (a year of a
// programme's regulars): PageRank + Louvain + ForceAtlas2, then graph.svg/png, then report.html.
// Prints the median of RUNS runs (default 5) of each step.
//   build/tests/bench/bench_network [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/formats/graph_picture.hpp"
#include "castnet/formats/report.hpp"
#include "castnet/network/community.hpp"
#include "castnet/network/layout.hpp"
#include "castnet/network/pagerank.hpp"
#include "castnet/network/timeline.hpp"

namespace fs = std::filesystem;
using namespace castnet;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

// A benchmark reads best as one script: build a network, time each step, print the medians.
int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const std::size_t people = 300, links = 3000, frames = 2300;
  fs::path out = fs::temp_directory_path() / "castnet_bench_network";
  fs::remove_all(out);
  fs::create_directories(out / "node_images");
  fs::create_directories(out / "montages");
  std::mt19937_64 rng(1);

  Network net;
  for (std::size_t f = 0; f < frames; ++f)
    net.frames.push_back({std::int64_t(f + 1), fmt::format("BENCH_20230313_083000_show-{:06d}.jpg", f + 1), "", long(f)});
  std::vector<int> ids;
  for (std::size_t p = 0; p < people; ++p) {
    ids.push_back(int(p));
    cv::Mat face(96, 96, CV_8UC3, cv::Scalar(double(rng() % 255), double(rng() % 255), double(rng() % 255)));
    cv::circle(face, {48, 48}, 30, {255, 255, 255}, cv::FILLED);
    cv::imwrite((out / fmt::format("node_images/{}.jpg", p)).string(), face);
    cv::imwrite((out / fmt::format("montages/montage-{}.jpg", p)).string(), face);
    auto& seen = net.appearances[int(p)];
    for (std::size_t f = rng() % 100; f < frames; f += 1 + rng() % 60) seen.push_back(f);
  }
  std::map<std::pair<int, int>, long> count;
  while (count.size() < links) {
    int a = int(rng() % people), b = int(std::min<std::size_t>(people - 1, std::size_t(a) + 1 + rng() % 40));
    if (a != b) ++count[{std::min(a, b), std::max(a, b)}];
  }
  for (const auto& [pair, c] : count) net.edges.push_back({pair.first, pair.second, c, 0.1 + double(rng() % 90) / 100.0});

  std::vector<double> analysis, pictures, report;
  for (int r = 0; r < runs; ++r) {
    auto t = std::chrono::steady_clock::now();
    net.graph = build_graph(ids, net.edges);
    auto pr = pagerank(net.graph);
    auto com = louvain(net.graph);
    double max_pr = *std::max_element(pr.begin(), pr.end());
    std::vector<double> radius;
    for (std::size_t v = 0; v < people; ++v) {
      auto& p = net.graph[v];
      p.pagerank = pr[v], p.community = com[v], p.radius = node_radius(pr[v], max_pr), p.faces = 10;
      p.first_frame = net.appearances[p.identity].front(), p.last_frame = net.appearances[p.identity].back();
      p.image = fmt::format("node_images/{}.jpg", p.identity);
      radius.push_back(p.radius);
    }
    auto pos = force_atlas2(net.graph, radius);
    for (std::size_t v = 0; v < people; ++v) net.graph[v].x = pos[v].x, net.graph[v].y = pos[v].y;
    analysis.push_back(seconds_since(t));
    t = std::chrono::steady_clock::now();
    formats::OutputBatch pictures_batch(out);
    formats::write_graph_pictures(pictures_batch, net.graph);
    pictures_batch.commit();
    pictures.push_back(seconds_since(t));
    t = std::chrono::steady_clock::now();
    Timeline tl = timeline_of(net, 4.0);
    formats::OutputBatch report_batch(out);
    formats::write_report(report_batch, {&net, &tl, "# bench\n", true});
    report_batch.commit();
    report.push_back(seconds_since(t));
  }
  auto frame = formats::picture_frame(net.graph);
  std::printf("network of %zu people, %zu links, %zu frames; %d runs (median)\n", people, boost::num_edges(net.graph), frames, runs);
  std::printf("  PageRank + Louvain + ForceAtlas2: %.3f s\n", median(analysis));
  std::printf("  graph.svg + graph.png (%dx%d):   %.3f s\n", frame.width, frame.height, median(pictures));
  std::printf("  timeline + report.html:           %.3f s\n", median(report));
  std::printf("  total:                            %.3f s\n", median(analysis) + median(pictures) + median(report));
  if (std::getenv("CASTNET_BENCH_KEEP")) std::printf("  pictures and report kept in %s\n", out.c_str());
  else fs::remove_all(out);
}
