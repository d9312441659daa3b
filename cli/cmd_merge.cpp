// `castnet merge -o OUT SHARD...`: the stores of `castnet extract --shard I/N` runs (or their
// output folders) into OUT's store, which `castnet cluster` and `castnet graph` then use as one.
#include <fmt/format.h>

#include "castnet/core/extract.hpp"
#include "castnet/sdk/errors.hpp"
#include "session.hpp"

namespace castnet::cli {

namespace fs = std::filesystem;

void merge_stores(FaceStore& into, const std::vector<fs::path>& shards) {
  std::optional<ExtractSummary> total = last_extraction(into);
  for (const auto& shard : shards) {
    into.merge_from(shard);
    auto s = last_extraction(FaceStore(shard));
    if (!s) continue;
    if (total) *total += *s;
    else total = s;
  }
  if (total) record_extraction(into, *total);
}

void add_merge_command(CLI::App& app, Options& o) {
  static std::vector<std::string> shards;
  auto* m = app.add_subcommand("merge", "Merge the face stores of sharded extractions into OUT's store");
  m->add_option("shards", shards, "face stores (castnet.sqlite) or output folders holding one")->required();
  m->add_option("-o,--out", o.out, "output folder whose store receives them")->required();
  m->add_option("--store", o.store, "the face store, if not OUT/castnet.sqlite");
  m->callback([&o] {
    std::vector<fs::path> paths;
    for (const auto& s : shards) {
      fs::path p = fs::is_directory(s) ? fs::path(s) / "castnet.sqlite" : fs::path(s);
      if (!fs::is_regular_file(p)) throw Error(ExitCode::store, fmt::format("{} is not a face store nor a folder holding one.", s));
      std::error_code ec;
      if (fs::equivalent(p, store_path(o), ec))
        throw Error(ExitCode::usage, fmt::format("{} is OUT's own store; name the shards' stores, not the one they merge into.", s));
      paths.push_back(p);
    }
    FaceStore store = open_store(o, true);
    merge_stores(store, paths);
    fmt::print("merge: {} stores into {}; {} broadcasts in all\n", paths.size(), store_path(o).string(), store.broadcasts().size());
  });
}

}  // namespace castnet::cli
