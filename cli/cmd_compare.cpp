// `castnet compare`: runs several pipelines on the same frames, one `castnet run` process each
// (so each has its own time and peak memory), all sharing one face store so that a detector
// runs once for every pipeline that uses it; then scores each against the truth.
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <regex>

#include <fmt/format.h>

#include "castnet/errors.hpp"
#include "castnet/evaluation.hpp"
#include "castnet/formats/comparison.hpp"
#include "castnet/pipeline_file.hpp"
#include "castnet/registry.hpp"
#include "commands.hpp"

namespace castnet::cli {

namespace fs = std::filesystem;

namespace {

struct Child {
  int status = -1;
  double peak_mb = 0;
  std::string output;
};

Child run_castnet(const std::vector<std::string>& args, const fs::path& log) {
  Child c;
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
  struct rusage usage {};
  wait4(pid, &c.status, 0, &usage);
  c.peak_mb = double(usage.ru_maxrss) / 1024.0;
  std::ifstream in(log);
  c.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return c;
}

struct Candidate {
  std::string name;
  std::vector<std::string> selector;  // --preset X or --pipeline F
  PipelineSpec spec;
};

}  // namespace

void add_compare_command(CLI::App& app, Options& o) {
  static std::vector<std::string> presets, pipelines;
  static std::string markdown_file;
  auto* c = app.add_subcommand("compare", "Run several pipelines on the same frames and score each against the truth");
  c->add_option("frames", o.frames, "folder of frames")->required();
  c->add_option("-o,--out", o.out, "work folder: one output folder per pipeline and the shared face store")->required();
  c->add_option("--truth", o.truth, "truth file (castnet synth's truth.csv, or path,identity labels)")->required();
  c->add_option("--preset", presets, "a preset to compare (repeatable; default: modern and legacy)");
  c->add_option("--pipeline", pipelines, "a pipeline file to compare (repeatable)");
  c->add_option("--markdown", markdown_file, "also write the table as Markdown to this file");
  c->add_option("--threads", o.threads, "worker threads per run (default: all cores)");
  c->add_flag("-r,--recursive", o.recursive, "also read images in subfolders");
  c->callback([&o] {
    std::vector<Candidate> candidates;
    if (presets.empty() && pipelines.empty()) presets = {"modern", "legacy"};
    for (const auto& p : presets) candidates.push_back({p, {"--preset", p}, preset(p)});
    for (const auto& f : pipelines) candidates.push_back({fs::path(f).stem().string(), {"--pipeline", fs::absolute(f).string()}, load_pipeline_file(f)});
    Truth truth = load_truth(o.truth);
    fs::path work = o.out, store = work / "castnet.sqlite";
    fs::create_directories(work);
    PluginRegistry reg(PluginRegistry::default_dirs());
    std::vector<formats::ComparisonRow> rows;
    std::map<std::string, double> speed_of;  // detector+embedder -> faces/s where it ran in full
    for (const auto& cand : candidates) {
      std::vector<std::string> args = {"castnet", "run", o.frames, "-o", (work / cand.name).string(), "--store", store.string(), "--quiet"};
      args.insert(args.end(), cand.selector.begin(), cand.selector.end());
      if (o.threads > 0) args.insert(args.end(), {"--threads", std::to_string(o.threads)});
      if (o.recursive) args.push_back("--recursive");
      std::fprintf(stderr, "compare: running %s\n", cand.name.c_str());
      Child child = run_castnet(args, work / (cand.name + ".log"));
      if (!WIFEXITED(child.status) || WEXITSTATUS(child.status) != 0)
        throw Error(ExitCode::failure, fmt::format("The pipeline '{}' failed; its output is in {}.", cand.name, (work / (cand.name + ".log")).string()));
      FaceStore fs(store);
      Network net = connect(fs, reg, {default_models_dir()}, cand.spec.edges);
      auto rule = reg.create<EdgeRule>(PluginKind::edge_rule, cand.spec.edges, {default_models_dir()});
      formats::ComparisonRow row{cand.name, net.run.detector, net.run.embedder, net.run.clusterer, evaluate(net, truth, *rule)};
      row.peak_mb = child.peak_mb;
      std::smatch m;
      static const std::regex extract_line(R"(extract: (\d+) frames \((\d+) done before\), (\d+) faces, \d+ unreadable, ([0-9.]+) s)");
      if (std::regex_search(child.output, m, extract_line)) {
        std::size_t frames = std::stoul(m[1]), done = std::stoul(m[2]), faces = std::stoul(m[3]);
        double seconds = std::stod(m[4]);
        std::string key = net.run.detector + "|" + net.run.embedder;
        if (done == frames && speed_of.count(key)) {  // all of it done by an earlier pipeline
          row.faces_per_second = speed_of[key];
          row.detection_shared = true;
        } else if (seconds > 0) {
          row.faces_per_second = double(faces) / seconds;
          row.detection_shared = child.output.find("reused the faces") != std::string::npos;
          if (!row.detection_shared) speed_of[key] = row.faces_per_second;
        }
      }
      rows.push_back(row);
    }
    formats::write_comparison_text(std::cout, rows);
    if (!markdown_file.empty()) {
      std::ofstream md(markdown_file);
      formats::write_comparison_markdown(md, rows);
      if (!md) throw Error(ExitCode::output, fmt::format("{} cannot be written.", markdown_file));
    }
  });
}

}  // namespace castnet::cli
