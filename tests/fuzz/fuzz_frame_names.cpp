// Frame names, one per line, as a folder, ZIP or list file hands them over: their numbers,
// Visual Explorer names, broadcast order and the one-numbering rule.
#include <sstream>

#include "castnet/sdk/frame_names.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    castnet::frame_number(line);
    castnet::parse_visual_explorer_name(line);
    castnet::parse_visual_explorer_broadcast(line);
    castnet::is_image_name(line);
    names.push_back(line);
  }
  auto ordered = castnet::order_frame_names(names);
  if (ordered.size() != names.size()) __builtin_trap();
  castnet::share_one_numbering(ordered);
  return 0;
}
