// Where frames come from. Everything reads frames through this, so a video file or a Visual
// Explorer ZIP can become a source without touching the pipeline.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace castnet {

struct FrameRef {
  std::string name;        // file name, what outputs show
  std::string location;    // where the source finds it again (a path for a folder)
  long seq = 0;            // broadcast order, 0-based
};

struct LoadedFrame {
  cv::Mat rgb;             // empty when unreadable
  std::string error;       // why it is unreadable
  std::uint64_t content_hash = 0;  // FNV-1a of the file bytes
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual const std::vector<FrameRef>& frames() const = 0;
  virtual LoadedFrame load(const FrameRef& f) const = 0;  // thread-safe
};

// A folder of images (jpg, jpeg, png, bmp, webp). Order: the number before the extension
// (`RUSSIA1_20230313_083000_60_minut-000123.jpg` is frame 123) when every name has one,
// otherwise the sorted names. `recursive` also takes images in subfolders (a labeled photo set,
// faces/<person>/<photo>), named by their path below `dir`. Throws Error(input) for a missing or
// image-less folder.
std::unique_ptr<FrameSource> open_frame_folder(const std::filesystem::path& dir, bool recursive = false);

// Reads and decodes one image file; `error` says why when `rgb` is empty.
LoadedFrame load_image_file(const std::filesystem::path& path);

// Decodes encoded image bytes to 8-bit RGB (alpha dropped, grey expanded), as
// face_recognition's load_image_file does. Empty Mat and `error` set when it cannot.
cv::Mat decode_rgb(const std::vector<unsigned char>& bytes, std::string& error);

}  // namespace castnet
