// report.html's timelines: one bar per spell, except that spells closer than a thousandth of the
// period are one bar (a year's anchor has ~120,000 spells; a bar each made the page 107 MB).
#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

#include <fmt/format.h>

#include "castnet/core/connect.hpp"
#include "castnet/formats/report.hpp"
#include "castnet/network/graph.hpp"
#include "support.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

// The bars of one person's timeline row.
std::size_t bars_of(const std::string& html, int identity) {
  std::size_t row = html.find(fmt::format("<tr id=\"person-{}\"", identity));
  std::size_t end = html.find("</tr>", row);
  std::size_t bars = 0;
  for (std::size_t at = html.find("<span style=\"left:", row); at < end; at = html.find("<span style=\"left:", at + 1)) ++bars;
  return bars;
}

TEST(Report, SpellsCloserThanAThousandthOfThePeriodAreOneBar) {
  // 10,000 frames, 4 s apart: a thousandth of the period is 40 s, ten frames.
  Network net;
  for (std::size_t f = 0; f < 10000; ++f) net.frames.push_back({std::int64_t(f + 1), fmt::format("f-{:06d}.jpg", f + 1), "", long(f)});
  net.appearances[0] = {0, 1, 5, 5000};  // two spells 12 s apart, one far off: two bars
  for (std::size_t f = 0; f < 10000; f += 2) net.appearances[1].push_back(f);  // 5,000 spells, 4 s apart: one bar
  net.appearances[2] = {100, 120};  // 76 s apart: two bars
  net.graph = build_graph({0, 1, 2}, {});
  Timeline tl = timeline_of(net, 4.0);
  ASSERT_EQ(tl.nodes.at(1).size(), 5000u);
  fs::path out = fs::temp_directory_path() / fmt::format("castnet_test_report_{}", ::getpid());
  fs::create_directories(out);
  formats::OutputBatch batch(out);
  formats::write_report(batch, {&net, &tl, "", false});
  batch.commit();
  std::string html = test::slurp(out / "report.html");
  EXPECT_EQ(bars_of(html, 0), 2u);
  EXPECT_EQ(bars_of(html, 1), 1u);
  EXPECT_EQ(bars_of(html, 2), 2u);
  fs::remove_all(out);
}

}  // namespace
}  // namespace castnet
