#include "castnet/core/extract.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <atomic>
#include <set>

#include <fmt/format.h>
#include <opencv2/core/utility.hpp>

#include "castnet/core/image_file.hpp"
#include "castnet/core/ordered_parallel_map.hpp"
#include "castnet/core/progress.hpp"
#include "castnet/core/system.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/frame_names.hpp"

namespace castnet {

// One detector and one embedder per worker: dlib's detectors and networks keep scratch state.
// Made as the work needs them: a 12-frame job never loads 64 networks.
struct Extractor::Workers {
  const PluginRegistry& reg;
  const PluginContext& ctx;
  StageSpec detector, embedder;
  int threads;
  std::vector<std::shared_ptr<Detector>> detectors;
  std::vector<std::shared_ptr<Embedder>> embedders;
  std::string detector_key, embedder_key;

  void grow(std::size_t n) {
    while (detectors.size() < n) {
      detectors.push_back(reg.create<Detector>(PluginKind::detector, detector, ctx, &detector_key));
      embedders.push_back(reg.create<Embedder>(PluginKind::embedder, embedder, ctx, &embedder_key));
    }
  }
};

namespace {

struct PulledFrame {
  SourceFrame frame;
  long seq = 0;
};

// `known`: the frame's faces from an earlier run of the same detector (detection is skipped).
FrameResult process_frame(PulledFrame in, std::int64_t broadcast_id, Detector& detector, Embedder& embedder,
                          const std::vector<Face>* known) {
  SourceFrame& f = in.frame;
  FrameResult r;
  r.broadcast_id = broadcast_id;
  r.name = std::move(f.name);
  r.location = std::move(f.location);
  r.seq = in.seq;
  r.seconds = f.seconds;
  r.metric = to_string(embedder.metric());
  r.error = f.error;
  cv::Mat rgb = f.rgb;
  if (r.error.empty() && rgb.empty()) {
    r.content_hash = fnv1a64(f.encoded.data(), f.encoded.size());
    rgb = decode_rgb(f.encoded, r.error, &r.warning);
  } else if (!rgb.empty()) {
    r.content_hash = fnv1a64(rgb.data, rgb.total() * rgb.elemSize());
  }
  if (!r.error.empty() || rgb.empty()) {
    if (r.error.empty()) r.error = "not a readable image";
    return r;
  }
  r.width = rgb.cols;
  r.height = rgb.rows;
  // A plugin's own exception types (dlib::error, ...) die with the plugin library: turn them into
  // our Error, whose type lives in the SDK library, before they travel further.
  try {
    r.faces = known ? *known : detector.detect(rgb);
    if (!r.faces.empty()) r.embeddings = embedder.embed(rgb, r.faces);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ExitCode::plugin, fmt::format("A plugin failed on frame {}: {}.", r.name, e.what()));
  }
  if (r.embeddings.size() != r.faces.size())
    throw Error(ExitCode::plugin, fmt::format("The embedder returned {} embeddings for {} faces in {}.",
                                              r.embeddings.size(), r.faces.size(), r.name));
  return r;
}

// Results in broadcast order, into the store `batch` frames per transaction.
struct BatchWriter {
  FaceStore& store;
  ExtractSummary& summary;
  Progress& progress;
  std::size_t size;
  std::vector<FrameResult> batch = {};

  void write(FrameResult r) {
    ++summary.processed;
    if (!r.error.empty()) {
      ++summary.unreadable;
      std::fprintf(stderr, "warning: frame %s is unreadable (%s); skipped.\n", r.name.c_str(), r.error.c_str());
    }
    if (!r.warning.empty())
      std::fprintf(stderr, "warning: frame %s is damaged (%s); what could be decoded was used.\n", r.name.c_str(), r.warning.c_str());
    summary.faces += r.faces.size();
    batch.push_back(std::move(r));
    if (batch.size() >= size) flush();
  }
  void flush() {
    if (batch.empty()) return;
    store.save(summary.detector_key, summary.embedder_key, batch);
    progress.advance(batch.size());
    batch.clear();
  }
};

// The prefix of the locations that are castnet's own outputs: `outputs/`, where it lies strictly
// inside the broadcast's input folder; empty otherwise.
std::string outputs_inside(const FaceStore& store, std::int64_t broadcast_id, const std::filesystem::path& outputs) {
  if (outputs.empty()) return {};
  namespace fs = std::filesystem;
  std::string out = fs::absolute(outputs).lexically_normal().string();
  if (out.back() != '/') out += '/';
  for (const auto& b : store.broadcasts()) {
    if (b.id != broadcast_id) continue;
    std::string in = fs::path(b.input).lexically_normal().string();
    if (in.back() != '/') in += '/';
    if (out.size() > in.size() && out.rfind(in, 0) == 0) return out;
  }
  return {};
}

}  // namespace

ExtractSummary& ExtractSummary::operator+=(const ExtractSummary& o) {
  frames += o.frames, processed += o.processed, resumed += o.resumed, unreadable += o.unreadable, faces += o.faces;
  detections_reused += o.detections_reused, broadcasts += o.broadcasts, seconds += o.seconds;
  detector_key = o.detector_key, embedder_key = o.embedder_key;
  return *this;
}

