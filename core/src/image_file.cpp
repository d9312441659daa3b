#include "castnet/core/image_file.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <turbojpeg.h>
#include <webp/decode.h>

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

namespace {

// JPEGs through TurboJPEG rather than OpenCV: the same libjpeg-turbo with the same defaults
// (accurate DCT, fancy upsampling), hence the same pixels, but its warnings ("Corrupt JPEG
// data: ...") come back to us, to be printed with the frame's name, instead of going to stderr
// nameless. Returns false where OpenCV should decode instead (CMYK and YCCK).
bool decode_jpeg(const std::vector<unsigned char>& bytes, cv::Mat& rgb, std::string& error, std::string* warning) {
  tjhandle tj = tjInitDecompress();
  if (!tj) return false;
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  auto* data = const_cast<unsigned char*>(bytes.data());
  const auto size = static_cast<unsigned long>(bytes.size());
  bool handled = true;
  if (tjDecompressHeader3(tj, data, size, &width, &height, &subsampling, &colorspace) != 0) {
    error = fmt::format("not a readable JPEG ({})", tjGetErrorStr2(tj));
  } else if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) {
    handled = false;
  } else {
    rgb.create(height, width, CV_8UC3);
    if (tjDecompress2(tj, data, size, rgb.data, width, 0, height, TJPF_RGB, 0) != 0) {
      if (tjGetErrorCode(tj) == TJERR_WARNING) {
        if (warning) *warning = tjGetErrorStr2(tj);
      } else {
        error = fmt::format("damaged JPEG ({})", tjGetErrorStr2(tj));
        rgb.release();
      }
    }
  }
  tjDestroy(tj);
  return handled;
}

// WebP through libwebp itself: OpenCV's reader for it asks libwebp whether the header is valid,
// and where it is not, OpenCV offers the bytes to its next readers, DICOM among them, whose
// library (GDCM) aborts the process on a malformed file (found by scripts/fuzz).
cv::Mat decode_webp(const std::vector<unsigned char>& bytes, std::string& error) {
  int width = 0, height = 0;
  // The size libwebp will decode to, checked as the header's was (a VP8X canvas may differ).
  bool fits = WebPGetInfo(bytes.data(), bytes.size(), &width, &height) && std::uint64_t(width) * std::uint64_t(height) <= kMaxFramePixels;
  std::uint8_t* pixels = fits ? WebPDecodeRGB(bytes.data(), bytes.size(), &width, &height) : nullptr;
  if (!pixels) {
    error = "not a readable image (damaged WebP)";
    return {};
  }
  cv::Mat rgb = cv::Mat(height, width, CV_8UC3, pixels).clone();
  WebPFree(pixels);
  return rgb;
}

// The formats OpenCV's imdecode recognises by a signature at the start of the file, before
// any other of its readers is asked: BMP (its first), JPEG as OpenCV knows it (FF D8 FF), PNG.
bool opencv_reads_by_signature(const std::vector<unsigned char>& b) {
  if (b.size() >= 2 && b[0] == 'B' && b[1] == 'M') return true;
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return true;
  return b.size() >= 8 && std::memcmp(b.data(), "\x89PNG\r\n\x1a\n", 8) == 0;
}

}  // namespace

cv::Mat decode_rgb(const std::vector<unsigned char>& bytes, std::string& error, std::string* warning) {
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
  // Only formats whose header we read reach OpenCV: its other readers (DICOM, JPEG 2000, TIFF,
  // ...) are no frame source's, and some trust a length field with a gigabyte allocation.
  auto size = declared_size(bytes.data(), bytes.size());
  if (!size) {
    error = "not a readable image";
    return {};
  }
  if (too_large(size->width, size->height)) return {};
  if (bytes.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8) {
    cv::Mat rgb;
    if (decode_jpeg(bytes, rgb, error, warning)) return rgb;
  }
  if (bytes.size() >= 12 && std::memcmp(bytes.data(), "RIFF", 4) == 0) return decode_webp(bytes, error);
  if (!opencv_reads_by_signature(bytes)) {  // a GIF (OpenCV 4.6 has no reader), a JPEG without FF D8 FF
    error = "not a readable image";
    return {};
  }
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
