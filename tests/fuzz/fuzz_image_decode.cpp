// Encoded frames as a frame source hands them to the host: decoded to RGB, or refused with a
// reason; never a crash, never more than the pixel budget.
#include "castnet/core/image_file.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<unsigned char> bytes(data, data + size);
  std::string error;
  cv::Mat rgb = castnet::decode_rgb(bytes, error);
  if (rgb.empty() == error.empty()) __builtin_trap();  // exactly one of: pixels, a reason
  if (!rgb.empty() && (rgb.type() != CV_8UC3 || std::uint64_t(rgb.total()) > castnet::kMaxFramePixels)) __builtin_trap();
  return 0;
}
