// OpenCV's Viola-Jones Haar cascade (frontalface_alt2, as the `facedetect` tool uses it): the
// legacy pipeline's detector, less accurate than HOG but much faster.
#include <filesystem>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

class Haar final : public Detector {
 public:
  Haar(const std::string& cascade, double scale_factor, int min_neighbors, int min_size)
      : scale_factor_(scale_factor), min_neighbors_(min_neighbors), min_size_(min_size) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(cascade, ec))
      throw Error(ExitCode::model, fmt::format("The Haar cascade {} is missing; install Debian's opencv-data (scripts/setup does) or pass haar:cascade=PATH.", cascade));
    if (!classifier_.load(cascade))
      throw Error(ExitCode::model, fmt::format("{} is not an OpenCV cascade file; pass haar:cascade=PATH to one.", cascade));
  }

  std::vector<Face> detect(const cv::Mat& rgb) override {
    cv::Mat grey;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    cv::equalizeHist(grey, grey);
    std::vector<cv::Rect> rects;
    std::vector<int> neighbours;
    classifier_.detectMultiScale(grey, rects, neighbours, scale_factor_, min_neighbors_, 0, {min_size_, min_size_});
    std::vector<Face> faces;
    for (std::size_t i = 0; i < rects.size(); ++i) {
      const cv::Rect& r = rects[i];
      // Score: how many neighbouring windows agreed, the cascade's own confidence measure.
      faces.push_back({{r.x, r.y, r.x + r.width - 1, r.y + r.height - 1}, double(neighbours[i]), {}});
    }
    return faces;
  }

 private:
  cv::CascadeClassifier classifier_;
  double scale_factor_;
  int min_neighbors_, min_size_;
};

// A bare name is one of the cascades Debian's opencv-data installs; the name, not the install's
// path, is then what the store keys detections by.
std::string cascade_path(const std::string& cascade) {
  return cascade.find('/') == std::string::npos ? std::string(CASTNET_HAAR_DIR "/") + cascade : cascade;
}

PluginDescriptorList descriptors() {
  return {{PluginKind::detector, "haar", "1.0",
           "OpenCV Haar cascade (frontalface_alt2) on an equalised grey image: fast, legacy",
           {{"scale_factor", ParamType::real, 1.1, "image shrink between scales (detectMultiScale's scaleFactor)", 1.01, 2.0},
            {"min_neighbors", ParamType::integer, std::int64_t{3}, "overlapping detections needed to keep a face (minNeighbors; 0: every detection)", 0.0, 100.0},
            {"min_size", ParamType::integer, std::int64_t{0}, "smallest face side in pixels (minSize; 0: no limit)", 0.0, 10000.0},
            {"cascade", ParamType::text, std::string("haarcascade_frontalface_alt2.xml"), "cascade: a file name in OpenCV's haarcascades folder, or a path"}},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<Haar>(cascade_path(p.text("cascade")), p.real("scale_factor"), static_cast<int>(p.integer("min_neighbors")),
                                           static_cast<int>(p.integer("min_size")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
