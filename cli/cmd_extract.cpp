// `castnet extract INPUT... -o OUT`: detect and embed faces into OUT/castnet.sqlite, one
// broadcast per input (a folder of frames, a Visual Explorer ZIP, a video, or a list of those).
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "castnet/core/extract.hpp"
#include "castnet/core/inputs.hpp"
#include "castnet/core/system.hpp"
#include "castnet/sdk/errors.hpp"
#include "distributed.hpp"
#include "mpi.hpp"
#include "session.hpp"

namespace castnet::cli {

namespace {

std::optional<StageSpec> source_spec(const Options& o) {
  if (!o.source.empty()) return parse_stage_spec(o.source);
  return std::nullopt;
}

// -r asks the folder source for subfolders; a --source given explicitly wins.
std::optional<StageSpec> source_for(const Options& o, const std::filesystem::path& input) {
  auto spec = source_spec(o);
  std::error_code ec;
  if (!spec && o.recursive && std::filesystem::is_directory(input, ec)) spec = StageSpec{"folder", {{"recursive", "true"}}};
  return spec;
}

void print_broadcast(const ExtractSummary& s, const std::string& name, std::size_t k, std::size_t n) {
  double rate = s.seconds > 0 ? s.processed / s.seconds : 0;
  fmt::print("extract: {}{} frames ({} done before), {} faces, {} unreadable, {:.1f} s ({:.2f} frames/s)\n",
             n > 1 ? fmt::format("broadcast {}/{} {}: ", k, n, name) : "", s.frames, s.resumed, s.faces, s.unreadable, s.seconds, rate);
}

// Overall progress of a batch: broadcasts done, and the time left at the pace so far.
void print_overall(const ExtractSummary& total, std::size_t k, std::size_t n, double elapsed, bool quiet) {
  if (quiet || n < 2 || k == n) return;
  double eta = k ? elapsed / double(k) * double(n - k) : 0;
  std::fprintf(stderr, "extract: %zu of %zu broadcasts, %zu frames, %.0f s elapsed, ETA %.0f s\n", k, n, total.frames, elapsed, eta);
}

// OUT is written to; were it a frames folder, its pictures would be read as frames next time.
void refuse_output_as_input(const Options& o, const std::vector<std::filesystem::path>& inputs) {
  for (const auto& input : inputs) {
    std::error_code ec;
    if (std::filesystem::equivalent(input, o.out, ec))
      throw Error(ExitCode::usage, fmt::format("The output folder {} is also an input; castnet would read its own pictures as frames, so give -o a folder of its own.", o.out));
  }
}

}  // namespace

// Core's settle_input, with the source the options name, and a line when a moved input is followed.
InputCheck settle_input(const std::filesystem::path& input, const std::string& detector, const std::string& embedder,
                        const Options& o, const Session& session, FaceStore& store) {
  InputCheck c = castnet::settle_input(session.registry(), session.context(), store, input, source_for(o, input), detector, embedder, o.out);
  if (!c.moved_from.empty())
    fmt::print("extract: {} holds the frames of {}, which moved there: they are followed, not extracted again\n", input.string(), c.moved_from);
  return c;
}

ExtractSummary extract_input(const std::filesystem::path& input, std::size_t k, std::size_t n, const Options& o, const Session& session,
                             Extractor& extractor, FaceStore& store, std::vector<std::string>& failed) {
  ExtractSummary s;
  s.detector_key = extractor.detector_key(), s.embedder_key = extractor.embedder_key();
  std::string name = input.filename().string();
  InputCheck c;
  try {
    c = settle_input(input, s.detector_key, s.embedder_key, o, session, store);
    if (c.state == InputCheck::State::finished) {  // finished by an earlier run, and unchanged: not even opened again
      if (c.first_listing) store.mark_done(*c.broadcast, s.detector_key, s.embedder_key, c.listing);
      s.broadcasts = 1;
      s.frames = s.resumed = store.done_locations(*c.broadcast, s.detector_key, s.embedder_key).size();
      name = store.broadcast(*c.broadcast)->name;
    } else {
      OpenInput in = open_input(session.registry(), session.context(), input, source_for(o, input));
      for (const auto& w : in.source->warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
      if (c.broadcast)  // stored by an earlier castnet as `frames/`: the same input
        in.broadcast.input = store.broadcast(*c.broadcast)->input;
      c.broadcast = store.add_broadcast(in.broadcast);
      name = in.broadcast.name;
      // A broadcast stored before (changed since, or interrupted) is read whole and compared.
      s = extractor.run(*in.source, *c.broadcast, store, name, c.listing, c.state != InputCheck::State::fresh);
    }
  } catch (const Error& e) {
    if (e.code() != ExitCode::input) throw;
    if (n > 1) std::fprintf(stderr, "warning: %s\n", e.what());  // the other broadcasts go on
    failed.push_back(e.what());
    return s;
  }
  print_broadcast(s, name, k + 1, n);
  if (c.state == InputCheck::State::changed && s.processed + s.removed == 0)
    fmt::print("extract: {} was read again (its files' times changed): every frame is as it was\n", name);
  else if (c.state == InputCheck::State::changed || s.replaced + s.removed > 0)
    fmt::print("extract: {} changed since it was extracted; frames new: {}, replaced: {}, removed: {}\n", name,
               s.processed - s.replaced, s.replaced, s.removed);
  auto unreadable = store.unreadable(*c.broadcast, s.detector_key);
  if (s.frames > 0 && unreadable.size() == s.frames) {
    std::string why = fmt::format("No frame in {} could be read as an image (the first, {}: {}).", input.string(),
                                  unreadable.front().first, unreadable.front().second);
    if (n > 1) std::fprintf(stderr, "warning: %s\n", why.c_str());
    failed.push_back(why);
  }
  return s;
}

std::vector<std::string> extract_step(const Options& o, const Session& session) {
  const auto started = std::chrono::steady_clock::now();
  auto inputs = select_shard(expand_inputs(o.inputs), o.shard);
  if (inputs.empty() && o.shard.empty()) throw Error(ExitCode::input, "No input was given; pass folders of frames, ZIPs of frames or videos.");
  refuse_output_as_input(o, inputs);
  if (mpi().active()) return extract_distributed(o, session, inputs);
  FaceStore store = open_store(o, true);
  ExtractOptions opt;
  opt.threads = o.threads;
  opt.quiet = o.quiet;
  opt.outputs = o.out;
  PipelineSpec p = stages(o);
  Extractor extractor(session.registry(), session.context(), p.detector, p.embedder, opt);
  ExtractSummary total;
  total.detector_key = extractor.detector_key(), total.embedder_key = extractor.embedder_key();
  std::vector<std::string> failed;  // one sentence per input that could not be read
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    total += extract_input(inputs[k], k, inputs.size(), o, session, extractor, store, failed);
    record_extraction(store, total);  // later stages, and `castnet compare`, read it from the store
    print_overall(total, k + 1, inputs.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), o.quiet);
  }
  BlasInfo blas = blas_info();
  if (!blas.optimized) std::fprintf(stderr, "warning: dlib runs on %s; embeddings are ~15x slower than with OpenBLAS.\n", blas.name.c_str());
  if (!o.quiet && total.processed > 0) fmt::print("extract: built for {}, BLAS: {}\n", build_isa(), blas.name);
  if (inputs.size() > 1) {
    double rate = total.seconds > 0 ? total.processed / total.seconds : 0;
    fmt::print("extract: {} broadcasts, {} frames ({} done before), {} faces, {} unreadable, {:.1f} s ({:.2f} frames/s)\n",
               total.broadcasts, total.frames, total.resumed, total.faces, total.unreadable, total.seconds, rate);
  }
  if (total.detections_reused)
    fmt::print("extract: {} frames reused the faces '{}' had found; only the embedder ran on them\n", total.detections_reused,
               total.detector_key);
  if (!failed.empty() && failed.size() == inputs.size()) throw Error(ExitCode::input, failed.size() == 1 ? failed.front() : fmt::format(
      "None of the {} inputs could be read (see the warnings above).", inputs.size()));
  if (!failed.empty())
    failed = {fmt::format("{} of {} inputs could not be read (see the warnings above); the other {} are in the store.",
                          failed.size(), inputs.size(), inputs.size() - failed.size())};
  return failed;
}

