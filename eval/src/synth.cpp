#include "castnet/eval/synth.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <random>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/core/image_file.hpp"
#include "castnet/eval/csv.hpp"
#include "castnet/sdk/errors.hpp"

namespace castnet {

namespace fs = std::filesystem;

std::vector<LabeledPhoto> load_labeled_photos(const fs::path& csv) {
  std::ifstream in(csv);
  if (!in) throw Error(ExitCode::input, fmt::format("The labeled photo list {} cannot be read.", csv.string()));
  std::string line;
  std::getline(in, line);
  auto header = split_csv_line(line);
  int path = csv_column(header, "path"), identity = csv_column(header, "identity");
  if (path < 0 || identity < 0)
    throw Error(ExitCode::input, fmt::format("{} has no path and identity columns.", csv.string()));
  std::vector<LabeledPhoto> photos;  // in file order: the order decides which photo a scene shows
  while (std::getline(in, line)) {
    auto f = split_csv_line(line);
    if (f.size() > std::size_t(std::max(path, identity)) && !f[std::size_t(path)].empty())
      photos.push_back({csv.parent_path() / f[std::size_t(path)], f[std::size_t(identity)]});
  }
  if (photos.empty()) throw Error(ExitCode::input, fmt::format("{} lists no photos.", csv.string()));
  return photos;
}

namespace {

struct Placed {
  std::string identity;
  cv::Rect rect;
};

class Composer {
 public:
  Composer(const std::vector<LabeledPhoto>& photos, const SynthOptions& opt) : opt_(opt), rng_(opt.seed) {
    for (const auto& p : photos) {
      LoadedFrame photo = load_image_file(p.path);
      if (photo.rgb.empty())
        throw Error(ExitCode::input, fmt::format("The labeled photo {} is unreadable ({}).", p.path.string(), photo.error));
      cv::Mat bgr;
      cv::cvtColor(photo.rgb, bgr, cv::COLOR_RGB2BGR);
      by_person_[p.identity].push_back(bgr);
    }
    for (const auto& [who, imgs] : by_person_) {
      people_.push_back(who);
      if (presenter_.empty() || imgs.size() > by_person_[presenter_].size()) presenter_ = who;  // most photos: presenter
    }
  }

  std::size_t identities() const { return people_.size(); }

  // One scene: its frames and who is where in them.
  std::vector<std::pair<cv::Mat, std::vector<Placed>>> scene() {
    std::size_t length = 1 + rng_() % 5;
    double kind = uniform();
    cv::Scalar top = colour(), bottom = colour();
    std::vector<std::pair<std::string, cv::Mat>> cast;  // person and the photo of them this scene
    enum { presenter, split, wide, broll } type = kind < 0.35 ? presenter : kind < 0.6 ? split : kind < 0.75 ? wide : broll;
    if (type == presenter || type == wide) cast.emplace_back(presenter_, next_photo(presenter_));
    if (type == split || type == wide) {
      std::size_t guests = type == wide ? 1 : 2 + rng_() % 2;
      std::vector<std::string> pool = people_;
      // The face on the studio screen is someone else: one person is never twice in a frame.
      if (type == wide) pool.erase(std::find(pool.begin(), pool.end(), presenter_));
      std::shuffle(pool.begin(), pool.end(), rng_);
      for (std::size_t g = 0; g < guests && g < pool.size(); ++g) cast.emplace_back(pool[g], next_photo(pool[g]));
    }
    std::vector<std::pair<cv::Mat, std::vector<Placed>>> frames;
    for (std::size_t f = 0; f < length; ++f) {
      cv::Mat frame = background(top, bottom);
      std::vector<Placed> placed;
      const int W = opt_.width, H = opt_.height, jitter = int(rng_() % 7) - 3;
      if (type == presenter) {
        placed.push_back(place(frame, cast[0], {W / 2 + jitter, H / 8, W * 2 / 5, H * 3 / 4}));
      } else if (type == split) {
        int n = int(cast.size()), pw = W / n;
        for (int i = 0; i < n; ++i) placed.push_back(place(frame, cast[std::size_t(i)], {i * pw + 6, H / 6 + jitter, pw - 12, H * 2 / 3}));
      } else if (type == wide) {
        // A screen on the studio wall with a small face, the presenter at the desk.
        cv::rectangle(frame, {W / 12 - 4, H / 10 - 4, W / 4 + 8, H * 3 / 10 + 8}, {40, 40, 40}, cv::FILLED);
        placed.push_back(place(frame, cast[1], {W / 12, H / 10 + jitter / 2, W / 4, H * 3 / 10}));
        placed.push_back(place(frame, cast[0], {W * 11 / 20 + jitter, H / 3, W / 4, H * 3 / 5}));
      } else {
        for (int k = 0; k < 6; ++k)
          cv::circle(frame, {int(rng_() % unsigned(W)), int(rng_() % unsigned(H))}, 20 + int(rng_() % 80), colour(), cv::FILLED);
        cv::GaussianBlur(frame, frame, {0, 0}, 6);
      }
      frames.emplace_back(frame, placed);
    }
    return frames;
  }

