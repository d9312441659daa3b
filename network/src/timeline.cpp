#include "castnet/network/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

namespace castnet {

std::string Timeline::format(double seconds) const {
  if (!origin) return fmt::format("{}", seconds);
  std::time_t t = *origin + static_cast<std::time_t>(std::llround(seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string Timeline::readable(double seconds) const {
  if (origin) return format(seconds);
  const long long whole = std::llround(std::max(0.0, seconds));
  return fmt::format("{}:{:02}:{:02}", whole / 3600, whole / 60 % 60, whole % 60);
}

namespace {

// Whether frame position f follows f - 1 in the same broadcast.
bool follows(const FrameClock& clock, std::size_t f) {
  return f > 0 && (clock.starts_broadcast.empty() || !clock.starts_broadcast[f]);
}

// Runs of consecutive frame positions as spells [start of first, start of last + interval).
std::vector<Spell> runs(const std::vector<std::size_t>& frames, const FrameClock& clock, double interval) {
  std::vector<Spell> out;
  const auto& at = clock.seconds;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (i == 0 || frames[i] != frames[i - 1] + 1 || !follows(clock, frames[i])) out.push_back({at[frames[i]], 0});
    out.back().end = at[frames[i]] + interval;
  }
  return out;
}

}  // namespace

Timeline make_timeline(const FrameClock& clock, const std::map<int, std::vector<std::size_t>>& appearances,
                       const Graph& g, double interval) {
  Timeline t;
  t.interval = interval;
  t.frame_seconds = clock.seconds;
  t.origin = clock.origin;

  std::vector<std::set<int>> on_screen(t.frame_seconds.size());
  for (const auto& [id, frames] : appearances) {
    t.nodes[id] = runs(frames, clock, interval);
    for (std::size_t f : frames) on_screen[f].insert(id);
  }
  // A link is on screen where both are, or one follows the other into the next frame: only at a
  // frame of the one seen less, or the frame after one (not at every frame of a year per link).
  auto here = [&](int id, std::size_t k) { return on_screen[k].count(id) > 0; };
  std::vector<std::size_t> candidates, together;
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    int a = g[boost::source(*e, g)].identity, b = g[boost::target(*e, g)].identity;
    if (a > b) std::swap(a, b);
    const auto& fa = appearances.at(a);
    const auto& fb = appearances.at(b);
    candidates.clear(), together.clear();
    for (std::size_t f : fa.size() <= fb.size() ? fa : fb) {
      candidates.push_back(f);
      if (f + 1 < on_screen.size()) candidates.push_back(f + 1);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (std::size_t f : candidates) {
      bool same = here(a, f) && here(b, f);
      bool across = follows(clock, f) && ((here(a, f) && here(b, f - 1)) || (here(b, f) && here(a, f - 1)));
      if (same || across) together.push_back(f);
    }
    t.edges[{a, b}] = runs(together, clock, interval);
  }
  return t;
}

}  // namespace castnet
