// `castnet cluster -o OUT`: cluster the stored embeddings again, without detecting.
#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "castnet/core/cluster.hpp"
#include "castnet/core/extract.hpp"
#include "castnet/core/progress.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/progress.hpp"
#include "session.hpp"

namespace castnet::cli {
namespace {

// The clusterer's progress (castnet/sdk/progress.hpp) with an ETA, once a step has run for a
// couple of seconds: an episode clusters in a blink and shows nothing, a year shows its steps.
class ClusterProgress {
 public:
  explicit ClusterProgress(bool quiet) {
    if (!quiet) set_progress_handler([this](const std::string& step, std::size_t done, std::size_t total) { show(step, done, total); });
  }
  ~ClusterProgress() {
    set_progress_handler({});
    if (bar_) bar_->finish();
  }
  ClusterProgress(const ClusterProgress&) = delete;
  ClusterProgress& operator=(const ClusterProgress&) = delete;

 private:
  void show(const std::string& step, std::size_t done, std::size_t total) {
    auto now = std::chrono::steady_clock::now();
    if (step != step_ || done < shown_) {  // a step again (a second search of neighbourhoods) starts a bar of its own
      if (bar_) bar_->finish();
      bar_.reset();
      step_ = step;
      step_start_ = now;
      shown_ = 0;
    }
    if (!bar_) {
      if (now - step_start_ < std::chrono::seconds(2) || done >= total) return;
      bar_.emplace("cluster: " + step, total - done);  // counts from here, so the ETA uses the rate from now on
      shown_ = done;
    }
    bar_->advance(done - shown_);
    shown_ = done;
  }

  std::string step_;
  std::chrono::steady_clock::time_point step_start_;
  std::optional<Progress> bar_;
  std::size_t shown_ = 0;
};

}  // namespace

void cluster_step(const Options& o, const Session& session) {
  FaceStore store = open_store(o, false);
  auto last = last_extraction(store);
  if (!last) throw Error(ExitCode::store, fmt::format("The face store in {} has no extraction yet; run `castnet extract` first.", o.out));
  ClusterProgress progress(o.quiet);
  PipelineSpec p = stages(o);
  ClusterSummary s = cluster_faces(store, session.registry(), session.context(), last->detector_key, last->embedder_key,
                                   p.clusterer, p.constraints, o.full);
  if (s.unchanged) fmt::print("cluster: no face since the last clustering with these stages; it stands (--full clusters again)\n");
  if (s.incremental)
    fmt::print("cluster: {} new faces: {} joined people clustered before, the rest are {} new people; every other face keeps its person (--full clusters all again)\n",
               s.new_faces, s.joined, s.new_people);
  if (s.look_alike)
    fmt::print("cluster: {} groups of new faces look like two or more people clustered before; `castnet cluster --full` weighs what they say\n",
               s.look_alike);
  fmt::print("cluster: {} faces, {} clusters, {} noise ({})\n", s.faces, s.clusters, s.noise,
             clustering_name(s.clusterer_key, s.constraints_key));
  const ConstraintSummary& c = s.constraints;
  if (c.tracks || c.changed())
    fmt::print("constraints: {} tracks ({} noise faces joined, {} clusters merged), {} clusters split at a frame holding two of their faces\n",
               c.tracks, c.joined_noise, c.merged_clusters, c.split_clusters);
}

void add_cluster_command(CLI::App& app, Options& o) {
  auto* cl = app.add_subcommand("cluster", "Cluster the stored embeddings again, without detecting");
  add_cluster_options(cl, o);
  add_store_options(cl, o);
  cl->callback([&o] { cluster_step(o, Session()); });
}

}  // namespace castnet::cli
