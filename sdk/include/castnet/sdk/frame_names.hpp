// What a frame's file name says: its number, and for Visual Explorer names the channel and the
// broadcast's start (frame N of CHANNEL_YYYYMMDD_HHMMSS[_SHOW] shows that UTC time + N x 4 s).
#pragma once
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace castnet {

// The number before the extension (`...-000123.jpg` is 123), if the name has one.
std::optional<unsigned long long> frame_number(const std::string& name);

// Whether names, in broadcast order, share one numbering: each has a number, all have the same
// text before it, and the numbers rise. Only then do the numbers give the frames' times; otherwise
// (an unnumbered cover.jpg, two prefixes) a frame's time is its position.
bool share_one_numbering(const std::vector<std::string>& names_in_order);

// Broadcast order: by (prefix, number) when every name has a number, else by name.
std::vector<std::string> order_frame_names(std::vector<std::string> names);

struct VisualExplorerName {
  std::string channel;
  std::time_t start = 0;  // UTC
  long frame = 0;
};
std::optional<VisualExplorerName> parse_visual_explorer_name(const std::string& file_name);

// The broadcast a Visual Explorer identifier names (`RUSSIA1_20230313_083000_60_minut`, as its
// ZIP is named): channel and start; frame 0.
std::optional<VisualExplorerName> parse_visual_explorer_broadcast(const std::string& identifier);

// Whether a file name is an image castnet reads as a frame (.jpg .jpeg .png .bmp .webp, any case).
bool is_image_name(const std::string& name);

// FNV-1a, 64 bits: frames' content hashes.
std::uint64_t fnv1a64(const unsigned char* data, std::size_t n);

}  // namespace castnet
