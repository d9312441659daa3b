// A video file, sampled as the Visual Explorer samples broadcasts: one frame every `interval`
// seconds (4 by default), timed by the stream's own timestamps. OpenCV's VideoCapture with its
// FFmpeg backend decodes it, one frame after another: nothing but the current frame is held.
#include <cmath>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/frame_source.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

class VideoSource final : public FrameSource {
 public:
  explicit VideoSource(double interval) : interval_(interval) {}

  void open(const fs::path& input) override {
    std::error_code ec;
    if (!fs::is_regular_file(input, ec))
      throw Error(ExitCode::input, fmt::format("The video {} does not exist or is not a file.", input.string()));
    if (fs::file_size(input, ec) == 0) throw Error(ExitCode::input, fmt::format("The video {} is empty (0 bytes).", input.string()));
    capture_.release();
    if (!capture_.open(input.string(), cv::CAP_FFMPEG) || !capture_.isOpened())
      throw Error(ExitCode::input, fmt::format("{} cannot be read as a video (no video stream FFmpeg can decode).", input.string()));
    // A stream FFmpeg opens may still hold no frame: find out now, not after the broadcast began.
    if (!capture_.grab()) throw Error(ExitCode::input, fmt::format("The video {} holds no frames.", input.string()));
    grabbed_ = true;
    input_ = fs::absolute(input).string();
    stem_ = input.stem().string();
    sample_ = 0;
    double fps = capture_.get(cv::CAP_PROP_FPS), count = capture_.get(cv::CAP_PROP_FRAME_COUNT);
    if (fps > 0 && count > 0) hint_ = std::size_t(std::floor(count / fps / interval_)) + 1;
  }

  std::optional<SourceFrame> next() override {
    return next_if([](const std::string&) { return true; });
  }

  std::optional<SourceFrame> next_if(const std::function<bool(const std::string&)>& wanted) override {
    // Frames before the next sample time are grabbed (demuxed and decoded) but not converted.
    const double due = double(sample_) * interval_;
    for (;;) {
      if (!grabbed_ && !capture_.grab()) return std::nullopt;
      grabbed_ = false;
      double t = capture_.get(cv::CAP_PROP_POS_MSEC) / 1000.0;
      // Half a frame's tolerance: a 25 fps stream's frame at 3.999 s is the 4 s sample.
      if (t + 0.5 / std::max(1.0, capture_.get(cv::CAP_PROP_FPS)) < due) continue;
      SourceFrame f;
      f.name = fmt::format("{}-{:06d}.jpg", stem_, sample_);
      f.location = fmt::format("{}#t={:.3f}", input_, t);
      f.seconds = t;
      cv::Mat bgr;
      if (!wanted(f.location)) {
        ++sample_;
        return f;  // timed and named, but not converted
      }
      if (!capture_.retrieve(bgr) || bgr.empty()) f.error = "cannot be decoded";
      else cv::cvtColor(bgr, f.rgb, bgr.channels() == 4 ? cv::COLOR_BGRA2RGB : cv::COLOR_BGR2RGB);
      ++sample_;
      return f;
    }
  }

  std::optional<std::size_t> size_hint() const override { return hint_; }

 private:
  double interval_;
  cv::VideoCapture capture_;
  bool grabbed_ = false;
  std::string input_, stem_;
  long sample_ = 0;
  std::optional<std::size_t> hint_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::frame_source, "video", "1.0", "a video file (OpenCV + FFmpeg), one frame every `interval` seconds",
           {ParamSpec{"interval", ParamType::real, 4.0, "seconds between sampled frames (the Visual Explorer's: 4)", 0.0, 3600.0}.above_min()},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> { return std::make_unique<VideoSource>(p.real("interval")); },
           {".mp4", ".m4v", ".mkv", ".webm", ".avi", ".mov", ".mpg", ".mpeg", ".ts", ".flv", ".wmv", ".gif"}}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
