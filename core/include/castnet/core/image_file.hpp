// Image files and encoded frames to 8-bit RGB, as face_recognition loads them. Frame sources
// (plugins) hand over encoded bytes; the host decodes them here, on its workers.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace castnet {

struct LoadedFrame {
  cv::Mat rgb;             // empty when unreadable
  std::string error;       // why it is unreadable
  std::uint64_t content_hash = 0;  // FNV-1a of the file bytes
};

// Reads and decodes one image file; `error` says why when `rgb` is empty.
LoadedFrame load_image_file(const std::filesystem::path& path);

// Decodes encoded image bytes to 8-bit RGB (alpha dropped, grey expanded), as
// face_recognition's load_image_file does. Empty Mat and `error` set when it cannot.
cv::Mat decode_rgb(const std::vector<unsigned char>& bytes, std::string& error);

}  // namespace castnet
