#include "castnet/core/image_file.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/sdk/frame_names.hpp"
#include "castnet/sdk/errors.hpp"
#include "image_size.hpp"

namespace castnet {

namespace fs = std::filesystem;

LoadedFrame load_image_file(const fs::path& path) {
  LoadedFrame out;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.error = "cannot be opened";
    return out;
  }
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  out.content_hash = fnv1a64(bytes.data(), bytes.size());
  out.rgb = decode_rgb(bytes, out.error);
  return out;
}

cv::Mat decode_rgb(const std::vector<unsigned char>& bytes, std::string& error) {
  if (bytes.empty()) {
    error = "empty file";
    return {};
  }
  // libjpeg decodes a truncated JPEG into a grey-padded image without failing; face_recognition
  // (PIL) refuses it, and so do we: a JPEG must end with its EOI marker (trailing junk allowed).
  if (bytes.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8) {
    std::size_t from = bytes.size() > 1024 ? bytes.size() - 1024 : 0;
    bool eoi = false;
    for (std::size_t i = bytes.size() - 1; i > from && !eoi; --i) eoi = bytes[i - 1] == 0xFF && bytes[i] == 0xD9;
    if (!eoi) {
      error = "truncated JPEG (no end-of-image marker)";
      return {};
    }
  }
  auto too_large = [&](unsigned long long w, unsigned long long h) {
    if (w * h <= kMaxFramePixels && w <= 1u << 20 && h <= 1u << 20) return false;
    error = fmt::format("too large: {}x{} pixels, over castnet's {} megapixels per frame", w, h, kMaxFramePixels / 1'000'000);
    return true;
  };
  if (auto size = declared_size(bytes.data(), bytes.size()); size && too_large(size->width, size->height)) return {};
  cv::Mat img;
  try {
    img = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    error = "not a readable image";
    return {};
  }
  if (img.empty()) {
    error = "not a readable image";
    return {};
  }
  if (too_large(std::uint64_t(img.cols), std::uint64_t(img.rows))) return {};  // a format without a header we read
  if (img.depth() != CV_8U) {  // 16-bit PNGs and the like: scale to 8 bits as PIL's convert does
    double scale = img.depth() == CV_16U ? 1.0 / 257.0 : 1.0;
    img.convertTo(img, CV_8U, scale);
  }
  cv::Mat rgb;
  switch (img.channels()) {
    case 1: cv::cvtColor(img, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(img, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(img, rgb, cv::COLOR_BGRA2RGB); break;  // alpha dropped, as PIL convert('RGB')
    default: error = "unsupported channel count"; return {};
  }
  return rgb;
}

}  // namespace castnet
