// dlib's HOG frontal face detector, called exactly as face_recognition.face_locations(model="hog")
// calls it, so the boxes equal the reference's.
//
// small_faces=true adds the faces smaller than the full pass's window (80 px at upsample 0, 40 at
// upsample 1): OpenCV's LBP frontal-face cascade proposes face-like regions from 24 px up (at a
// quarter of the Haar cascade's cost), and HOG confirms each on a crop around it scaled so the
// face fills its window. The frame is enlarged only where a small face may be, not everywhere
// (each upsample costs ~4x). docs/quality.md has what it finds and costs.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <tuple>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>
#include <fmt/format.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "box_trim.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

constexpr const char* kCascade = CASTNET_LBP_DIR "/lbpcascade_frontalface.xml";
constexpr int kHogWindow = 80;  // at upsample u the full pass sees faces from 80 / 2^u px up
constexpr int kMinProposal = 24;  // the LBP cascade's own window
constexpr int kConfirmSide = 128;  // a proposal's size in the crop HOG confirms it on

// Decoding dlib's compressed model takes longer than detecting in a few frames: once per process,
// then copied into each worker's detector.
const dlib::frontal_face_detector& hog_model() {
  static const dlib::frontal_face_detector model = dlib::get_frontal_face_detector();
  return model;
}

bool centre_inside(const dlib::rectangle& r, const dlib::rectangle& in) { return in.contains(dlib::center(r)); }

// Two boxes of one face: each holds the other's centre. One-sided containment is not enough: at
// the bottom of its range HOG's full pass gives a face a loose box that can hold the centre of a
// smaller face beside it (docs/quality.md).
bool same_face(const dlib::rectangle& a, const dlib::rectangle& b) { return centre_inside(a, b) && centre_inside(b, a); }

class DlibHog final : public Detector {
 public:
  DlibHog(int upsample, bool small_faces) : upsample_(upsample), detector_(hog_model()) {
    if (!small_faces) return;
    if (!std::filesystem::is_regular_file(kCascade) || !proposer_.load(kCascade))
      throw Error(ExitCode::model, fmt::format("dlib-hog:small_faces=true needs OpenCV's LBP face cascade {}; install Debian's opencv-data (scripts/setup does).", kCascade));
  }

  std::vector<Face> detect(const cv::Mat& rgb) override {
    std::vector<dlib::rect_detection> dets = hog(rgb, upsample_);
    if (!proposer_.empty()) add_small_faces(rgb, dets);
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
  std::vector<dlib::rect_detection> hog(const cv::Mat& rgb, int upsample) {
    dlib::cv_image<dlib::rgb_pixel> img(rgb);
    std::vector<dlib::rect_detection> dets;
    // dlib's Python binding (run_detector_with_upscale2): pyramid_up once per upsample, detect,
    // then map the boxes back with rect_down.
    if (upsample == 0) {
      detector_(img, dets, 0.0);
    } else {
      dlib::pyramid_down<2> pyr;
      dlib::array2d<dlib::rgb_pixel> up;
      dlib::pyramid_up(img, up, pyr);
      for (int i = 1; i < upsample; ++i) dlib::pyramid_up(up, pyr);
      detector_(up, dets, 0.0);
      for (auto& d : dets) d.rect = pyr.rect_down(d.rect, static_cast<unsigned int>(upsample));
    }
    return dets;
  }

  // Proposals the full pass did not find, each confirmed by HOG on a crop around it, scaled so the
  // proposal is kConfirmSide px: a face up to a third smaller than the cascade's box still fills
  // dlib's 80-px window, and the crop costs the same whatever the face's size. A box already
  // found (same_face) is not added twice.
  void add_small_faces(const cv::Mat& rgb, std::vector<dlib::rect_detection>& dets) {
    const int window = kHogWindow >> upsample_;
    if (window <= kMinProposal) return;  // the full pass already sees every face the cascade could propose
    // Up to 1.5x the smallest face the full pass sees: a cascade's box is larger than dlib's.
    const int max_proposal = 3 * window / 2;
    cv::Mat grey;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    cv::equalizeHist(grey, grey);
    std::vector<cv::Rect> proposals;
    // Every raw window (no neighbours asked): HOG confirms each, so recall matters more than
    // precision. Grouping alike windows first (OpenCV's partition, keeping lone ones) found 42
    // of the Hamilton frames' 50 faces and saved no time.
    proposer_.detectMultiScale(grey, proposals, 1.1, 0, 0, {kMinProposal, kMinProposal}, {max_proposal, max_proposal});
    // Raw windows come in the order OpenCV's threads found them: sorted, the same frame gives the
    // same faces in the same order. Smallest first, so that a larger proposal inside a crop
    // already searched at a finer scale is skipped.
    std::sort(proposals.begin(), proposals.end(), [](const cv::Rect& a, const cv::Rect& b) {
      return std::tie(a.width, a.y, a.x, a.height) < std::tie(b.width, b.y, b.x, b.height);
    });
    const cv::Rect frame(0, 0, rgb.cols, rgb.rows);
    // Crops already searched, with the proposal size each was scaled for: a proposal inside one
    // scaled for its size or a smaller one adds nothing (a crop scaled for a larger face is too
    // coarse to see this one).
    std::vector<std::pair<cv::Rect, int>> looked;
    for (const cv::Rect& p : proposals) {
      dlib::rectangle pr(p.x, p.y, p.x + p.width - 1, p.y + p.height - 1);
      if (std::any_of(dets.begin(), dets.end(), [&](const auto& d) { return same_face(pr, d.rect); })) continue;
      if (std::any_of(looked.begin(), looked.end(), [&](const auto& c) { return c.second <= p.width && (c.first & p) == p; }))
        continue;
      const int side = 2 * p.width;
      cv::Rect crop = cv::Rect(p.x + p.width / 2 - side / 2, p.y + p.height / 2 - side / 2, side, side) & frame;
      looked.emplace_back(crop, p.width);
      const double scale = double(kConfirmSide) / p.width;  // > 1: proposals are at most 120 px
      cv::Mat patch;
      cv::resize(rgb(crop), patch, {}, scale, scale, cv::INTER_LINEAR);
      for (auto d : hog(patch, 0)) {
        d.rect = dlib::rectangle(crop.x + std::lround(d.rect.left() / scale), crop.y + std::lround(d.rect.top() / scale),
                                 crop.x + std::lround(d.rect.right() / scale), crop.y + std::lround(d.rect.bottom() / scale));
        bool known = std::any_of(dets.begin(), dets.end(), [&](const auto& e) { return same_face(d.rect, e.rect); });
        if (!known) dets.push_back(d);
      }
    }
  }

  int upsample_;
  dlib::frontal_face_detector detector_;
  cv::CascadeClassifier proposer_;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::detector, "dlib-hog", "1.0",
           "dlib's HOG frontal face detector (face_recognition's model=\"hog\")",
           {{"upsample", ParamType::integer, std::int64_t{1},
             "times to double the image before detecting (0: as it is; each finds smaller faces and costs ~4x)", 0.0, 4.0},
            {"small_faces", ParamType::boolean, false,
             "also find faces below the full pass's window (80 px / 2^upsample): LBP-cascade proposals from 24 px, each confirmed by HOG on a crop scaled to its window"}},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> {
             return std::make_unique<DlibHog>(static_cast<int>(p.integer("upsample")), p.boolean("small_faces"));
           }}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
