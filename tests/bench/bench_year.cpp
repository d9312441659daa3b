// A year of a programme in one face store, without pictures: calibrated faces
// (castnet/eval/synthetic_faces.hpp: 128-D, same-person median ~0.41, Zipf-sized people, the
// anchor ~20% of the faces) placed two to a frame at random boxes, frames in broadcasts of
// ~2,300 faces, nobody twice in a frame except the anchor in a given share of their faces (on
// the studio screen behind themself). The store is what `castnet extract` leaves with the
// default detector and embedder, so `castnet cluster -o DIR` and `castnet graph` run on it as
// on a real year. bench_year.sh times them.
//   bench_year make DIR N [--twice SHARE] [--seed S]   DIR/castnet.sqlite and DIR/identities.bin,
//                                                       and 2,300 more faces held back in DIR/next.bin
//   bench_year add DIR                                  the held-back faces as one more broadcast
//   bench_year score DIR                                B-cubed of the latest clustering, and the share
//                                                       of the added faces that joined their identity's person
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
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

// The default's detector and embedder keys, as `castnet extract` stores them.
std::pair<std::string, std::string> default_keys() {
  PluginRegistry registry(PluginRegistry::default_dirs());
  PipelineSpec p = default_pipeline();
  return {registry.key(PluginKind::detector, p.detector), registry.key(PluginKind::embedder, p.embedder)};
}

// Stores `frames` (faces of `faces`) as broadcasts of ~kBroadcastFaces from number `broadcast`
// on; appends each stored face's identity to `stored_identity`. Returns the next broadcast number.
std::size_t store_broadcasts(FaceStore& store, const SyntheticFaces& faces, const std::vector<std::vector<std::size_t>>& frames,
                             std::size_t broadcast, std::vector<int>& stored_identity, std::mt19937_64& rng) {
  auto [detector, embedder] = default_keys();
  std::size_t frame = 0;
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
      r.content_hash = (std::uint64_t(broadcast) << 32) + frame + 1;
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
  return broadcast;
}

void write_ints(const fs::path& file, const std::vector<int>& v, std::ios::openmode mode = std::ios::trunc) {
  std::ofstream out(file, std::ios::binary | mode);
  out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(int)));
}

std::vector<int> read_ints(const fs::path& file) {
  std::vector<int> v(fs::exists(file) ? fs::file_size(file) / sizeof(int) : 0);
  std::ifstream in(file, std::ios::binary);
  in.read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * sizeof(int)));
  return v;
}

int make(const fs::path& dir, std::size_t n, double twice, unsigned long long seed) {
  // n faces and one broadcast more, held back at random for `add`.
  SyntheticFaces all = synthetic_faces(n + kBroadcastFaces, seed);
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> order(all.identity.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), rng);
  SyntheticFaces faces{{all.x.dim, all.x.metric, {}}, {}}, next{{all.x.dim, all.x.metric, {}}, {}};
  std::sort(order.begin(), order.begin() + std::ptrdiff_t(n));
  for (std::size_t k = 0; k < order.size(); ++k) {
    SyntheticFaces& to = k < n ? faces : next;
    to.x.data.insert(to.x.data.end(), all.x.row(order[k]), all.x.row(order[k]) + all.x.dim);
    to.identity.push_back(all.identity[order[k]]);
  }
  fs::create_directories(dir);
  FaceStore store(dir / "castnet.sqlite");
  std::vector<int> stored_identity;
  std::size_t broadcasts = store_broadcasts(store, faces, frames_of(faces.identity, twice, rng), 0, stored_identity, rng);
  write_ints(dir / "identities.bin", stored_identity);
  write_ints(dir / "next_identities.bin", next.identity);
  std::ofstream(dir / "next.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(next.x.data.data()), std::streamsize(next.x.data.size() * sizeof(double)));
  fmt::print("made {} faces of {} broadcasts, anchor {} faces ({} twice in a frame); {} held back for add\n", n, broadcasts,
             std::count(faces.identity.begin(), faces.identity.end(), 0),
             std::size_t(double(std::count(faces.identity.begin(), faces.identity.end(), 0)) * twice / 2.0) * 2, next.identity.size());
  return 0;
}

// The held-back faces as the next broadcast, two to a frame.
int add(const fs::path& dir) {
  SyntheticFaces next{{128, Metric::euclidean, {}}, read_ints(dir / "next_identities.bin")};
  next.x.data.resize(next.identity.size() * 128);
  std::ifstream(dir / "next.bin", std::ios::binary).read(reinterpret_cast<char*>(next.x.data.data()), std::streamsize(next.x.data.size() * sizeof(double)));
  FaceStore store(dir / "castnet.sqlite");
  std::mt19937_64 rng(99);
  std::vector<int> stored_identity;
  store_broadcasts(store, next, frames_of(next.identity, 0.0, rng), store.broadcasts().size(), stored_identity, rng);
  write_ints(dir / "identities.bin", stored_identity, std::ios::app);
  fmt::print("added {} faces as one broadcast\n", stored_identity.size());
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
  std::vector<int> identity = read_ints(dir / "identities.bin");
  if (identity.size() != faces.size()) throw Error(ExitCode::usage, "identities.bin does not match the store's faces.");
  auto b = scores::bcubed(identity, scores::noise_as_singletons(labels));
  // The added faces (the last broadcast's, if `add` ran): the share whose person is the one most
  // of their identity's other faces have.
  const std::size_t added = read_ints(dir / "next_identities.bin").size(), first = faces.size() > added ? faces.size() - added : 0;
  std::map<int, std::map<int, std::size_t>> votes;
  for (std::size_t i = 0; i < first; ++i) ++votes[identity[i]][labels[i]];
  std::size_t joined = 0;
  for (std::size_t i = first; i < faces.size(); ++i) {
    auto& v = votes[identity[i]];
    joined += !v.empty() && std::max_element(v.begin(), v.end(), [](auto& a, auto& c) { return a.second < c.second; })->first == labels[i];
  }
  fmt::print("last_broadcast_joined={:.4f} ", faces.size() > first ? double(joined) / double(faces.size() - first) : 0.0);
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
  if (what == "add") return add(argv[2]);
  std::fprintf(stderr, "usage: bench_year make DIR N [--twice SHARE] [--seed S] | bench_year add DIR | bench_year score DIR\n");
  return 2;
} catch (const Error& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return int(e.code());
}
