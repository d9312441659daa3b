// `castnet compare`: runs several pipelines on the same frames, one `castnet run` process each
// (so each has its own time and peak memory), all sharing one face store so that a detector
// runs once for every pipeline that uses it; then scores each against the truth. A run's
// figures come from the store's record of its extraction, never from its console output.
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "castnet/core/connect.hpp"
#include "castnet/core/extract.hpp"
#include "castnet/eval/comparison_table.hpp"
#include "castnet/eval/evaluation.hpp"
#include "castnet/sdk/errors.hpp"
#include "session.hpp"

namespace castnet::cli {

namespace fs = std::filesystem;

namespace {

struct Candidate {
  std::string name;
  std::vector<std::string> selector;  // --preset X or --pipeline F
  PipelineSpec spec;
};

// Runs `castnet ARGS` as a child with its output in `log`; returns its peak memory in MB.
double run_castnet(const std::vector<std::string>& args, const fs::path& log, const std::string& name) {
  pid_t pid = fork();
  if (pid < 0) throw Error(ExitCode::failure, "castnet compare could not start a pipeline run (fork failed).");
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) dup2(fd, STDOUT_FILENO), dup2(fd, STDERR_FILENO);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  int status = -1;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(ExitCode::failure, fmt::format("The pipeline '{}' failed; its output is in {}.", name, log.string()));
  return double(usage.ru_maxrss) / 1024.0;
}

std::vector<std::string> run_arguments(const Options& o, const Candidate& c, const fs::path& work, const fs::path& store) {
  std::vector<std::string> args = {"castnet", "run"};
  args.insert(args.end(), o.inputs.begin(), o.inputs.end());
  args.insert(args.end(), {"-o", (work / c.name).string(), "--store", store.string(), "--quiet"});
  args.insert(args.end(), c.selector.begin(), c.selector.end());
  if (o.threads > 0) args.insert(args.end(), {"--threads", std::to_string(o.threads)});
  if (o.recursive) args.push_back("--recursive");
  return args;
}

// faces/s of detection + embedding. A run that found everything already done by an earlier
// pipeline with the same detector and embedder is given that pipeline's speed.
void set_speed(ComparisonRow& row, const ExtractSummary& x, std::map<std::string, double>& speed_of) {
  std::string key = x.detector_key + "|" + x.embedder_key;
  if (x.resumed == x.frames && speed_of.count(key)) {
    row.faces_per_second = speed_of[key];
    row.detection_shared = true;
  } else if (x.seconds > 0) {
    row.faces_per_second = double(x.faces) / x.seconds;
    row.detection_shared = x.detections_reused > 0;
    if (!row.detection_shared) speed_of[key] = row.faces_per_second;
  }
}

std::vector<ComparisonRow> compare(const Options& o, const std::vector<Candidate>& candidates, const Truth& truth) {
  fs::path work = o.out, store = work / "castnet.sqlite";
  fs::create_directories(work);
  Session session;
  std::vector<ComparisonRow> rows;
  std::map<std::string, double> speed_of;  // detector+embedder -> faces/s where it ran in full
  for (const auto& cand : candidates) {
    std::fprintf(stderr, "compare: running %s\n", cand.name.c_str());
    double peak_mb = run_castnet(run_arguments(o, cand, work, store), work / (cand.name + ".log"), cand.name);
    FaceStore fs(store);
    Network net = connect_people(fs, session.registry(), session.context(), cand.spec.edges);
    auto rule = session.registry().create<EdgeRule>(PluginKind::edge_rule, cand.spec.edges, session.context());
    ComparisonRow row{cand.name, net.run.detector, net.run.embedder, net.run.clustering(), evaluate(net, truth, *rule)};
    row.peak_mb = peak_mb;
    if (auto x = last_extraction(fs)) set_speed(row, *x, speed_of);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

void add_compare_command(CLI::App& app, Options& o) {
  static std::vector<std::string> presets, pipelines;
  static std::string markdown_file;
  auto* c = app.add_subcommand("compare", "Run several pipelines on the same frames and score each against the truth");
  c->add_option("inputs", o.inputs, "folders of frames, ZIPs, videos or list files, as `castnet run` takes them")->required();
  c->add_option("-o,--out", o.out, "work folder: one output folder per pipeline and the shared face store")->required();
  c->add_option("--truth", o.truth, "truth file (castnet synth's truth.csv, or path,identity labels)")->required();
  c->add_option("--preset", presets, "a preset to compare (repeatable; default: modern, seed and legacy)");
  c->add_option("--pipeline", pipelines, "a pipeline file to compare (repeatable)");
  c->add_option("--markdown", markdown_file, "also write the table as Markdown to this file");
  c->add_option("--threads", o.threads, "worker threads per run (default: all cores)");
  c->add_flag("-r,--recursive", o.recursive, "also read images in subfolders");
  c->callback([&o] {
    std::vector<Candidate> candidates;
    if (presets.empty() && pipelines.empty()) presets = {"modern", "seed", "legacy"};
    for (const auto& p : presets) candidates.push_back({p, {"--preset", p}, preset(p)});
    for (const auto& f : pipelines)
      candidates.push_back({fs::path(f).stem().string(), {"--pipeline", fs::absolute(f).string()}, load_pipeline_file(f)});
    std::vector<ComparisonRow> rows = compare(o, candidates, load_truth(o.truth));
    write_comparison_text(std::cout, rows);
    if (!markdown_file.empty()) {
      std::ofstream md(markdown_file);
      write_comparison_markdown(md, rows);
      if (!md) throw Error(ExitCode::output, fmt::format("{} cannot be written.", markdown_file));
    }
  });
}

}  // namespace castnet::cli
