// Where a broadcast's frames come from: a folder of images, a Visual Explorer ZIP, a video file.
// A frame source is a plugin kind like the others. It opens one input (one broadcast) and hands
// out its frames one at a time, in broadcast order, so memory stays flat however long the
// broadcast is.
#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "castnet/sdk/stages.hpp"

namespace castnet {

struct SourceFrame {
  std::string name;      // what outputs show: a file or member name (video: INPUT-000123.jpg)
  std::string location;  // where this source finds the frame again within its input
  std::optional<double> seconds;  // from the broadcast's start, where the source knows it (video)
  // The frame as the source has it: an image file's bytes (the host decodes them on a worker)...
  std::vector<unsigned char> encoded;
  // ...or already decoded, 8-bit RGB (a video's frame).
  cv::Mat rgb;
  std::string error;     // non-empty: this frame cannot be read; it is counted and skipped
};

class FrameSource : public Stage {
 public:
  // Opens one input; throws Error(input) with one sentence when it cannot be read as this kind.
  virtual void open(const std::filesystem::path& input) = 0;
  // The next frame in broadcast order, or nothing after the last. Called from one thread at a
  // time.
  virtual std::optional<SourceFrame> next() = 0;
  // Like next(), but only a frame for which wanted(location) holds carries its pixels; the
  // others come with their name and location alone. Resumed runs and face crops ask for few of
  // a broadcast's frames; a source that can pass over a frame without reading it overrides this.
  virtual std::optional<SourceFrame> next_if(const std::function<bool(const std::string& location)>& wanted) {
    auto f = next();
    if (f && !wanted(f->location)) f->encoded.clear(), f->rgb.release();
    return f;
  }
  // How many frames the input holds, where the source knows before reading them (progress).
  virtual std::optional<std::size_t> size_hint() const { return std::nullopt; }
  // What the source noticed while opening that the user should hear (a ZIP member skipped).
  virtual std::vector<std::string> warnings() const { return {}; }
};

}  // namespace castnet
