#include "castnet/eval/gallery.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "castnet/core/image_file.hpp"
#include "castnet/core/progress.hpp"
#include "castnet/core/text.hpp"
#include "castnet/eval/synth.hpp"
#include "castnet/sdk/errors.hpp"

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

GalleryLoad embed_gallery(const fs::path& gallery, const PluginRegistry& reg, const PluginContext& ctx, const StageSpec& detector_spec,
                          const StageSpec& embedder_spec, FaceStore* memory, bool quiet) {
  if (!fs::exists(gallery)) throw Error(ExitCode::input, fmt::format("The gallery {} does not exist.", gallery.string()));
  auto photos = fs::is_directory(gallery) ? photos_in_folder(gallery) : load_labeled_photos(gallery);
  for (const auto& photo : photos)  // the names castnet people name accepts, no others
    if (std::string why = name_problem(photo.identity); !why.empty())
      throw Error(ExitCode::input, fmt::format("The gallery {} names a person \"{}\" ({}), which cannot be a name: {}.", terminal_text(gallery.string()),
                                               terminal_text(photo.identity), terminal_text(photo.path.string()), why));
  GalleryLoad out;
  const std::string detector_key = reg.key(PluginKind::detector, detector_spec), embedder_key = reg.key(PluginKind::embedder, embedder_spec);
  std::map<std::uint64_t, GalleryPhoto> seen_before;
  if (memory) seen_before = memory->gallery_photos(detector_key, embedder_key);
  std::shared_ptr<Detector> detector;
  std::shared_ptr<Embedder> embedder;
  // A photo seen before is what it was; a new one is detected, embedded and kept at once.
  auto look_at = [&](std::uint64_t hash, const cv::Mat& rgb) -> GalleryPhoto {
    // (A face kept with no embedding is a store damaged by hand: that photo is embedded again.)
    if (auto it = seen_before.find(hash); it != seen_before.end() && (it->second.faces != 1 || !it->second.vec.empty()))
      return ++out.remembered, it->second;
    if (!detector) {
      detector = reg.create<Detector>(PluginKind::detector, detector_spec, ctx);
      embedder = reg.create<Embedder>(PluginKind::embedder, embedder_spec, ctx);
    }
    GalleryPhoto photo;
    auto faces = detector->detect(rgb);
    photo.faces = faces.size();
    if (faces.size() == 1) {
      auto vec = embedder->embed(rgb, faces).front();
      photo.vec.assign(vec.begin(), vec.end());
    }
    if (memory) memory->keep_gallery_photo(hash, detector_key, embedder_key, photo);
    return photo;
  };
  std::size_t unreadable = 0;
  std::string first_error;
  // One picture under two names (the same file in Alice/ and Bob/) names neither: which name it
  // bears would be decided by folder order.
  std::map<std::uint64_t, const LabeledPhoto*> first_with;
  std::set<std::uint64_t> conflicted;
  std::vector<std::uint64_t> hash_of_face;
  Progress progress("gallery", photos.size(), quiet);
  for (const auto& photo : photos) {
    progress.advance();
    LoadedFrame img = load_image_file(photo.path);
    if (img.rgb.empty()) {
      if (unreadable++ == 0) first_error = img.error;
      out.warnings.push_back(fmt::format("The gallery photo {} cannot be read ({}); it is left out.", photo.path.string(), img.error));
      continue;
    }
    const auto [seen, first] = first_with.emplace(img.content_hash, &photo);
    if (!first && seen->second->identity != photo.identity) {
      out.warnings.push_back(fmt::format("The gallery photos {} (as {}) and {} (as {}) are the same picture; neither names anyone.",
                                         seen->second->path.string(), seen->second->identity, photo.path.string(), photo.identity));
      conflicted.insert(img.content_hash);
      continue;
    }
    GalleryPhoto made = look_at(img.content_hash, img.rgb);
    if (made.faces != 1) {
      out.warnings.push_back(made.faces == 0 ? fmt::format("The gallery photo {} shows no face; it is left out.", photo.path.string())
                                       : fmt::format("The gallery photo {} shows {} faces; it is left out, as it cannot say which is {}.",
                                                     photo.path.string(), made.faces, photo.identity));
      continue;
    }
    out.faces.push_back({photo.identity, photo.path.string(), std::move(made.vec)});
    hash_of_face.push_back(img.content_hash);
  }
  progress.finish();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.faces.size(); ++i)
    if (!conflicted.count(hash_of_face[i])) {
      if (kept != i) out.faces[kept] = std::move(out.faces[i]);
      ++kept;
    }
  out.faces.resize(kept);
  if (out.faces.empty() && unreadable == photos.size())
    throw Error(ExitCode::input, fmt::format("None of the {} photos of the gallery {} can be read (the first, {}: {}), so it names nobody.",
                                             photos.size(), terminal_text(gallery.string()), terminal_text(photos.front().path.string()), first_error));
  if (out.faces.empty())
    throw Error(ExitCode::input, fmt::format("No photo of the gallery {} shows exactly one face ({} of {} cannot be read), so it names nobody.",
                                             terminal_text(gallery.string()), unreadable, photos.size()));
  return out;
}

}  // namespace castnet
