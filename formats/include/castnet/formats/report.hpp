// report.html: one page per run that works offline, with everything a reader wants first: the
// pipeline and its parameters, counts, the network picture, the people ranked by PageRank with
// their face and appearances, when each is on screen, and each cluster's montage. Images are
// referenced relative to the output folder, so the page travels with it.
#pragma once
#include <filesystem>
#include <string>

#include "castnet/core/connect.hpp"
#include "castnet/formats/output_batch.hpp"
#include "castnet/network/timeline.hpp"

namespace castnet::formats {

struct ReportInput {
  const Network* net = nullptr;
  const Timeline* timeline = nullptr;
  std::string pipeline_toml;  // the run's record (pipeline.toml)
  bool has_picture = true;    // graph.png was written
};

// Stages report.html.
void write_report(OutputBatch& batch, const ReportInput& in);

}  // namespace castnet::formats
