#include "castnet/eval/gallery.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/core/image_file.hpp"
#include "castnet/core/ordered_parallel_map.hpp"
#include "castnet/core/progress.hpp"
#include "castnet/core/system.hpp"
#include "castnet/core/text.hpp"
#include "castnet/eval/synth.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/frame_names.hpp"

namespace castnet {

namespace fs = std::filesystem;

namespace {

bool is_photo(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png";
}

// identity/*.jpg, by identity then file name.
std::vector<LabeledPhoto> photos_in_folder(const fs::path& dir) {
  std::vector<LabeledPhoto> photos;
  for (const auto& person : fs::directory_iterator(dir)) {
    if (!person.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(person.path()))
      if (f.is_regular_file() && is_photo(f.path())) photos.push_back({f.path(), person.path().filename().string()});
  }
  std::sort(photos.begin(), photos.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  if (photos.empty())
    throw Error(ExitCode::input, fmt::format("The gallery {} holds no photos (it should hold a folder per person, of .jpg or .png photos).",
                                             dir.string()));
  return photos;
}

}  // namespace

namespace {

// What a worker made of one photo, for the consumer to take in the gallery's order.
struct PhotoLook {
  std::uint64_t hash = 0;
  std::string error;    // unreadable: why
  GalleryPhoto photo;   // faces found, and the embedding of the one face
  bool new_photo = false;  // detected and embedded now (else remembered)
};

// One detector and embedder per worker, made when the worker first meets a photo not seen before
// (a gallery named again loads no model).
class GalleryWorkers {
 public:
  GalleryWorkers(const PluginRegistry& reg, const PluginContext& ctx, const StageSpec& detector, const StageSpec& embedder, int threads)
      : reg_(reg), ctx_(ctx), detector_(detector), embedder_(embedder), detectors_(std::size_t(threads)), embedders_(std::size_t(threads)) {}
  GalleryPhoto look(int w, const cv::Mat& rgb) {
    if (!detectors_[std::size_t(w)]) {
      std::lock_guard lock(making_);  // a plugin promises one thread per instance, not a reentrant factory
      detectors_[std::size_t(w)] = reg_.create<Detector>(PluginKind::detector, detector_, ctx_);
      embedders_[std::size_t(w)] = reg_.create<Embedder>(PluginKind::embedder, embedder_, ctx_);
    }
    GalleryPhoto photo;
    auto faces = detectors_[std::size_t(w)]->detect(rgb);
    photo.faces = faces.size();
    if (faces.size() == 1) {
      auto vec = embedders_[std::size_t(w)]->embed(rgb, faces).front();
      photo.vec.assign(vec.begin(), vec.end());
    }
    return photo;
  }

 private:
  const PluginRegistry& reg_;
  const PluginContext& ctx_;
  StageSpec detector_, embedder_;
  std::vector<std::shared_ptr<Detector>> detectors_;
  std::vector<std::shared_ptr<Embedder>> embedders_;
  std::mutex making_;
};

// One BLAS and OpenCV thread per worker while the gallery is embedded (the workers are the
// parallelism, as in extraction); what was set before, after.
class OneThreadEach {
 public:
  explicit OneThreadEach(int workers) : blas_(blas_threads()), cv_(cv::getNumThreads()), on_(workers > 1) {
    if (on_) set_blas_threads(1), cv::setNumThreads(1);
  }
  ~OneThreadEach() {
    if (on_ && blas_ > 0) set_blas_threads(blas_);
    if (on_) cv::setNumThreads(cv_);
  }
  OneThreadEach(const OneThreadEach&) = delete;
  OneThreadEach& operator=(const OneThreadEach&) = delete;

 private:
  int blas_, cv_;
  bool on_;
};

// Read, and (unless seen before) decoded, scaled down and looked at on worker `w`.
PhotoLook look_at(const fs::path& path, const std::map<std::uint64_t, GalleryPhoto>& seen_before, int max_side, GalleryWorkers& workers,
                  int w) {
  PhotoLook out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out.error = "cannot be opened", out;
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  out.hash = fnv1a64(bytes.data(), bytes.size());
  // (A face kept with no embedding is a store damaged by hand: that photo is embedded again.)
  if (auto it = seen_before.find(out.hash); it != seen_before.end() && (it->second.faces != 1 || !it->second.vec.empty()))
    return out.photo = it->second, out;
  cv::Mat rgb = decode_rgb(bytes, out.error);
  if (rgb.empty()) return out;
  if (const int side = std::max(rgb.cols, rgb.rows); max_side > 0 && side > max_side) {
    const double s = double(max_side) / side;
    cv::Mat small;
    cv::resize(rgb, small, {}, s, s, cv::INTER_AREA);
    rgb = small;
  }
  out.photo = workers.look(w, rgb);
  out.new_photo = true;
  return out;
}

// The photos' looks in the gallery's order, into what names people: faces, warnings, and the
// photos kept in the store's memory.
struct GalleryTaker {
  const std::vector<LabeledPhoto>& photos;
  const GalleryOptions& opt;
  const std::string &detector_key, &embedder_key;
  Progress& progress;
  GalleryLoad out = {};
  std::size_t taken = 0, unreadable = 0;
  std::string first_error = {};
  // One picture under two names (the same file in Alice/ and Bob/) names neither: which name it
  // bears would be decided by folder order.
  std::map<std::uint64_t, const LabeledPhoto*> first_with = {};
  std::set<std::uint64_t> conflicted = {};
  std::vector<std::uint64_t> hash_of_face = {};