void fail_if(const std::vector<std::string>& failed) {
  if (!failed.empty()) throw Error(ExitCode::input, failed.front());
}

void add_extract_options(CLI::App* cmd, Options& o) {
  cmd->add_option("inputs", o.inputs, "folders of frames, Visual Explorer ZIPs, video files, or list files naming them")->required();
  cmd->add_flag("-r,--recursive", o.recursive, "also read images in subfolders (a labeled photo set)");
  cmd->add_option("--source", o.source, "frame source plugin[:param=value,...] for every input (default: by the input's type)");
  cmd->add_option("--detector", o.detector, "face detector plugin[:param=value,...] (default dlib-hog)");
  cmd->add_option("--embedder", o.embedder, "face embedder plugin[:param=value,...] (default dlib-resnet)");
}

void add_extract_command(CLI::App& app, Options& o) {
  auto* ex = app.add_subcommand("extract", "Detect and embed faces into OUT/castnet.sqlite (resumes where it stopped)");
  add_extract_options(ex, o);
  ex->add_option("--shard", o.shard, "extract only inputs k with k % N == I (I/N), for job arrays; then `castnet merge`");
  add_store_options(ex, o);
  ex->callback([&o] { fail_if(extract_step(o, Session())); });
}

}  // namespace castnet::cli
