#include "castnet/timeline.hpp"

#include <cmath>
#include <regex>
#include <set>

#include <fmt/format.h>

namespace castnet {

std::optional<VisualExplorerName> parse_visual_explorer_name(const std::string& name) {
  static const std::regex ve(R"(^(?:.*/)?([A-Za-z0-9]+)_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_[^-/]*)?-(\d+)\.[A-Za-z0-9]+$)");
  std::smatch m;
  if (!std::regex_match(name, m, ve)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[2]) - 1900;
  tm.tm_mon = std::stoi(m[3]) - 1;
  tm.tm_mday = std::stoi(m[4]);
  tm.tm_hour = std::stoi(m[5]);
  tm.tm_min = std::stoi(m[6]);
  tm.tm_sec = std::stoi(m[7]);
  return VisualExplorerName{m[1], timegm(&tm), std::stol(m[8])};
}

std::string Timeline::format(double seconds) const {
  if (!origin) return fmt::format("{}", seconds);
  std::time_t t = *origin + static_cast<std::time_t>(std::llround(seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

namespace {

// Runs of consecutive frame positions as spells [start of first, start of last + interval).
std::vector<Spell> runs(const std::vector<std::size_t>& frames, const std::vector<double>& at, double interval) {
  std::vector<Spell> out;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (i == 0 || frames[i] != frames[i - 1] + 1) out.push_back({at[frames[i]], 0});
    out.back().end = at[frames[i]] + interval;
  }
  return out;
}

}  // namespace

Timeline make_timeline(const Network& net, double interval) {
  Timeline t;
  t.interval = interval;
  std::optional<std::time_t> origin;
  bool all_named = !net.frames.empty();
  for (const auto& f : net.frames) {
    auto ve = parse_visual_explorer_name(f.name);
    double number = ve ? double(ve->frame) : double(frame_number(f.name).value_or(f.seq + 1));
    t.frame_seconds.push_back(double(number) * interval);
    if (!ve || (origin && *origin != ve->start)) all_named = false;
    else origin = ve->start;
  }
  if (all_named) t.origin = origin;

  std::vector<std::set<int>> on_screen(net.frames.size());
  for (const auto& [id, frames] : net.appearances) {
    t.nodes[id] = runs(frames, t.frame_seconds, interval);
    for (std::size_t f : frames) on_screen[f].insert(id);
  }
  for (auto [e, end] = boost::edges(net.graph); e != end; ++e) {
    int a = net.graph[boost::source(*e, net.graph)].identity, b = net.graph[boost::target(*e, net.graph)].identity;
    if (a > b) std::swap(a, b);
    std::vector<std::size_t> together;
    for (std::size_t f = 0; f < on_screen.size(); ++f) {
      auto here = [&](int id, std::size_t k) { return on_screen[k].count(id) > 0; };
      bool same = here(a, f) && here(b, f);
      bool across = f > 0 && ((here(a, f) && here(b, f - 1)) || (here(b, f) && here(a, f - 1)));
      if (same || across) together.push_back(f);
    }
    t.edges[{a, b}] = runs(together, t.frame_seconds, interval);
  }
  return t;
}

}  // namespace castnet
