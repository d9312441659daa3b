#include "castnet/core/extract.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>
#include <opencv2/core/utility.hpp>

#include "castnet/core/ordered_parallel_map.hpp"
#include "castnet/core/progress.hpp"
#include "castnet/core/system.hpp"
#include "castnet/sdk/errors.hpp"

namespace castnet {

namespace {

// What is left to do: frames not yet done for this configuration, and for those a detector
// already saw (with another embedder), their stored faces.
struct ExtractPlan {
  std::vector<std::int64_t> ids;                  // per frame of the source
  std::vector<std::size_t> todo;                  // positions in the source
  std::map<std::int64_t, std::vector<Face>> known;  // frame id -> faces to reuse
};

ExtractPlan plan_extraction(const std::vector<FrameRef>& refs, FaceStore& store, const ExtractSummary& keys) {
  ExtractPlan plan;
  plan.ids = store.add_frames(refs);
  auto done_ids = store.done_frames(keys.detector_key, keys.embedder_key);
  std::set<std::int64_t> done(done_ids.begin(), done_ids.end());
  for (std::size_t i = 0; i < refs.size(); ++i)
    if (!done.count(plan.ids[i])) plan.todo.push_back(i);
  if (plan.todo.empty()) return plan;
  for (auto id : store.detected_frames(keys.detector_key)) plan.known[id];  // zero-face frames too
  if (!plan.known.empty())
    for (const auto& f : store.faces(keys.detector_key))
      if (auto it = plan.known.find(f.frame_id); it != plan.known.end()) it->second.push_back(f.face);
  return plan;
}

// One detector and one embedder per worker: dlib's detectors and networks keep scratch state.
// Built before any work, so that a bad parameter or a missing model stops us at once.
struct Workers {
  std::vector<std::shared_ptr<Detector>> detectors;
  std::vector<std::shared_ptr<Embedder>> embedders;

  Workers(const PluginRegistry& reg, const PluginContext& ctx, const StageSpec& detector, const StageSpec& embedder, int threads,
          ExtractSummary& keys) {
    for (int t = 0; t < threads; ++t) {
      detectors.push_back(reg.create<Detector>(PluginKind::detector, detector, ctx, &keys.detector_key));
      embedders.push_back(reg.create<Embedder>(PluginKind::embedder, embedder, ctx, &keys.embedder_key));
    }
    // Workers are the parallelism; OpenBLAS's and OpenCV's own threads on top would only fight
    // them for the cores.
    if (threads > 1) {
      set_blas_threads(1);
      cv::setNumThreads(1);
    }
  }
};

// `known`: the frame's faces from an earlier run of the same detector (detection is skipped).
FrameResult process_frame(const FrameSource& source, const FrameRef& ref, std::int64_t frame_id,
                          Detector& detector, Embedder& embedder, const std::vector<Face>* known) {
  FrameResult r;
  r.frame_id = frame_id;
  r.metric = to_string(embedder.metric());
  LoadedFrame frame = source.load(ref);
  r.content_hash = frame.content_hash;
  if (frame.rgb.empty()) {
    r.error = frame.error;
    return r;
  }
  r.width = frame.rgb.cols;
  r.height = frame.rgb.rows;
  // A plugin's own exception types (dlib::error, ...) die with the plugin library: turn them into
  // our Error, whose type lives in the SDK library, before they travel further.
  try {
    r.faces = known ? *known : detector.detect(frame.rgb);
    if (!r.faces.empty()) r.embeddings = embedder.embed(frame.rgb, r.faces);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ExitCode::plugin, fmt::format("A plugin failed on frame {}: {}.", ref.name, e.what()));
  }
  if (r.embeddings.size() != r.faces.size())
    throw Error(ExitCode::plugin, fmt::format("The embedder returned {} embeddings for {} faces in {}.",
                                              r.embeddings.size(), r.faces.size(), ref.name));
  return r;
}

}  // namespace

ExtractSummary extract_faces(const FrameSource& source, FaceStore& store, const PluginRegistry& reg,
                             const PluginContext& ctx, const StageSpec& detector_spec, const StageSpec& embedder_spec,
                             const ExtractOptions& opt) {
  auto start = std::chrono::steady_clock::now();
  const int threads = resolve_threads(opt.threads);
  ExtractSummary summary;

  Workers workers(reg, ctx, detector_spec, embedder_spec, threads, summary);

  const auto& refs = source.frames();
  ExtractPlan plan = plan_extraction(refs, store, summary);
  summary.frames = refs.size();
  summary.resumed = refs.size() - plan.todo.size();
  for (std::size_t i : plan.todo) summary.detections_reused += plan.known.count(plan.ids[i]);

  Progress progress("extract", plan.todo.size(), opt.quiet);
  std::vector<FrameResult> batch;
  auto flush = [&] {
    if (batch.empty()) return;
    store.save(summary.detector_key, summary.embedder_key, batch);
    progress.advance(batch.size());
    batch.clear();
  };
  auto work = [&](std::size_t k, int worker) {
    std::size_t i = plan.todo[k];
    auto hit = plan.known.find(plan.ids[i]);
    return process_frame(source, refs[i], plan.ids[i], *workers.detectors[worker], *workers.embedders[worker],
                         hit == plan.known.end() ? nullptr : &hit->second);
  };
  auto write = [&](std::size_t k, FrameResult r) {
    ++summary.processed;
    if (!r.error.empty()) {
      ++summary.unreadable;
      std::fprintf(stderr, "warning: frame %s is unreadable (%s); skipped.\n", refs[plan.todo[k]].name.c_str(), r.error.c_str());
    }
    summary.faces += r.faces.size();
    batch.push_back(std::move(r));
    if (batch.size() >= opt.batch) flush();
  };
  try {
    ordered_parallel_map<FrameResult>(plan.todo.size(), threads, opt.batch + 4 * std::size_t(threads), work, write);
  } catch (...) {
    // What was finished is kept, even when a worker failed. Should the store itself be what
    // failed, this second try fails too, and the first error is the one to report.
    try {
      flush();
    } catch (...) {
    }
    progress.finish();
    throw;
  }
  flush();
  progress.finish();
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
  return s;
}

}  // namespace castnet