 private:
  double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  cv::Scalar colour() { return cv::Scalar(double(rng_() % 200), double(rng_() % 200), double(rng_() % 200)); }

  cv::Mat next_photo(const std::string& who) {  // a different photo of the person each scene
    auto& imgs = by_person_.at(who);
    return imgs[next_[who]++ % imgs.size()];
  }

  cv::Mat background(const cv::Scalar& top, const cv::Scalar& bottom) {
    cv::Mat m(opt_.height, opt_.width, CV_8UC3);
    for (int y = 0; y < m.rows; ++y) {
      double t = double(y) / m.rows;
      m.row(y).setTo(top * (1 - t) + bottom * t);
    }
    cv::rectangle(m, {0, m.rows * 4 / 5, m.cols, m.rows / 5}, bottom * 0.5, cv::FILLED);  // the desk
    return m;
  }

  // Fits the photo into `area` (whole height, centre-cropped to the width) and pastes it.
  Placed place(cv::Mat& frame, const std::pair<std::string, cv::Mat>& who, cv::Rect area) {
    area &= cv::Rect(0, 0, frame.cols, frame.rows);
    const cv::Mat& photo = who.second;
    double s = double(area.height) / photo.rows;
    cv::Mat resized;
    cv::resize(photo, resized, {}, s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    int w = std::min(resized.cols, area.width);
    cv::Rect src((resized.cols - w) / 2, 0, w, std::min(resized.rows, area.height));
    cv::Rect dst(area.x + (area.width - w) / 2, area.y, w, src.height);
    resized(src).copyTo(frame(dst));
    return {who.first, dst};
  }

  const SynthOptions& opt_;
  std::mt19937_64 rng_;
  std::map<std::string, std::vector<cv::Mat>> by_person_;
  std::map<std::string, std::size_t> next_;
  std::vector<std::string> people_;
  std::string presenter_;
};

}  // namespace

SynthSummary synthesize(const std::vector<LabeledPhoto>& photos, const fs::path& out, const SynthOptions& opt) {
  fs::create_directories(out / "frames");
  Composer composer(photos, opt);
  std::ofstream truth(out / "truth.csv");
  if (!truth) throw Error(ExitCode::output, fmt::format("{} cannot be written.", (out / "truth.csv").string()));
  truth << "frame,identity,left,top,right,bottom\n";
  SynthSummary s;
  s.identities = composer.identities();
  while (s.frames < opt.frames) {
    ++s.scenes;
    for (auto& [frame, placed] : composer.scene()) {
      if (s.frames >= opt.frames) break;
      std::string name = fmt::format("{}-{:06d}.jpg", opt.name, ++s.frames);
      if (opt.blur > 0) cv::GaussianBlur(frame, frame, {0, 0}, opt.blur);
      if (opt.scale != 1.0) cv::resize(frame, frame, {}, opt.scale, opt.scale, opt.scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
      if (!cv::imwrite((out / "frames" / name).string(), frame, {cv::IMWRITE_JPEG_QUALITY, opt.jpeg_quality}))
        throw Error(ExitCode::output, fmt::format("{} cannot be written.", (out / "frames" / name).string()));
      for (const auto& p : placed) {
        auto sc = [&](int v) { return long(std::lround(v * opt.scale)); };
        truth << fmt::format("{},{},{},{},{},{}\n", name, p.identity, sc(p.rect.x), sc(p.rect.y), sc(p.rect.x + p.rect.width) - 1,
                             sc(p.rect.y + p.rect.height) - 1);
        ++s.faces;
      }
    }
  }
  return s;
}

}  // namespace castnet
