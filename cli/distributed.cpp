// Extraction spread over MPI ranks as a task farm: rank 0 hands out one input (one broadcast) at
// a time to whichever rank asks, so uneven broadcasts balance themselves. Each worker writes its
// own shard store (OUT/shards/rank-R.sqlite); rank 0 merges them into OUT's store at the end.
// Shards rather than rank 0 writing everything: a worker's results never cross the network
// frame by frame, SQLite keeps one writer per file, and a job that dies leaves shards that the
// next run merges before it hands out what is still missing.
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "castnet/core/extract.hpp"
#include "castnet/core/inputs.hpp"
#include "castnet/sdk/errors.hpp"
#include "distributed.hpp"
#include "mpi.hpp"
#include "session.hpp"

namespace castnet::cli {

namespace fs = std::filesystem;

namespace {

fs::path shard_dir(const Options& o) { return store_path(o).parent_path() / "shards"; }

// Shards a run left (all of them, at the end; a dead job's, at the start) into the store.
void merge_shards(FaceStore& store, const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> shards;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".sqlite") shards.push_back(e.path());
  std::sort(shards.begin(), shards.end());
  merge_stores(store, shards);
  fs::remove_all(dir, ec);
}

std::vector<std::string> coordinate(const Options& o, const Session& session, const std::vector<fs::path>& inputs) {
  FaceStore store = open_store(o, true);
  merge_shards(store, shard_dir(o));
  barrier();  // workers start their shards only now
  PipelineSpec p = stages(o);
  const std::string det = session.registry().key(PluginKind::detector, p.detector);
  const std::string emb = session.registry().key(PluginKind::embedder, p.embedder);
  std::vector<int> todo;
  for (std::size_t k = inputs.size(); k-- > 0;) {
    InputCheck c;
    try {
      c = settle_input(inputs[k], det, emb, o, session, store);
    } catch (const Error& e) {
      if (e.code() != ExitCode::input) throw;
      // The worker given it says why it cannot be read.
    }
    // A worker's shard starts empty: it could add a changed input's new frames, but neither
    // replace nor remove any. Said, and left for a run on one machine.
    if (c.first_listing) store.mark_done(*c.broadcast, det, emb, c.listing);  // finished before listings were kept
    if (c.state == InputCheck::State::changed)
      std::fprintf(stderr, "warning: %s changed since it was extracted; under MPI it is left as it was: "
                           "`castnet extract` without mpirun reads it again.\n", inputs[k].string().c_str());
    else if (c.state != InputCheck::State::finished)
      todo.push_back(int(k));
  }
  std::fprintf(stderr, "extract: %zu of %zu broadcasts to do, on %d ranks\n", todo.size(), inputs.size(), mpi().size - 1);
  int finished = 0, failed = 0;
  while (finished < mpi().size - 1) {
    int last_failed = 0;
    int rank = receive_ready(&last_failed);
    failed += last_failed;
    if (todo.empty()) {
      send_task(rank, -1);
      ++finished;
    } else {
      send_task(rank, todo.back());
      todo.pop_back();
    }
  }
  barrier();  // every shard is written and closed
  merge_shards(store, shard_dir(o));
  fmt::print("extract: {} broadcasts in {}\n", store.broadcasts().size(), store_path(o).string());
  if (failed == 0) return {};
  return {fmt::format("{} of {} inputs could not be read (see the warnings above); the others are in the store.", failed, inputs.size())};
}

void work(const Options& o, const Session& session, const std::vector<fs::path>& inputs) {
  barrier();  // rank 0 has merged what a dead job left
  {
    fs::create_directories(shard_dir(o));
    FaceStore shard(shard_dir(o) / fmt::format("rank-{:04d}.sqlite", mpi().rank));
    ExtractOptions opt;
    opt.threads = o.threads;
    opt.outputs = o.out;
    opt.quiet = true;  // many ranks, one terminal: a line per broadcast is enough
    PipelineSpec p = stages(o);
    Extractor extractor(session.registry(), session.context(), p.detector, p.embedder, opt);
    ExtractSummary total;
    int last_failed = 0;
    for (;;) {
      send_ready(last_failed);
      int k = receive_task();
      if (k < 0) break;
      std::vector<std::string> failed;
      total += extract_input(inputs[std::size_t(k)], std::size_t(k), inputs.size(), o, session, extractor, shard, failed);
      record_extraction(shard, total);
      last_failed = failed.empty() ? 0 : 1;
    }
  }
  barrier();
}

}  // namespace

std::vector<std::string> extract_distributed(const Options& o, const Session& session, const std::vector<fs::path>& inputs) {
  if (mpi().rank == 0) return coordinate(o, session, inputs);
  work(o, session, inputs);
  return {};
}

std::vector<fs::path> select_shard(std::vector<fs::path> inputs, const std::string& shard) {
  if (shard.empty()) return inputs;
  unsigned i = 0, n = 0;
  char slash = 0, extra = 0;
  if (std::sscanf(shard.c_str(), "%u%c%u%c", &i, &slash, &n, &extra) != 3 || slash != '/' || n == 0 || i >= n)
    throw Error(ExitCode::usage, fmt::format("--shard takes I/N with 0 <= I < N (e.g. 0/4), not '{}'.", shard));
  std::vector<fs::path> mine;
  for (std::size_t k = 0; k < inputs.size(); ++k)
    if (k % n == i) mine.push_back(std::move(inputs[k]));
  return mine;
}

}  // namespace castnet::cli