Extractor::Extractor(const PluginRegistry& reg, const PluginContext& ctx, const StageSpec& detector, const StageSpec& embedder,
                     const ExtractOptions& opt)
    : workers_(std::make_unique<Workers>(Workers{reg, ctx, detector, embedder, resolve_threads(opt.threads)})), opt_(opt) {
  workers_->grow(1);  // the stages' keys, and their parameters checked, before any frame is read
  const int threads = workers_->threads;
  // Workers are the parallelism; OpenBLAS's and OpenCV's own threads on top would only fight
  // them for the cores.
  if (threads > 1) {
    set_blas_threads(1);
    cv::setNumThreads(1);
  }
}

Extractor::~Extractor() = default;
const std::string& Extractor::detector_key() const { return workers_->detector_key; }
const std::string& Extractor::embedder_key() const { return workers_->embedder_key; }

ExtractSummary Extractor::run(FrameSource& source, std::int64_t broadcast_id, FaceStore& store, const std::string& label) {
  auto start = std::chrono::steady_clock::now();
  ExtractSummary summary;
  summary.detector_key = workers_->detector_key;
  summary.embedder_key = workers_->embedder_key;
  summary.broadcasts = 1;
  const std::set<std::string> done = store.done_locations(broadcast_id, summary.detector_key, summary.embedder_key);
  // Frames this detector already saw (with another embedder): reuse their faces, embed only.
  const std::map<std::string, std::vector<Face>> known = store.detected(broadcast_id, summary.detector_key);

  Progress progress("extract " + label, source.size_hint().value_or(0) - std::min(done.size(), source.size_hint().value_or(0)), opt_.quiet);
  long seq = 0;
  std::atomic<std::size_t> reused{0};
  const std::string skip_below = outputs_inside(store, broadcast_id, opt_.outputs);
  auto ours = [&](const std::string& location) { return !skip_below.empty() && location.rfind(skip_below, 0) == 0; };
  auto pull = [&]() -> std::optional<PulledFrame> {
    auto wanted = [&](const std::string& location) { return !done.count(location) && !ours(location); };
    while (auto f = source.next_if(wanted)) {
      if (ours(f->location)) continue;
      long s = seq++;
      if (done.count(f->location)) {
        ++summary.resumed;
        continue;
      }
      return PulledFrame{std::move(*f), s};
    }
    return std::nullopt;
  };
  auto work = [&](PulledFrame in, int w) {
    auto hit = known.find(in.frame.location);
    if (hit != known.end()) ++reused;
    return process_frame(std::move(in), broadcast_id, *workers_->detectors[w], *workers_->embedders[w],
                         hit == known.end() ? nullptr : &hit->second);
  };
  BatchWriter writer{store, summary, progress, opt_.batch};
  const std::size_t frames_left = source.size_hint().value_or(std::size_t(workers_->threads)) - std::min(done.size(), source.size_hint().value_or(0));
  workers_->grow(std::clamp<std::size_t>(frames_left, 1, std::size_t(workers_->threads)));
  const int threads = int(workers_->detectors.size());
  try {
    ordered_parallel_map<PulledFrame, FrameResult>(threads, opt_.batch + 4 * std::size_t(threads), pull, work,
                                                   [&](FrameResult r) { writer.write(std::move(r)); });
  } catch (...) {
    // What was finished is kept, even when a worker failed. Should the store itself be what
    // failed, this second try fails too, and the first error is the one to report.
    try {
      writer.flush();
    } catch (...) {
    }
    progress.finish();
    throw;
  }
  writer.flush();
  progress.finish();
  store.mark_done(broadcast_id, summary.detector_key, summary.embedder_key);
  summary.frames = std::size_t(seq);
  summary.detections_reused = reused;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

void record_extraction(FaceStore& store, const ExtractSummary& s) {
  // "detector" and "embedder" are the keys stores from castnet 0.1 already carry.
  store.set_meta("detector", s.detector_key);
  store.set_meta("embedder", s.embedder_key);
  store.set_meta("extract.frames", std::to_string(s.frames));
  store.set_meta("extract.processed", std::to_string(s.processed));
  store.set_meta("extract.resumed", std::to_string(s.resumed));
  store.set_meta("extract.unreadable", std::to_string(s.unreadable));
  store.set_meta("extract.faces", std::to_string(s.faces));
  store.set_meta("extract.detections_reused", std::to_string(s.detections_reused));
  store.set_meta("extract.seconds", fmt::format("{}", s.seconds));
  store.set_meta("extract.broadcasts", std::to_string(s.broadcasts));
}

std::optional<ExtractSummary> last_extraction(const FaceStore& store) {
  auto det = store.meta("detector"), emb = store.meta("embedder");
  if (!det || !emb) return std::nullopt;
  ExtractSummary s;
  s.detector_key = *det;
  s.embedder_key = *emb;
  auto number = [&](const char* key) { return std::strtod(store.meta(key).value_or("0").c_str(), nullptr); };
  s.frames = std::size_t(number("extract.frames"));
  s.processed = std::size_t(number("extract.processed"));
  s.resumed = std::size_t(number("extract.resumed"));
  s.unreadable = std::size_t(number("extract.unreadable"));
  s.faces = std::size_t(number("extract.faces"));
  s.detections_reused = std::size_t(number("extract.detections_reused"));
  s.seconds = number("extract.seconds");
  s.broadcasts = std::size_t(number("extract.broadcasts"));
  return s;
}

}  // namespace castnet