  void operator()(PhotoLook look) {
    const LabeledPhoto& photo = photos[taken++];
    progress.advance();
    if (!look.error.empty()) {
      if (unreadable++ == 0) first_error = look.error;
      out.warnings.push_back(fmt::format("The gallery photo {} cannot be read ({}); it is left out.", photo.path.string(), look.error));
      return;
    }
    const auto [seen, first] = first_with.emplace(look.hash, &photo);
    if (!first && seen->second->identity != photo.identity) {
      out.warnings.push_back(fmt::format("The gallery photos {} (as {}) and {} (as {}) are the same picture; neither names anyone.",
                                         seen->second->path.string(), seen->second->identity, photo.path.string(), photo.identity));
      conflicted.insert(look.hash);
      return;
    }
    if (look.new_photo && opt.memory) opt.memory->keep_gallery_photo(look.hash, detector_key, embedder_key, look.photo);
    out.remembered += !look.new_photo;
    if (look.photo.faces != 1) {
      out.warnings.push_back(look.photo.faces == 0 ? fmt::format("The gallery photo {} shows no face; it is left out.", photo.path.string())
                                                   : fmt::format("The gallery photo {} shows {} faces; it is left out, as it cannot say which is {}.",
                                                                 photo.path.string(), look.photo.faces, photo.identity));
      return;
    }
    out.faces.push_back({photo.identity, photo.path.string(), std::move(look.photo.vec)});
    hash_of_face.push_back(look.hash);
  }

  // The faces, but those of a picture under two names.
  GalleryLoad faces() {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < out.faces.size(); ++i)
      if (!conflicted.count(hash_of_face[i])) {
        if (kept != i) out.faces[kept] = std::move(out.faces[i]);
        ++kept;
      }
    out.faces.resize(kept);
    return std::move(out);
  }
};

}  // namespace

GalleryLoad embed_gallery(const fs::path& gallery, const PluginRegistry& reg, const PluginContext& ctx, const StageSpec& detector_spec,
                          const StageSpec& embedder_spec, const GalleryOptions& opt) {
  if (!fs::exists(gallery)) throw Error(ExitCode::input, fmt::format("The gallery {} does not exist.", gallery.string()));
  auto photos = fs::is_directory(gallery) ? photos_in_folder(gallery) : load_labeled_photos(gallery);
  for (const auto& photo : photos)  // the names castnet people name accepts, no others
    if (std::string why = name_problem(photo.identity); !why.empty())
      throw Error(ExitCode::input, fmt::format("The gallery {} names a person \"{}\" ({}), which cannot be a name: {}.", terminal_text(gallery.string()),
                                               terminal_text(photo.identity), terminal_text(photo.path.string()), why));
  const std::string detector_key = reg.key(PluginKind::detector, detector_spec), embedder_key = reg.key(PluginKind::embedder, embedder_spec);
  std::map<std::uint64_t, GalleryPhoto> seen_before;
  if (opt.memory) seen_before = opt.memory->gallery_photos(detector_key, embedder_key);
  const int threads = std::clamp(resolve_threads(opt.threads), 1, int(std::max<std::size_t>(1, photos.size())));
  const OneThreadEach one_thread_each(threads);
  GalleryWorkers workers(reg, ctx, detector_spec, embedder_spec, threads);
  Progress progress("gallery", photos.size(), opt.quiet);
  GalleryTaker taker{photos, opt, detector_key, embedder_key, progress};
  std::size_t next = 0;
  auto pull = [&]() -> std::optional<std::size_t> { return next < photos.size() ? std::optional<std::size_t>(next++) : std::nullopt; };
  auto work = [&](std::size_t k, int w) { return look_at(photos[k].path, seen_before, opt.max_side, workers, w); };
  ordered_parallel_map<std::size_t, PhotoLook>(threads, 4 * std::size_t(threads), pull, work, [&](PhotoLook look) { taker(std::move(look)); });
  progress.finish();
  GalleryLoad out = taker.faces();
  if (out.faces.empty() && taker.unreadable == photos.size())
    throw Error(ExitCode::input, fmt::format("None of the {} photos of the gallery {} can be read (the first, {}: {}), so it names nobody.",
                                             photos.size(), terminal_text(gallery.string()), terminal_text(photos.front().path.string()),
                                             taker.first_error));
  if (out.faces.empty())
    throw Error(ExitCode::input, fmt::format("No photo of the gallery {} shows exactly one face ({} of {} cannot be read), so it names nobody.",
                                             terminal_text(gallery.string()), taker.unreadable, photos.size()));
  return out;
}

}  // namespace castnet
