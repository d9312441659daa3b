// castnet: frames of a broadcast in, a network of who appears with whom out (for Gephi).
// Exit codes are castnet::ExitCode (docs/cli.md).
#include <cstdio>

#include "castnet/sdk/errors.hpp"
#include "commands.hpp"
#include "mpi.hpp"

namespace castnet::cli {
int run_command(int argc, char** argv);
}

int main(int argc, char** argv) {
  castnet::cli::init_mpi(&argc, &argv);
  int rc = castnet::cli::run_command(argc, argv);
  if (rc != 0 && castnet::cli::mpi().active()) castnet::cli::abort_mpi(rc);
  castnet::cli::finalize_mpi();
  return rc;
}

namespace castnet::cli {

int run_command(int argc, char** argv) {
  CLI::App app{"castnet: who appears alongside whom in a broadcast, as a network for Gephi"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "castnet " CASTNET_VERSION);
  castnet::cli::Options options;
  castnet::cli::add_run_command(app, options);
  castnet::cli::add_extract_command(app, options);
  castnet::cli::add_cluster_command(app, options);
  castnet::cli::add_graph_command(app, options);
  castnet::cli::add_plugins_command(app, options);
  castnet::cli::add_eval_command(app, options);
  castnet::cli::add_synth_command(app, options);
  castnet::cli::add_compare_command(app, options);
  castnet::cli::add_merge_command(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(castnet::ExitCode::usage);
  } catch (const castnet::Error& e) {
    std::fprintf(stderr, "castnet: %s\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "castnet: unexpected failure: %s\n", e.what());
    return static_cast<int>(castnet::ExitCode::failure);
  }
  return 0;
}

}  // namespace castnet::cli
