// The `castnet` subcommands, one file each. Each is thin: parse (CLI11), call core, print.
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "castnet/core/pipeline_file.hpp"

namespace castnet::cli {

struct Options {
  std::vector<std::string> inputs;  // folders, ZIPs, videos, list files
  std::string source;               // a frame source to use for every input, instead of by type
  std::string shard;                // "I/N": extract only the inputs k with k % N == I
  std::string out;
  // Stages as written on the command line; empty: from --pipeline/--preset, else the default.
  std::string detector, embedder, clusterer, edges;
  std::string constraints;  // --constraints: none, on, or param=value pairs (constraints.hpp)
  bool full = false;        // --full: cluster every face again, not only new ones
  std::string pipeline;  // a pipeline file
  std::string preset;    // modern or legacy
  std::string store;     // the face store; default OUT/castnet.sqlite
  std::string gexf_version = "1.2draft";
  std::string node_image = "best";
  int threads = 0;
  bool quiet = false;
  bool recursive = false;
  bool dynamic = true, no_pictures = false, no_report = false, per_broadcast = false;
  double frame_interval = 4.0;
  std::string plugin_name;  // for `plugins show`
  std::string truth;        // for eval and compare
  bool markdown = false;
  std::string gallery;      // known faces that name people
  double gallery_distance = 0.6;
};

class Session;

// Each adds one subcommand and the callback that runs it.
void add_run_command(CLI::App& app, Options& o);
void add_extract_command(CLI::App& app, Options& o);
void add_cluster_command(CLI::App& app, Options& o);
void add_graph_command(CLI::App& app, Options& o);
void add_plugins_command(CLI::App& app, Options& o);
void add_eval_command(CLI::App& app, Options& o);
void add_synth_command(CLI::App& app, Options& o);
void add_compare_command(CLI::App& app, Options& o);
void add_merge_command(CLI::App& app, Options& o);
void add_people_command(CLI::App& app, Options& o);


// The stages `run` chains, each also a command of its own. extract_step returns one sentence
// if some inputs of a batch could not be read (the others are extracted); fail_if throws it.
std::vector<std::string> extract_step(const Options& o, const Session& s);
void fail_if(const std::vector<std::string>& failed);
void cluster_step(const Options& o, const Session& s);
void graph_step(const Options& o, const Session& s);
// With --gallery: embeds the gallery with the stages of the run (`spec`, else the store's latest
// extraction) into the store, where every later `castnet graph` finds it.
void gallery_step(const Options& o, const Session& s, const PipelineSpec* spec);

// Options shared by several commands.
void add_store_options(CLI::App* cmd, Options& o);     // -o, --store, --pipeline, --preset, --threads, -q
void add_cluster_options(CLI::App* cmd, Options& o);   // --cluster, --constraints
void add_extract_options(CLI::App* cmd, Options& o);   // INPUT..., -r, --source, --detector, --embedder
void add_graph_options(CLI::App* cmd, Options& o);     // --edges, --gexf-version, ...

}  // namespace castnet::cli
