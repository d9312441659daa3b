// Reading back a picture castnet wrote (a crop, a node image) that may be missing: an empty
// image, quietly. OpenCV's imread prints a line of its own for every missing file, which at a
// year's scale is thousands of library lines where one castnet sentence says what happened.
// Private to formats.
#pragma once
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include <opencv2/imgcodecs.hpp>

namespace castnet::formats {

inline cv::Mat read_if_there(const std::filesystem::path& file, int flags = cv::IMREAD_COLOR) {
  std::error_code ec;
  return std::filesystem::is_regular_file(file, ec) ? cv::imread(file.string(), flags) : cv::Mat();
}

// The file's bytes, or "" where it cannot be read.
inline std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return in ? std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) : std::string();
}

}  // namespace castnet::formats
