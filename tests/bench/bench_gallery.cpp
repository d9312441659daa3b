// What naming from a gallery costs before the first name: the labelled photos of
// ../shared/data/faces (66, 18 people) made web-sized (scaled up to SIDE px on their long side,
// JPEG, as photos from the web are), detected and embedded with the default pipeline's stages.
// Prints photos/s, median of RUNS runs, for castnet 0.1's way (one photo after another, at its own
// size) and today's (photos scaled down to kGalleryMaxSide, on THREADS workers).
//   build/tests/bench/bench_gallery [RUNS] [SIDE] [THREADS]        (default: 3, 2000, 2)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/core/pipeline_file.hpp"
#include "castnet/core/registry.hpp"
#include "castnet/core/system.hpp"
#include "castnet/eval/gallery.hpp"
#include "castnet/eval/synth.hpp"

using namespace castnet;
namespace fs = std::filesystem;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// gallery/<identity>/<k>.jpg, each photo scaled to `side` px on its long side.
std::size_t make_gallery(const fs::path& shared, const fs::path& dir, int side) {
  std::size_t n = 0;
  for (const auto& photo : load_labeled_photos(shared / "data/faces/labels.csv")) {
    cv::Mat img = cv::imread(photo.path.string(), cv::IMREAD_COLOR), big;
    if (img.empty()) continue;
    const double s = double(side) / std::max(img.cols, img.rows);
    cv::resize(img, big, {}, s, s, cv::INTER_CUBIC);
    fs::create_directories(dir / photo.identity);
    cv::imwrite((dir / photo.identity / fmt::format("{}.jpg", n++)).string(), big, {cv::IMWRITE_JPEG_QUALITY, 90});
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 3, side = argc > 2 ? std::atoi(argv[2]) : 2000, threads = argc > 3 ? std::atoi(argv[3]) : 2;
  const char* env = std::getenv("CASTNET_SHARED");
  const fs::path shared = env ? fs::path(env) : fs::path(CASTNET_SOURCE_DIR) / "../shared";
  if (!fs::exists(shared / "data/faces/labels.csv")) {
    std::fprintf(stderr, "bench: %s/data/faces is absent\n", shared.c_str());
    return 2;
  }
  const fs::path dir = fs::temp_directory_path() / "castnet_bench_gallery";
  fs::remove_all(dir);
  const std::size_t n = make_gallery(shared, dir, side);
  PluginRegistry reg(PluginRegistry::default_dirs());
  const PluginContext ctx{default_models_dir()};
  const PipelineSpec p = default_pipeline();
  struct Way {
    std::string name;
    GalleryOptions opt;
  };
  for (const Way& way : {Way{"one at a time, own size (castnet 0.1)", {nullptr, true, 1, 0}},
                         Way{"one at a time, scaled down", {nullptr, true, 1, kGalleryMaxSide}},
                         Way{fmt::format("{} workers, scaled down", threads), {nullptr, true, threads, kGalleryMaxSide}}}) {
    std::vector<double> seconds;
    std::size_t faces = 0;
    for (int r = 0; r < runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      faces = embed_gallery(dir, reg, ctx, p.detector, p.embedder, way.opt).faces.size();
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const double m = median(seconds);
    fmt::print("{} photos of {} px, {}: median {:.2f} s over {} runs, {:.2f} photos/s, {} faces\n", n, side, way.name, m, runs, double(n) / m, faces);
  }
  fs::remove_all(dir);
}
