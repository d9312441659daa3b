// The `castnet` subcommands. Each is thin: parse (CLI11), call core, print.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

namespace castnet::cli {

struct Options {
  std::string frames;
  std::string out;
  std::string detector = "dlib-hog";
  std::string embedder = "dlib-resnet";
  std::string clusterer = "dbscan";
  std::string edges = "cooccurrence";
  std::string gexf_version = "1.2draft";
  std::string node_image = "best";
  int threads = 0;
  bool quiet = false;
  std::string plugin_name;  // for `plugins show`
};

// Adds the subcommands; each sets a callback that runs it.
void add_pipeline_commands(CLI::App& app, Options& o);
void add_plugin_commands(CLI::App& app, Options& o);

}  // namespace castnet::cli
