// When each person and each link is on screen, as spells of consecutive frames. Frames come
// timed (FrameClock): the network module does not read frame names, the host does
// (castnet::timeline_of in core/connect.hpp).
#pragma once
#include <cstddef>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "castnet/network/graph.hpp"

namespace castnet {

struct Spell {
  double start = 0, end = 0;  // seconds from the broadcast's start; end is exclusive
};

// Each frame's time, in seconds from the broadcast's start, and that start when known.
struct FrameClock {
  std::vector<double> seconds;         // per frame position
  std::optional<std::time_t> origin;   // UTC
  std::vector<bool> starts_broadcast;  // per frame position: the first frame of a broadcast
};

struct Timeline {
  double interval = 4.0;
  std::optional<std::time_t> origin;        // set when every frame name carries the broadcast's start
  std::vector<double> frame_seconds;        // per frame of the network, in order
  std::map<int, std::vector<Spell>> nodes;  // identity -> runs of consecutive frames on screen
  std::map<std::pair<int, int>, std::vector<Spell>> edges;  // (a < b) -> runs where both are on screen
                                                            // in the same or consecutive frames
  // For GEXF's spells and typed attributes: "12" (seconds, timeformat double), or
  // "2023-03-13T08:30:12Z" when the names give the start (dateTime).
  std::string format(double seconds) const;
  // For people to read: the UTC time when the names give the start, else "h:mm:ss" from the start
  // (a video, undated frames), to the nearest second.
  std::string readable(double seconds) const;
};

// `appearances`: identity -> frame positions it is seen in, ascending. A frame is on screen
// for `interval` seconds from its time. A spell never runs across two broadcasts.
Timeline make_timeline(const FrameClock& clock, const std::map<int, std::vector<std::size_t>>& appearances,
                       const Graph& g, double interval);

}  // namespace castnet
