// dlib's CNN face detector (MMOD, mmod_human_face_detector.dat), called as
// face_recognition.face_locations(model="cnn") calls it: pyramid_up per upsample, the net,
// rect_down, face_recognition's trimming. Boxes and confidences equal the reference's.
//
// Its cost grows with the pixels it sees (a 2280x1588 photo: 86 s and 8 GB), so images over
// max_pixels are scaled down first and boxes scaled back; 0 turns that off.
#include <cmath>

#include <dlib/dnn.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>
#include <opencv2/imgproc.hpp>

#include "box_trim.hpp"
#include "castnet/sdk/plugin.hpp"
#include "dlib_model.hpp"

namespace castnet {
namespace {

// The network of mmod_human_face_detector.dat, as declared in dlib's
// examples/dnn_mmod_face_detection_ex.cpp (test-time form, affine layers).
namespace net {
using namespace dlib;
template <long num_filters, typename SUBNET> using con5d = con<num_filters, 5, 5, 2, 2, SUBNET>;
template <long num_filters, typename SUBNET> using con5 = con<num_filters, 5, 5, 1, 1, SUBNET>;
template <typename SUBNET>
using downsampler = relu<affine<con5d<32, relu<affine<con5d<32, relu<affine<con5d<16, SUBNET>>>>>>>>>;
template <typename SUBNET> using rcon5 = relu<affine<con5<45, SUBNET>>>;
using net_type = loss_mmod<con<1, 9, 9, 1, 1, rcon5<rcon5<rcon5<downsampler<input_rgb_image_pyramid<pyramid_down<6>>>>>>>>;
}  // namespace net

class Mmod final : public Detector {
 public:
  Mmod(const std::filesystem::path& models, int upsample, double max_pixels) : upsample_(upsample), max_pixels_(max_pixels) {
    load_dlib_model(models, "mmod_human_face_detector.dat", net_);
  }

  std::vector<Face> detect(const cv::Mat& rgb) override {
    double scale = 1.0;
    cv::Mat input = rgb;
    if (max_pixels_ > 0 && double(rgb.total()) > max_pixels_) {
      scale = std::sqrt(max_pixels_ / double(rgb.total()));
      cv::resize(rgb, input, {}, scale, scale, cv::INTER_AREA);
    }
    dlib::matrix<dlib::rgb_pixel> img;
    dlib::assign_image(img, dlib::cv_image<dlib::rgb_pixel>(input));
    dlib::pyramid_down<2> pyr;
    for (int i = 0; i < upsample_; ++i) dlib::pyramid_up(img, pyr);
    std::vector<Face> faces;
    for (auto d : net_(img)) {  // copied: net_(img) hands back its own buffer
      d.rect = pyr.rect_down(d.rect, upsample_);
      auto back = [&](long v) { return scale == 1.0 ? v : std::lround(v / scale); };
      faces.push_back({trim_to_image(back(d.rect.left()), back(d.rect.top()), back(d.rect.right()), back(d.rect.bottom()),
                                     rgb.cols, rgb.rows),
                       d.detection_confidence,
                       {}});
    }
    return faces;
  }

 private:
  int upsample_;
  double max_pixels_;
  net::net_type net_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::detector, "mmod", "1.0",
           "dlib's CNN face detector (face_recognition's model=\"cnn\"): finds turned and small faces, slow on a CPU",
           {{"upsample", ParamType::integer, std::int64_t{1}, "times to double the image before detecting (0: as it is)", 0.0, 3.0},
            {"max_pixels", ParamType::real, 1.0e6, "scale larger images down to this many pixels first (0: never)", 0.0, std::nullopt}},
           [](const Params& p, const PluginContext& ctx) -> std::unique_ptr<Stage> {
             return std::make_unique<Mmod>(ctx.models_dir, static_cast<int>(p.integer("upsample")), p.real("max_pixels"));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
