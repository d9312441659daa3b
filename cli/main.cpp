// castnet: frames of a broadcast in, a network of who appears with whom out (for Gephi).
// Exit codes are castnet::ExitCode (docs/cli.md).
#include <cstdio>
#include <filesystem>

#include "castnet/core/system.hpp"
#include "castnet/core/text.hpp"
#include "castnet/sdk/errors.hpp"
#include "commands.hpp"
#include "mpi.hpp"

namespace castnet::cli {
int run_command(int argc, char** argv);
}

int main(int argc, char** argv) {
  castnet::use_this_cpus_blas_kernels(argv);
  castnet::cli::init_mpi(&argc, &argv);
  int rc = castnet::cli::run_command(argc, argv);
  if (rc != 0 && castnet::cli::mpi().active()) castnet::cli::abort_mpi(rc);
  castnet::cli::finalize_mpi();
  return rc;
}

namespace castnet::cli {

namespace {

bool inside(const std::filesystem::path& p, const std::string& dir) {
  if (dir.empty() || p.empty()) return false;
  std::string a = std::filesystem::absolute(p).lexically_normal().string();
  std::string d = std::filesystem::absolute(dir).lexically_normal().string();
  return a.rfind(d, 0) == 0;
}

int report_file_error(const std::filesystem::filesystem_error& e, const std::string& out) {
  const std::string path = e.path1().string();
  const std::string why = e.code().message();
  if (inside(e.path1(), out)) {
    std::fprintf(stderr, "castnet: %s cannot be written (%s).\n", path.c_str(), why.c_str());
    return static_cast<int>(castnet::ExitCode::output);
  }
  std::fprintf(stderr, "castnet: %s cannot be read (%s).\n", path.c_str(), why.c_str());
  return static_cast<int>(castnet::ExitCode::input);
}

}  // namespace

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
  castnet::cli::add_people_command(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // CLI11's own text, made one sentence in castnet's form.
    std::string what = e.what();
    while (!what.empty() && (what.back() == '.' || what.back() == '\n')) what.pop_back();
    std::fprintf(stderr, "castnet: %s (see --help).\n", what.c_str());
    return static_cast<int>(castnet::ExitCode::usage);
  } catch (const castnet::Error& e) {
    std::fprintf(stderr, "castnet: %s\n", castnet::terminal_text(e.what()).c_str());  // it may quote a name or a file name
    return static_cast<int>(e.code());
  } catch (const std::filesystem::filesystem_error& e) {
    // A file operation nothing above foresaw: inside OUT it was an output, elsewhere an input.
    return report_file_error(e, options.out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "castnet: unexpected failure: %s\n", e.what());
    return static_cast<int>(castnet::ExitCode::failure);
  }
  return 0;
}

}  // namespace castnet::cli
