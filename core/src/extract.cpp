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

// A frame as read: its row, and its pixels for the detector. `unchanged`: a frame done before
// whose content is the same (a finished broadcast read again): nothing to store. `unread`: done
// before, but its source cannot read it now: what was found in it is kept, not forgotten.
struct Extracted {
  FrameResult result;
  bool unchanged = false;
  bool unread = false;
};

// The frame's row: where it is, and what it holds (its content hash); no pixels yet.
FrameResult frame_row(const PulledFrame& in, std::int64_t broadcast_id) {
  FrameResult r;
  r.broadcast_id = broadcast_id;
  r.name = in.frame.name;
  r.location = in.frame.location;
  r.seq = in.seq;
  r.seconds = in.frame.seconds;
  r.error = in.frame.error;
  r.content_hash = content_hash(in.frame);
  return r;
}

// The frame's pixels, decoded here on a worker where the source handed out a file's bytes.
cv::Mat pixels(SourceFrame& f, FrameResult& r) {
  cv::Mat rgb = f.rgb;
  if (r.error.empty() && rgb.empty()) rgb = decode_rgb(f.encoded, r.error, &r.warning);
  if (r.error.empty() && rgb.empty()) r.error = "not a readable image";
  if (r.error.empty()) r.width = rgb.cols, r.height = rgb.rows;
  return rgb;
}

// `known`: the frame's faces from an earlier run of the same detector (detection is skipped).
void find_faces(FrameResult& r, const cv::Mat& rgb, Detector& detector, Embedder& embedder, const std::vector<Face>* known) {
  r.metric = to_string(embedder.metric());
  if (!r.error.empty()) return;
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
}

// What the store held of the broadcast before this run.
struct Before {
  std::set<std::string> done;  // frames done with this detector and embedder
  // Frames this detector already saw (with another embedder): their faces are reused, embedded only.
  std::map<std::string, std::vector<Face>> known;
  // Each stored frame's content, to tell a frame whose picture changed under its name.
  std::map<std::string, std::uint64_t> hashes;
};

Before store_before(const FaceStore& store, std::int64_t broadcast_id, const ExtractSummary& keys) {
  return {store.done_locations(broadcast_id, keys.detector_key, keys.embedder_key), store.detected(broadcast_id, keys.detector_key),
          store.content_hashes(broadcast_id)};
}

// On a worker: a frame unchanged since it was done is only compared; any other is decoded,
// detected (or its known faces reused) and embedded.
Extracted extract_frame(PulledFrame in, std::int64_t broadcast_id, const Before& before, Detector& detector, Embedder& embedder,
                        std::atomic<std::size_t>& reused) {
  Extracted e{frame_row(in, broadcast_id)};
  FrameResult& r = e.result;
  if (auto was = before.hashes.find(r.location); was != before.hashes.end()) {
    // Unreadable now (hash 0) but read before: a file briefly locked or gone is not a new picture.
    e.unread = r.content_hash == 0 && was->second != 0 && before.done.count(r.location);
    e.unchanged = e.unread || (was->second == r.content_hash && before.done.count(r.location));
    r.replaces = !e.unchanged && r.content_hash != 0 && was->second != r.content_hash;
  }
  if (e.unchanged) return e;
  const cv::Mat rgb = pixels(in.frame, r);
  auto hit = r.replaces ? before.known.end() : before.known.find(r.location);
  if (hit != before.known.end()) ++reused;
  find_faces(r, rgb, detector, embedder, hit == before.known.end() ? nullptr : &hit->second);
  return e;
}

// Results in broadcast order, into the store `batch` frames per transaction.
struct BatchWriter {
  FaceStore& store;
  ExtractSummary& summary;
  Progress& progress;
  std::size_t size;
  std::vector<FrameResult> batch = {};
  std::size_t unread = 0;  // frames done before that the source cannot read now

