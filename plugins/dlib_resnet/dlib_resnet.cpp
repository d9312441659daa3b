// face_recognition's face_encodings, in C++: 5-point landmarks on the detector's box, a 150 px
// chip with 0.25 padding, and dlib_face_recognition_resnet_model_v1. Faces of a frame go
// through the network as one batch.
#include <dlib/image_processing.h>
#include <dlib/opencv/cv_image.h>

#include "castnet/sdk/plugin.hpp"
#include "dlib_model.hpp"
#include "resnet_network.hpp"

namespace castnet {
namespace {

class DlibResnet final : public Embedder {
 public:
  DlibResnet(const std::filesystem::path& models, double padding, std::size_t batch)
      : padding_(padding), batch_(batch) {
    load_dlib_model(models, "shape_predictor_5_face_landmarks.dat", predictor_);
    load_dlib_model(models, "dlib_face_recognition_resnet_model_v1.dat", net_);
  }

  Metric metric() const override { return Metric::euclidean; }

  std::vector<std::vector<float>> embed(const cv::Mat& rgb, std::vector<Face>& faces) override {
    dlib::cv_image<dlib::rgb_pixel> img(rgb);
    std::vector<dlib::chip_details> chips_at;
    for (auto& f : faces) {
      // The predictor sees the box as face_recognition hands it over (already trimmed).
      dlib::full_object_detection shape =
          predictor_(img, dlib::rectangle(f.box.left, f.box.top, f.box.right, f.box.bottom));
      f.landmarks.clear();
      for (unsigned long i = 0; i < shape.num_parts(); ++i) f.landmarks.push_back({shape.part(i).x(), shape.part(i).y()});
      chips_at.push_back(dlib::get_face_chip_details(shape, 150, padding_));
    }
    // One extract_image_chip call per face, as face_recognition makes them: extract_image_chips
    // over several faces builds one image pyramid over their union, which shifts the pixels of
    // large faces (~0.014 in the embedding). The network still sees the chips as one batch.
    std::vector<dlib::matrix<dlib::rgb_pixel>> chips(chips_at.size());
    for (std::size_t i = 0; i < chips_at.size(); ++i) dlib::extract_image_chip(img, chips_at[i], chips[i]);
    std::vector<std::vector<float>> out;
    out.reserve(faces.size());
    // The batch form returns its results by value; the single-image net(x) would return a
    // reference into the network's own buffer.
    for (const auto& d : net_(chips, batch_)) out.emplace_back(d.begin(), d.end());
    return out;
  }

 private:
  double padding_;
  std::size_t batch_;
  dlib::shape_predictor predictor_;
  resnet::anet_type net_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::embedder, "dlib-resnet", "1.0",
           "dlib's ResNet 128-D face descriptor on 5-point-aligned chips (face_recognition's encodings); euclidean",
           {{"padding", ParamType::real, 0.25, "context around the aligned face in the 150 px chip (face_recognition: 0.25; 0: the face alone)", 0.0, 1.0},
            ParamSpec{"batch", ParamType::integer, std::int64_t{16}, "chips per forward pass of the network", 1.0, 256.0}.execution()},
           [](const Params& p, const PluginContext& ctx) -> std::unique_ptr<Stage> {
             return std::make_unique<DlibResnet>(ctx.models_dir, p.real("padding"),
                                                 static_cast<std::size_t>(p.integer("batch")));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
