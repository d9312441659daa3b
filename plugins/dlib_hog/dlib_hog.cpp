// dlib's HOG frontal face detector, called exactly as face_recognition.face_locations(model="hog")
// calls it, so the boxes equal the reference's.
#include <algorithm>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>

#include "box_trim.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

class DlibHog final : public Detector {
 public:
  explicit DlibHog(int upsample) : upsample_(upsample), detector_(dlib::get_frontal_face_detector()) {}

  std::vector<Face> detect(const cv::Mat& rgb) override {
    dlib::cv_image<dlib::rgb_pixel> img(rgb);
    std::vector<dlib::rect_detection> dets;
    // dlib's Python binding (run_detector_with_upscale2): pyramid_up once per upsample, detect,
    // then map the boxes back with rect_down.
    if (upsample_ == 0) {
      detector_(img, dets, 0.0);
    } else {
      dlib::pyramid_down<2> pyr;
      dlib::array2d<dlib::rgb_pixel> up;
      dlib::pyramid_up(img, up, pyr);
      for (int i = 1; i < upsample_; ++i) dlib::pyramid_up(up, pyr);
      detector_(up, dets, 0.0);
      for (auto& d : dets) d.rect = pyr.rect_down(d.rect, upsample_);
    }
    std::vector<Face> faces;
    for (const auto& d : dets) {
      Face f;
      f.box = trim_to_image(d.rect.left(), d.rect.top(), d.rect.right(), d.rect.bottom(), rgb.cols, rgb.rows);
      f.score = d.detection_confidence;
      faces.push_back(f);
    }
    return faces;
  }

 private:
  int upsample_;
  dlib::frontal_face_detector detector_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::detector, "dlib-hog", "1.0",
           "dlib's HOG frontal face detector (face_recognition's model=\"hog\")",
           {{"upsample", ParamType::integer, std::int64_t{1},
             "times to double the image before detecting (0: as it is; each finds smaller faces and costs ~4x)", 0.0, 4.0}},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<DlibHog>(static_cast<int>(p.integer("upsample")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
