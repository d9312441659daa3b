// The seed's edge rule: in each frame, every pair of distinct identities counts once, and every
// identity counts once with every distinct identity of each of the `window` frames before it.
// Pairs are unordered: the seed's Perl keyed previous-frame pairs in order and could count
// (a,b) and (b,a) apart; here both are one edge. Pairs seen fewer than min_count times are
// dropped; weight = count / the largest count. Counts add up over broadcasts; a broadcast's first
// frame has no frame before it.
#include <algorithm>
#include <map>
#include <set>

#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

class Cooccurrence final : public EdgeRule {
 public:
  Cooccurrence(std::size_t window, long min_count) : window_(window), min_count_(min_count) {}

  std::vector<Edge> connect(const std::vector<BroadcastIdentities>& broadcasts) override {
    std::map<std::pair<int, int>, long> count;
    for (const auto& frames : broadcasts) add_broadcast(frames, count);
    long max_count = 0;
    for (const auto& [pair, c] : count)
      if (c >= min_count_) max_count = std::max(max_count, c);
    std::vector<Edge> edges;
    for (const auto& [pair, c] : count)  // std::map: sorted by (a, b)
      if (c >= min_count_) edges.push_back({pair.first, pair.second, c, double(c) / double(max_count)});
    return edges;
  }

 private:
  void add_broadcast(const BroadcastIdentities& frames, std::map<std::pair<int, int>, long>& count) const {
    std::vector<std::vector<int>> ids(frames.size());
    for (std::size_t t = 0; t < frames.size(); ++t) {
      std::set<int> distinct(frames[t].begin(), frames[t].end());
      ids[t].assign(distinct.begin(), distinct.end());
    }
    auto add = [&](int a, int b) {
      if (a != b) ++count[{std::min(a, b), std::max(a, b)}];
    };
    for (std::size_t t = 0; t < ids.size(); ++t) {
      for (std::size_t i = 0; i < ids[t].size(); ++i)
        for (std::size_t j = i + 1; j < ids[t].size(); ++j) add(ids[t][i], ids[t][j]);
      for (std::size_t back = 1; back <= window_ && back <= t; ++back)
        for (int a : ids[t])
          for (int b : ids[t - back]) add(a, b);
    }
  }

  std::size_t window_;
  long min_count_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::edge_rule, "cooccurrence", "1.0",
           "connects identities in the same frame and in the previous `window` frames (the seed's rule)",
           {{"window", ParamType::integer, std::int64_t{1}, "frames back that still count as together (0: same frame only)", 0.0, 1000.0},
            {"min_count", ParamType::integer, std::int64_t{2}, "drop pairs seen fewer times than this", 1.0, std::nullopt}},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<Cooccurrence>(static_cast<std::size_t>(p.integer("window")), p.integer("min_count"));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
