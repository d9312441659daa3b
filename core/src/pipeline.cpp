#include "castnet/pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <opencv2/core/utility.hpp>

#include "castnet/blas.hpp"
#include "castnet/community.hpp"
#include "castnet/layout.hpp"
#include "castnet/errors.hpp"
#include "castnet/progress.hpp"

namespace castnet {

namespace {

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

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
  // our Error, whose type lives in libcastnet, before they travel further.
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

ExtractSummary extract(const FrameSource& source, FaceStore& store, const PluginRegistry& reg,
                       const PluginContext& ctx, const StageSpec& detector_spec,
                       const StageSpec& embedder_spec, const ExtractOptions& opt) {
  auto start = std::chrono::steady_clock::now();
  const int threads = resolve_threads(opt.threads);
  ExtractSummary summary;

  // One detector and one embedder per worker: dlib's detectors and networks keep scratch state.
  // Built before any work so a bad parameter or missing model stops us at once.
  std::vector<std::shared_ptr<Detector>> detectors;
  std::vector<std::shared_ptr<Embedder>> embedders;
  for (int t = 0; t < threads; ++t) {
    detectors.push_back(reg.create<Detector>(PluginKind::detector, detector_spec, ctx, &summary.detector_key));
    embedders.push_back(reg.create<Embedder>(PluginKind::embedder, embedder_spec, ctx, &summary.embedder_key));
  }
  // Workers are the parallelism; OpenBLAS's and OpenCV's own threads on top would only fight
  // them for the cores.
  if (threads > 1) {
    set_blas_threads(1);
    cv::setNumThreads(1);
  }

  const auto& refs = source.frames();
  std::vector<std::int64_t> ids = store.add_frames(refs);
  auto done_ids = store.done_frames(summary.detector_key, summary.embedder_key);
  std::set<std::int64_t> done(done_ids.begin(), done_ids.end());
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < refs.size(); ++i)
    if (!done.count(ids[i])) todo.push_back(i);
  // Frames this detector already saw (with another embedder): reuse their faces, embed only.
  std::map<std::int64_t, std::vector<Face>> known;
  if (!todo.empty()) {
    for (auto id : store.detected_frames(summary.detector_key)) known[id];  // zero-face frames too
    if (!known.empty())
      for (const auto& f : store.faces(summary.detector_key))
        if (auto it = known.find(f.frame_id); it != known.end()) it->second.push_back(f.face);
    for (std::size_t i : todo) summary.detections_reused += known.count(ids[i]);
  }
  summary.frames = refs.size();
  summary.resumed = refs.size() - todo.size();

  std::mutex mu;
  std::condition_variable cv;
  std::map<std::size_t, FrameResult> ready;  // finished out of order, written in order
  std::size_t written = 0;
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  const std::size_t window = opt.batch + 4 * static_cast<std::size_t>(threads);

