// The table `castnet eval` and `castnet compare` print: one row per pipeline, the metrics of
// evaluation.hpp and the measured speed, as aligned text or as Markdown for docs.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "castnet/eval/evaluation.hpp"

namespace castnet {

struct ComparisonRow {
  std::string name;                 // "modern", "legacy", a file name
  std::string detector, embedder, clusterer;
  Evaluation eval;
  double faces_per_second = 0;      // detection + embedding, as the run's extract measured it
  double peak_mb = 0;               // peak resident memory of the run
  bool detection_shared = false;    // detection reused from an earlier row
};

void write_comparison_text(std::ostream& out, const std::vector<ComparisonRow>& rows);
void write_comparison_markdown(std::ostream& out, const std::vector<ComparisonRow>& rows);

}  // namespace castnet
