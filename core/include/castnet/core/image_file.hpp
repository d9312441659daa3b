// Image files and encoded frames to 8-bit RGB, as face_recognition loads them. Frame sources
// (plugins) hand over encoded bytes; the host decodes them here, on its workers.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace castnet {

// The largest frame castnet decodes: 50 megapixels (an 8K frame is 33, a 48-megapixel photo
// fits). A larger one would take gigabytes and minutes to search for faces; it is refused as
// unreadable, with a warning, and the run goes on.
constexpr unsigned long long kMaxFramePixels = 50'000'000;

struct LoadedFrame {
  cv::Mat rgb;             // empty when unreadable
  std::string error;       // why it is unreadable
  std::uint64_t content_hash = 0;  // FNV-1a of the file bytes
};

// Reads and decodes one image file; `error` says why when `rgb` is empty.
LoadedFrame load_image_file(const std::filesystem::path& path);

// Decodes encoded image bytes to 8-bit RGB (alpha dropped, grey expanded), as
// face_recognition's load_image_file does. Empty Mat and `error` set when it cannot, or when the
// image is larger than kMaxFramePixels (checked on the header, before decoding, where the
// format allows).
// `warning`, when given, receives what the decoder noticed but read past ("Corrupt JPEG data:
// premature end of data segment"): the frame is used, and the caller names it in a warning.
cv::Mat decode_rgb(const std::vector<unsigned char>& bytes, std::string& error, std::string* warning = nullptr);

}  // namespace castnet