  auto worker = [&](int t) {
    for (;;) {
      std::size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      {
        std::unique_lock lock(mu);  // stay within a window of the writer: bounded memory
        cv.wait(lock, [&] { return k < written + window || failure; });
        if (failure) return;
      }
      try {
        std::size_t i = todo[k];
        auto hit = known.find(ids[i]);
        FrameResult r = process_frame(source, refs[i], ids[i], *detectors[t], *embedders[t],
                                      hit == known.end() ? nullptr : &hit->second);
        std::lock_guard lock(mu);
        ready.emplace(k, std::move(r));
      } catch (...) {
        std::lock_guard lock(mu);
        if (!failure) failure = std::current_exception();
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);

  Progress progress("extract", todo.size(), opt.quiet);
  std::vector<FrameResult> batch;
  auto flush = [&] {
    if (batch.empty()) return;
    store.save(summary.detector_key, summary.embedder_key, batch);
    progress.advance(batch.size());
    batch.clear();
  };
  try {
    while (written < todo.size()) {
      FrameResult r;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return ready.count(written) || failure; });
        if (failure && !ready.count(written)) break;
        r = std::move(ready.at(written));
        ready.erase(written);
        ++written;
      }
      cv.notify_all();
      ++summary.processed;
      if (!r.error.empty()) {
        ++summary.unreadable;
        std::fprintf(stderr, "warning: frame %s is unreadable (%s); skipped.\n", refs[todo[written - 1]].name.c_str(),
                     r.error.c_str());
      }
      summary.faces += r.faces.size();
      batch.push_back(std::move(r));
      if (batch.size() >= opt.batch) flush();
    }
    flush();  // what was finished is kept, even when a worker failed
  } catch (...) {
    {
      std::lock_guard lock(mu);
      if (!failure) failure = std::current_exception();
    }
    cv.notify_all();
  }
  for (auto& th : pool) th.join();
  progress.finish();
  if (failure) std::rethrow_exception(failure);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

ClusterSummary cluster(FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                       const std::string& detector_key, const std::string& embedder_key,
                       const StageSpec& clusterer_spec) {
  ClusterSummary s;
  auto clusterer = reg.create<Clusterer>(PluginKind::clusterer, clusterer_spec, ctx, &s.clusterer_key);
  auto faces = store.faces(detector_key);
  EmbeddingSet x = store.embeddings(faces, embedder_key);
  if (!clusterer->supports(x.metric))
    throw Error(ExitCode::usage, fmt::format("The clusterer '{}' cannot work with {} distances, which the embedder '{}' produces; choose another clusterer.",
                                             clusterer_spec.plugin, to_string(x.metric), embedder_key));
  Clustering c = faces.empty() ? Clustering{} : clusterer->cluster(x);
  if (c.labels.size() != faces.size())
    throw Error(ExitCode::plugin, fmt::format("The clusterer '{}' returned {} labels for {} faces.", clusterer_spec.plugin,
                                              c.labels.size(), faces.size()));
  std::vector<std::int64_t> face_ids;
  for (const auto& f : faces) face_ids.push_back(f.id);
  s.clustering_id = store.save_clustering({0, detector_key, embedder_key, s.clusterer_key}, face_ids, c);
  std::set<int> clusters;
  for (int l : c.labels) {
    if (l < 0) ++s.noise;
    else clusters.insert(l);
  }
  s.faces = faces.size();
  s.clusters = clusters.size();
  return s;
}

Network connect(const FaceStore& store, const PluginRegistry& reg, const PluginContext& ctx,
                const StageSpec& edge_rule_spec) {
  Network net;
  auto rule = reg.create<EdgeRule>(PluginKind::edge_rule, edge_rule_spec, ctx, &net.edge_rule_key);
  auto run = store.latest_clustering();
  if (!run)
    throw Error(ExitCode::store, "The face store holds no clustering yet; run `castnet cluster` (or `castnet run`) first.");
  net.run = *run;
  net.frames = store.frames();
  net.faces = store.faces(run->detector);
  net.embeddings = store.embeddings(net.faces, run->embedder);
  std::vector<std::int64_t> face_ids;
  for (const auto& f : net.faces) face_ids.push_back(f.id);
  net.labels = store.clustering(run->id, face_ids).labels;

  std::map<std::int64_t, std::size_t> frame_pos;
  for (std::size_t i = 0; i < net.frames.size(); ++i) frame_pos[net.frames[i].id] = i;
  std::vector<std::vector<int>> per_frame(net.frames.size());
  std::map<int, long> faces_per_identity;
  for (std::size_t i = 0; i < net.faces.size(); ++i) {
    if (net.labels[i] < 0) continue;  // noise is nobody
    std::size_t at = frame_pos.at(net.faces[i].frame_id);
    per_frame[at].push_back(net.labels[i]);
    ++faces_per_identity[net.labels[i]];
    auto& seen = net.appearances[net.labels[i]];
    if (seen.empty() || seen.back() != at) seen.push_back(at);
  }
  net.edges = rule->connect(per_frame);
  std::vector<int> identities;
  for (const auto& [id, n] : faces_per_identity) identities.push_back(id);
  net.graph = build_graph(identities, net.edges);
  auto pr = pagerank(net.graph);
  auto community = louvain(net.graph);
  const double max_pr = pr.empty() ? 0.0 : *std::max_element(pr.begin(), pr.end());
  std::vector<double> radius;
  for (std::size_t v = 0; v < boost::num_vertices(net.graph); ++v) {
    PersonNode& p = net.graph[v];
    p.pagerank = pr[v];
    p.community = community[v];
    p.radius = node_radius(pr[v], max_pr);
    p.faces = faces_per_identity[p.identity];
    const auto& seen = net.appearances[p.identity];
    p.first_frame = seen.front();  // appearances are in frame order: faces come sorted by frame
    p.last_frame = seen.back();
    radius.push_back(p.radius);
  }
  auto positions = force_atlas2(net.graph, radius);
  for (std::size_t v = 0; v < positions.size(); ++v) net.graph[v].x = positions[v].x, net.graph[v].y = positions[v].y;
  return net;
}

}  // namespace castnet
