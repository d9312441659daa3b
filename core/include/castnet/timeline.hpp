// When each person is on screen. A frame's time is its number times the frame interval (the
// Visual Explorer keeps one frame every 4 seconds: frame N of CHANNEL_YYYYMMDD_HHMMSS_SHOW starts
// at that UTC time + N x 4 s); names without a number use their position in the broadcast.
#pragma once
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "castnet/pipeline.hpp"

namespace castnet {

struct Spell {
  double start = 0, end = 0;  // seconds from the broadcast's start; end is exclusive
};

struct VisualExplorerName {
  std::string channel;
  std::time_t start = 0;  // UTC
  long frame = 0;
};
std::optional<VisualExplorerName> parse_visual_explorer_name(const std::string& file_name);

struct Timeline {
  double interval = 4.0;
  std::optional<std::time_t> origin;        // set when every frame name carries the broadcast's start
  std::vector<double> frame_seconds;        // per frame of the network, in order
  std::map<int, std::vector<Spell>> nodes;  // identity -> runs of consecutive frames on screen
  std::map<std::pair<int, int>, std::vector<Spell>> edges;  // (a < b) -> runs where both are on screen
                                                            // in the same or consecutive frames
  // "12" (seconds), or "2023-03-13T08:30:12Z" when the names give the start.
  std::string format(double seconds) const;
};

Timeline make_timeline(const Network& net, double interval_seconds = 4.0);

}  // namespace castnet
