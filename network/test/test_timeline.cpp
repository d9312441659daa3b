// When links are on screen: the same spells as a scan of every frame for every link (what
// make_timeline did before it looked only near the rarer person's frames).
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "castnet/network/graph.hpp"
#include "castnet/network/timeline.hpp"

namespace castnet {
namespace {

TEST(Timeline, LinksAreOnScreenWhereEveryFrameScanSaysOnRandomBroadcasts) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; ++round) {
    const std::size_t frames = 200 + rng() % 200, people = 2 + rng() % 12;
    FrameClock clock;
    for (std::size_t f = 0; f < frames; ++f) {
      clock.seconds.push_back(4.0 * double(f % 97));
      clock.starts_broadcast.push_back(f % 97 == 0);  // broadcasts of 97 frames
    }
    std::map<int, std::vector<std::size_t>> appearances;
    std::vector<std::set<int>> on_screen(frames);
    for (std::size_t f = 0; f < frames; ++f)
      for (int p = 0; p < int(people); ++p)
        if (rng() % (p + 2) == 0) appearances[p].push_back(f), on_screen[f].insert(p);
    std::vector<int> ids;
    for (const auto& [p, fs] : appearances) ids.push_back(p);
    std::vector<Edge> edges;
    for (std::size_t i = 0; i < ids.size(); ++i)
      for (std::size_t j = i + 1; j < ids.size(); ++j)
        if (rng() % 3) edges.push_back({ids[i], ids[j], 1, 1.0});
    Graph g = build_graph(ids, edges);
    Timeline t = make_timeline(clock, appearances, g, 4.0);
    ASSERT_EQ(t.edges.size(), edges.size());
    for (const auto& e : edges) {
      // Every frame, as before: both on screen, or one in the frame after the other's.
      std::vector<double> starts;
      bool open = false;
      for (std::size_t f = 0; f < frames; ++f) {
        auto here = [&](int id, std::size_t k) { return on_screen[k].count(id) > 0; };
        bool follows = f > 0 && !clock.starts_broadcast[f];
        bool together = (here(e.a, f) && here(e.b, f)) ||
                        (follows && ((here(e.a, f) && here(e.b, f - 1)) || (here(e.b, f) && here(e.a, f - 1))));
        if (together && !(open && follows)) starts.push_back(clock.seconds[f]);
        open = together;
      }
      const auto& spells = t.edges.at({e.a, e.b});
      ASSERT_EQ(spells.size(), starts.size()) << "round " << round << ", link " << e.a << "-" << e.b;
      for (std::size_t k = 0; k < starts.size(); ++k) EXPECT_EQ(spells[k].start, starts[k]);
    }
  }
}

// Issue 32: people read a video's times as h:mm:ss from its start, a dated broadcast's as UTC;
// GEXF keeps its typed values.
TEST(Timeline, ReadsAsHoursMinutesAndSecondsOrAsTheUtcTime) {
  Timeline video;
  EXPECT_EQ(video.readable(2.0100416666666665), "0:00:02");
  EXPECT_EQ(video.readable(60.983999999999995), "0:01:01");
  EXPECT_EQ(video.readable(3 * 3600 + 7 * 60 + 5.4), "3:07:05");
  EXPECT_EQ(video.readable(-0.2), "0:00:00");
  EXPECT_EQ(video.format(60.5), "60.5") << "GEXF's timeformat double";
  Timeline dated;
  dated.origin = std::time_t(1678696200);  // 2023-03-13T08:30:00Z
  EXPECT_EQ(dated.readable(12), "2023-03-13T08:30:12Z");
  EXPECT_EQ(dated.format(12), dated.readable(12));
}

}  // namespace
}  // namespace castnet
