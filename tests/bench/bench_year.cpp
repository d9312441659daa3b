// A year of a programme in one face store, without pictures: calibrated faces
// (castnet/eval/synthetic_faces.hpp: 128-D, same-person median ~0.41, Zipf-sized people, the
// anchor ~20% of the faces) placed two to a frame at random boxes, frames in broadcasts of
// ~2,300 faces, nobody twice in a frame except the anchor in a given share of their faces (on
// the studio screen behind themself). The store is what `castnet extract` leaves with the
// default detector and embedder, so `castnet cluster -o DIR` and `castnet graph` run on it as
// on a real year. bench_year.sh times them.
//   bench_year make DIR N [--twice SHARE] [--seed S]   DIR/castnet.sqlite and DIR/identities.bin
//   bench_year score DIR                                B-cubed of the latest clustering
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <fmt/format.h>

#include "castnet/core/pipeline_file.hpp"
#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"
#include "castnet/eval/clustering_scores.hpp"
#include "castnet/eval/synthetic_faces.hpp"
#include "castnet/sdk/errors.hpp"

using namespace castnet;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kBroadcastFaces = 2300;

// Frames of two faces (one where the count is odd), of two people but in `twice` of the
// anchor's faces, which share a frame with another of the anchor's.
std::vector<std::vector<std::size_t>> frames_of(const std::vector<int>& identity, double twice, std::mt19937_64& rng) {
  std::vector<std::size_t> anchor, others;
  for (std::size_t i = 0; i < identity.size(); ++i) (identity[i] == 0 ? anchor : others).push_back(i);
  std::shuffle(anchor.begin(), anchor.end(), rng);
  std::vector<std::vector<std::size_t>> frames;
  std::size_t doubled = std::size_t(double(anchor.size()) * twice / 2.0);
  for (std::size_t k = 0; k < doubled; ++k) frames.push_back({anchor[2 * k], anchor[2 * k + 1]});
  std::vector<std::size_t> rest(anchor.begin() + std::ptrdiff_t(2 * doubled), anchor.end());
  rest.insert(rest.end(), others.begin(), others.end());
  std::shuffle(rest.begin(), rest.end(), rng);
  for (std::size_t k = 0; k + 1 < rest.size(); k += 2) {
    // One person twice: swap the second face with a later one of someone else.
    for (std::size_t j = k + 2; j < rest.size() && identity[rest[k]] == identity[rest[k + 1]]; ++j)
      if (identity[rest[j]] != identity[rest[k]]) std::swap(rest[k + 1], rest[j]);
    frames.push_back({rest[k], rest[k + 1]});
  }
  if (rest.size() % 2) frames.push_back({rest.back()});
  std::shuffle(frames.begin(), frames.end(), rng);
  return frames;
}

Box random_box(std::mt19937_64& rng) {
  std::uniform_int_distribution<long> size(40, 120), x(0, 640 - 121), y(0, 360 - 121);
  long s = size(rng), l = x(rng), t = y(rng);
  return {l, t, l + s, t + s};
}

int make(const fs::path& dir, std::size_t n, double twice, unsigned long long seed) {
  SyntheticFaces faces = synthetic_faces(n, seed);
  std::mt19937_64 rng(seed);
  auto frames = frames_of(faces.identity, twice, rng);
  fs::create_directories(dir);
  FaceStore store(dir / "castnet.sqlite");
  PluginRegistry registry(PluginRegistry::default_dirs());
  PipelineSpec p = default_pipeline();
  const std::string detector = registry.key(PluginKind::detector, p.detector), embedder = registry.key(PluginKind::embedder, p.embedder);
  std::vector<int> stored_identity;
  std::size_t frame = 0, broadcast = 0;
  while (frame < frames.size()) {
    std::string name = fmt::format("BENCH_2023{:04d}_083000_year", broadcast);
    std::int64_t b = store.add_broadcast({0, name, "BENCH", std::int64_t(1672560000 + 86400 * broadcast), "zip", "/bench/" + name + ".zip"});
    std::vector<FrameResult> batch;
    for (std::size_t in_broadcast = 0; frame < frames.size() && in_broadcast < kBroadcastFaces; ++frame) {
      FrameResult r;
      r.broadcast_id = b;
      r.seq = long(batch.size());
      r.name = fmt::format("{}-{:06d}.jpg", name, r.seq + 1);
      r.location = "/bench/" + name + ".zip/" + r.name;
      r.seconds = 4.0 * double(r.seq);
      r.content_hash = frame + 1;
      r.width = 640, r.height = 360;
      for (std::size_t f : frames[frame]) {
        r.faces.push_back({random_box(rng), 1.0, {}});
        const double* row = faces.x.row(f);
        r.embeddings.emplace_back(row, row + faces.x.dim);
        stored_identity.push_back(faces.identity[f]);
        ++in_broadcast;
      }
      batch.push_back(std::move(r));
    }
    store.save(detector, embedder, batch);
    store.mark_done(b, detector, embedder);
    ++broadcast;
  }
  store.set_meta("detector", detector);
  store.set_meta("embedder", embedder);
  std::ofstream out(dir / "identities.bin", std::ios::binary);
  out.write(reinterpret_cast<const char*>(stored_identity.data()), std::streamsize(stored_identity.size() * sizeof(int)));
  fmt::print("made {} faces in {} frames of {} broadcasts, anchor {} faces ({} twice in a frame)\n", n, frames.size(), broadcast,
             std::count(faces.identity.begin(), faces.identity.end(), 0), std::size_t(double(std::count(faces.identity.begin(), faces.identity.end(), 0)) * twice / 2.0) * 2);
  return 0;
}

int score(const fs::path& dir) {
  FaceStore store(dir / "castnet.sqlite");
  auto run = store.latest_clustering();
  if (!run) throw Error(ExitCode::store, "No clustering in the store yet.");
  auto faces = store.faces(run->detector);
  std::vector<std::int64_t> ids;
  for (const auto& f : faces) ids.push_back(f.id);
  std::vector<int> labels = store.clustering(run->id, ids).labels;
  std::vector<int> identity(faces.size());
  std::ifstream in(dir / "identities.bin", std::ios::binary);
  in.read(reinterpret_cast<char*>(identity.data()), std::streamsize(identity.size() * sizeof(int)));
  if (!in) throw Error(ExitCode::usage, "identities.bin does not match the store's faces.");
  auto b = scores::bcubed(identity, scores::noise_as_singletons(labels));
  fmt::print("faces={} people={} identities={} noise={} bcubed_precision={:.4f} bcubed_recall={:.4f} bcubed_f1={:.4f}\n", faces.size(),
             scores::cluster_count(labels), scores::cluster_count(identity), std::count(labels.begin(), labels.end(), -1), b.precision,
             b.recall, b.f1);
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  std::string what = argc > 2 ? argv[1] : "";
  if (what == "make" && argc >= 4) {
    double twice = 0;
    unsigned long long seed = 1;
    for (int a = 4; a + 1 < argc; a += 2) {
      if (std::string(argv[a]) == "--twice") twice = std::stod(argv[a + 1]);
      if (std::string(argv[a]) == "--seed") seed = std::stoull(argv[a + 1]);
    }
    return make(argv[2], std::stoul(argv[3]), twice, seed);
  }
  if (what == "score") return score(argv[2]);
  std::fprintf(stderr, "usage: bench_year make DIR N [--twice SHARE] [--seed S] | bench_year score DIR\n");
  return 2;
} catch (const Error& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return int(e.code());
}
