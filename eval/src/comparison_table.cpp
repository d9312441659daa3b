#include "castnet/eval/comparison_table.hpp"

#include <fmt/format.h>

namespace castnet {

namespace {

struct Column {
  const char* title;
  std::string (*cell)(const ComparisonRow&);
};

std::string prf(const scores::PairScores& s) { return fmt::format("{:.3f} / {:.3f} / {:.3f}", s.precision, s.recall, s.f1); }

const std::vector<Column>& columns() {
  static const std::vector<Column> cols = {
      {"pipeline", [](const ComparisonRow& r) { return r.name; }},
      {"faces", [](const ComparisonRow& r) { return fmt::format("{}", r.eval.faces_scored); }},
      {"detection recall", [](const ComparisonRow& r) { return fmt::format("{:.3f}", r.eval.detection_recall); }},
      {"clusters (true)", [](const ComparisonRow& r) { return fmt::format("{} ({})", r.eval.clusters, r.eval.identities); }},
      {"noise", [](const ComparisonRow& r) { return fmt::format("{:.3f}", r.eval.noise_fraction); }},
      {"pairwise P / R / F1", [](const ComparisonRow& r) { return prf(r.eval.pairwise); }},
      {"B-cubed P / R / F1", [](const ComparisonRow& r) { return prf(r.eval.bcubed); }},
      {"ARI", [](const ComparisonRow& r) { return fmt::format("{:.3f}", r.eval.ari); }},
      {"NMI", [](const ComparisonRow& r) { return fmt::format("{:.3f}", r.eval.nmi); }},
      {"edges P / R / F1", [](const ComparisonRow& r) { return r.eval.network ? prf(r.eval.network->scores) : std::string("-"); }},
      {"faces/s", [](const ComparisonRow& r) {
         return r.faces_per_second > 0 ? fmt::format("{:.1f}{}", r.faces_per_second, r.detection_shared ? "*" : "") : std::string("-");
       }},
      {"peak MB", [](const ComparisonRow& r) { return r.peak_mb > 0 ? fmt::format("{:.0f}", r.peak_mb) : std::string("-"); }},
  };
  return cols;
}

}  // namespace

void write_comparison_text(std::ostream& out, const std::vector<ComparisonRow>& rows) {
  for (const auto& r : rows) {
    out << fmt::format("{} ({} | {} | {})\n", r.name, r.detector, r.embedder, r.clusterer);
    for (const auto& c : columns())
      if (std::string(c.title) != "pipeline") out << fmt::format("  {:<22} {}\n", c.title, c.cell(r));
  }
}

void write_comparison_markdown(std::ostream& out, const std::vector<ComparisonRow>& rows) {
  std::string head = "|", rule = "|";
  for (const auto& c : columns()) head += fmt::format(" {} |", c.title), rule += "---|";
  out << head << "\n" << rule << "\n";
  for (const auto& r : rows) {
    std::string line = "|";
    for (const auto& c : columns()) line += fmt::format(" {} |", c.cell(r));
    out << line << "\n";
  }
  bool shared = false;
  for (const auto& r : rows) shared |= r.detection_shared;
  out << "\n";
  for (const auto& r : rows) out << fmt::format("- **{}**: `{}`, `{}`, `{}`\n", r.name, r.detector, r.embedder, r.clusterer);
  if (shared) out << "\n\\* detection reused from an earlier pipeline with the same detector: embedding only.\n";
}

}  // namespace castnet
