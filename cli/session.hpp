// What every command that runs a stage starts from, built in one place: the plugin registry
// (its warnings printed once), the plugins' context, the stages the options name, the store.
#pragma once
#include <filesystem>
#include <vector>

#include "castnet/core/pipeline_file.hpp"
#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"
#include "commands.hpp"

namespace castnet::cli {

class Session {
 public:
  // Loads every plugin on the plugin path and prints the libraries it skipped, with why.
  Session();
  const PluginRegistry& registry() const { return registry_; }
  const PluginContext& context() const { return context_; }

 private:
  PluginRegistry registry_;
  PluginContext context_;
};

// OUT/castnet.sqlite, or --store.
std::filesystem::path store_path(const Options& o);
// `create`: make OUT and a new store if needed; otherwise the store must exist (Error(store)).
FaceStore open_store(const Options& o, bool create);
// Merges shard stores into `into` (their extraction summaries add up).
void merge_stores(FaceStore& into, const std::vector<std::filesystem::path>& shards);

// A CLI11 check that reads the text as castnet reads numbers: decimal, finite, in (above, at_most].
CLI::Validator decimal_in(double above, double at_most);

// --preset or --pipeline first, then any stage given on its own.
PipelineSpec stages(const Options& o);

}  // namespace castnet::cli
