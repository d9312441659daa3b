// The perceptual hash of each face crop, from OpenCV contrib's img_hash (the DCT hash of the
// legacy pipeline): 64 bits, compared by Hamming distance. Stored one bit per component so that
// every clusterer can measure it through the hamming metric.
#include <opencv2/img_hash.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

class PHash final : public Embedder {
 public:
  PHash() : hasher_(cv::img_hash::PHash::create()) {}

  Metric metric() const override { return Metric::hamming; }

  std::vector<std::vector<float>> embed(const cv::Mat& rgb, std::vector<Face>& faces) override {
    std::vector<std::vector<float>> out;
    for (const auto& f : faces) {
      cv::Rect box(int(f.box.left), int(f.box.top), int(f.box.width()), int(f.box.height()));
      box &= cv::Rect(0, 0, rgb.cols, rgb.rows);
      cv::Mat bgr, hash;
      cv::cvtColor(rgb(box), bgr, cv::COLOR_RGB2BGR);  // img_hash expects OpenCV's channel order
      hasher_->compute(bgr, hash);
      std::vector<float> bits;
      bits.reserve(64);
      for (int byte = 0; byte < hash.cols; ++byte)
        for (int bit = 7; bit >= 0; --bit) bits.push_back(float((hash.at<uchar>(0, byte) >> bit) & 1));
      out.push_back(std::move(bits));
    }
    return out;
  }

 private:
  cv::Ptr<cv::img_hash::PHash> hasher_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::embedder, "phash", "1.0", "64-bit perceptual (DCT) hash of the face crop, OpenCV img_hash; hamming", {},
           [](const Params&, const PluginContext&) -> std::unique_ptr<Stage> { return std::make_unique<PHash>(); }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