  void write(Extracted e) {
    if (e.unchanged) {
      ++summary.resumed;
      progress.advance(1);
      if (e.unread) {
        ++unread;
        std::fprintf(stderr, "warning: frame %s cannot be read now (%s); what was found in it before is kept.\n", e.result.name.c_str(),
                     e.result.error.c_str());
      }
      return;
    }
    FrameResult& r = e.result;
    ++summary.processed;
    summary.replaced += r.replaces;
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
  const auto b = store.broadcast(broadcast_id);
  if (!b) return {};
  std::string in = fs::path(b->input).lexically_normal().string();
  if (in.back() != '/') in += '/';
  return out.size() > in.size() && out.rfind(in, 0) == 0 ? out : std::string();
}

}  // namespace

std::uint64_t content_hash(const SourceFrame& f) {
  if (!f.error.empty()) return 0;
  if (!f.rgb.empty()) return fnv1a64(f.rgb.data, f.rgb.total() * f.rgb.elemSize());
  return fnv1a64(f.encoded.data(), f.encoded.size());
}

ExtractSummary& ExtractSummary::operator+=(const ExtractSummary& o) {
  frames += o.frames, processed += o.processed, resumed += o.resumed, unreadable += o.unreadable, faces += o.faces;
  replaced += o.replaced, removed += o.removed;
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

ExtractSummary Extractor::run(FrameSource& source, std::int64_t broadcast_id, FaceStore& store, const std::string& label,
                              const InputListing& listing, bool recheck) {
  auto start = std::chrono::steady_clock::now();
  ExtractSummary summary;
  summary.detector_key = workers_->detector_key;
  summary.embedder_key = workers_->embedder_key;
  summary.broadcasts = 1;
  const Before before = store_before(store, broadcast_id, summary);
  const std::set<std::string>& done = before.done;
  std::vector<std::string> listed;  // recheck: the input's frames now, in order

  const std::size_t hint = source.size_hint().value_or(0), passed_over = recheck ? 0 : std::min(done.size(), hint);
  Progress progress("extract " + label, hint - passed_over, opt_.quiet);
  long seq = 0;
  std::atomic<std::size_t> reused{0};
  const std::string skip_below = outputs_inside(store, broadcast_id, opt_.outputs);
  auto ours = [&](const std::string& location) { return !skip_below.empty() && location.rfind(skip_below, 0) == 0; };
  auto pull = [&]() -> std::optional<PulledFrame> {
    auto wanted = [&](const std::string& location) { return (recheck || !done.count(location)) && !ours(location); };
    while (auto f = source.next_if(wanted)) {
      if (ours(f->location)) continue;
      long s = seq++;
      if (recheck) {
        listed.push_back(f->location);
      } else if (done.count(f->location)) {
        ++summary.resumed;
        continue;
      }
      return PulledFrame{std::move(*f), s};
    }
    return std::nullopt;
  };
  auto work = [&](PulledFrame in, int w) {
    return extract_frame(std::move(in), broadcast_id, before, *workers_->detectors[w], *workers_->embedders[w], reused);
  };
  BatchWriter writer{store, summary, progress, opt_.batch};
  const std::size_t frames_left = source.size_hint().value_or(std::size_t(workers_->threads)) - passed_over;
  workers_->grow(std::clamp<std::size_t>(frames_left, 1, std::size_t(workers_->threads)));
  const int threads = int(workers_->detectors.size());
  try {
    ordered_parallel_map<PulledFrame, Extracted>(threads, opt_.batch + 4 * std::size_t(threads), pull, work,
                                                 [&](Extracted e) { writer.write(std::move(e)); });
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
  if (recheck) summary.removed = store.settle_frames(broadcast_id, listed);
  // Frames read before but not now: the input is not as it was listed, and is read again next time.
  store.mark_done(broadcast_id, summary.detector_key, summary.embedder_key,
                  writer.unread ? InputListing{"frames unread", listing.shape} : listing);
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
