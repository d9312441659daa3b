// `castnet extract FRAMES -o OUT`: detect and embed faces into OUT/castnet.sqlite.
#include <cstdio>

#include <fmt/format.h>

#include "castnet/core/extract.hpp"
#include "castnet/core/system.hpp"
#include "castnet/sdk/errors.hpp"
#include "session.hpp"

namespace castnet::cli {

void extract_step(const Options& o, const Session& session) {
  auto source = open_frame_folder(o.frames, o.recursive);
  FaceStore store = open_store(o, true);
  ExtractOptions opt;
  opt.threads = o.threads;
  opt.quiet = o.quiet;
  PipelineSpec p = stages(o);
  ExtractSummary s = extract_faces(*source, store, session.registry(), session.context(), p.detector, p.embedder, opt);
  record_extraction(store, s);  // later stages, and `castnet compare`, read it from the store
  BlasInfo blas = blas_info();
  if (!blas.optimized) std::fprintf(stderr, "warning: dlib runs on %s; embeddings are ~15x slower than with OpenBLAS.\n", blas.name.c_str());
  if (!o.quiet) fmt::print("extract: built for {}, BLAS: {}\n", build_isa(), blas.name);
  double rate = s.seconds > 0 ? s.processed / s.seconds : 0;
  fmt::print("extract: {} frames ({} done before), {} faces, {} unreadable, {:.1f} s ({:.2f} frames/s)\n", s.frames, s.resumed,
             s.faces, s.unreadable, s.seconds, rate);
  if (s.detections_reused)
    fmt::print("extract: {} frames reused the faces '{}' had found; only the embedder ran on them\n", s.detections_reused,
               s.detector_key);
  auto unreadable = store.unreadable(s.detector_key);
  if (unreadable.size() == s.frames)
    throw Error(ExitCode::input, fmt::format("No frame in {} could be read as an image (the first, {}: {}).", o.frames,
                                             unreadable.front().first, unreadable.front().second));
}

void add_extract_options(CLI::App* cmd, Options& o) {
  cmd->add_option("frames", o.frames, "folder of frames (jpg, png, ...), e.g. Visual Explorer's")->required();
  cmd->add_flag("-r,--recursive", o.recursive, "also read images in subfolders (a labeled photo set)");
  cmd->add_option("--detector", o.detector, "face detector plugin[:param=value,...] (default dlib-hog)");
  cmd->add_option("--embedder", o.embedder, "face embedder plugin[:param=value,...] (default dlib-resnet)");
}

void add_extract_command(CLI::App& app, Options& o) {
  auto* ex = app.add_subcommand("extract", "Detect and embed faces into OUT/castnet.sqlite (resumes where it stopped)");
  add_extract_options(ex, o);
  add_store_options(ex, o);
  ex->callback([&o] { extract_step(o, Session()); });
}

}  // namespace castnet::cli
