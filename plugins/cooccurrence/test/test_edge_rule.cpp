// The seed's edge rule, through the cooccurrence plugin as the pipeline loads it.
#include "castnet/sdk/plugin.hpp"
#include "support.hpp"

namespace castnet {
namespace {

std::vector<Edge> connect(const std::vector<std::vector<int>>& frames, const std::string& spec = "cooccurrence") {
  auto rule = test::registry().create<EdgeRule>(PluginKind::edge_rule, parse_stage_spec(spec), {});
  return rule->connect({frames});
}

long count_of(const std::vector<Edge>& edges, int a, int b) {
  for (const auto& e : edges)
    if (e.a == a && e.b == b) return e.count;
  return 0;
}

TEST(EdgeRule, NothingJoinsTheLastFrameOfOneBroadcastToTheFirstOfTheNext) {
  auto rule = test::registry().create<EdgeRule>(PluginKind::edge_rule, parse_stage_spec("cooccurrence:min_count=1"), {});
  // As one broadcast, 1 (last frame) and 2 (next frame) are consecutive; as two, they are not.
  EXPECT_EQ(rule->connect({{{3}, {1}, {2}, {2, 4}}}).size(), 3u);
  auto edges = rule->connect({{{3}, {1}}, {{2}, {2, 4}}});
  EXPECT_EQ(count_of(edges, 1, 3), 1);
  EXPECT_EQ(count_of(edges, 2, 4), 2);
  EXPECT_EQ(count_of(edges, 1, 2), 0) << "an edge across the two broadcasts' boundary";
  // Counts add up over broadcasts before min_count drops pairs: seen once in each, kept at 2.
  auto summed = test::registry().create<EdgeRule>(PluginKind::edge_rule, parse_stage_spec("cooccurrence"), {})
                    ->connect({{{1, 2}}, {{1, 2}}});
  ASSERT_EQ(summed.size(), 1u);
  EXPECT_EQ(summed[0].count, 2);
}

TEST(EdgeRule, SameFramePairsCountOncePerFrame) {
  auto edges = connect({{1, 2}, {}, {2, 1, 1}}, "cooccurrence:min_count=1");
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_EQ(edges[0].a, 1);
  EXPECT_EQ(edges[0].b, 2);
  EXPECT_EQ(edges[0].count, 2);  // a face twice in a frame is still one identity
}

TEST(EdgeRule, ReversedPairAgainstPreviousFrameIsTheSameUndirectedEdge) {
  // frame 0: a=3; frame 1: b=7. (7,3) against the previous frame and (3,7) in frame 2 are one edge.
  auto edges = connect({{3}, {7}, {3, 7}}, "cooccurrence:min_count=1");
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_EQ(edges[0].a, 3);
  EXPECT_EQ(edges[0].b, 7);
  // frame 1 vs 0: (7,3) = 1; frame 2 same frame: (3,7) = 1; frame 2 vs 1: 3 with 7 = 1 (7 with 7 is no pair)
  EXPECT_EQ(edges[0].count, 3);
}

TEST(EdgeRule, MinCountDropsRarePairsAndWeightIsRelativeToMax) {
  std::vector<std::vector<int>> frames{{1, 2}, {1, 2}, {1, 2}, {}, {3, 4}, {}, {5}, {6}};
  auto edges = connect(frames, "cooccurrence:window=0");
  ASSERT_EQ(edges.size(), 1u);  // (3,4) and (5,6) seen fewer than 2 times
  EXPECT_EQ(count_of(edges, 1, 2), 3);
  EXPECT_DOUBLE_EQ(edges[0].weight, 1.0);
  auto with_prev = connect(frames);  // window 1: consecutive frames count too
  EXPECT_EQ(count_of(with_prev, 1, 2), 3 + 2 * 2);
  auto all = connect({{1, 2}, {1, 2}, {1, 3}}, "cooccurrence:window=0,min_count=1");
  EXPECT_DOUBLE_EQ(all[0].weight, 1.0);
  EXPECT_DOUBLE_EQ(all[1].weight, 0.5);
}

TEST(EdgeRule, WindowReachesBackSeveralFrames) {
  auto w1 = connect({{1}, {}, {2}}, "cooccurrence:min_count=1");
  auto w2 = connect({{1}, {}, {2}}, "cooccurrence:window=2,min_count=1");
  EXPECT_TRUE(w1.empty());
  EXPECT_EQ(count_of(w2, 1, 2), 1);
}

}  // namespace
}  // namespace castnet
