#include "castnet/formats/face_images.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/core/node_image.hpp"
#include "castnet/formats/output_batch.hpp"
#include "castnet/formats/tables.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/parallel.hpp"
#include "image_read.hpp"

namespace castnet::formats {

namespace fs = std::filesystem;

namespace {

// A little context around the box reads better as a node picture than the tight detector box.
cv::Rect crop_rect(const Box& b, int cols, int rows) {
  long mx = b.width() / 5, my = b.height() / 5;
  long l = std::max(0L, b.left - mx), t = std::max(0L, b.top - my);
  long r = std::min<long>(cols, b.right + 1 + mx), btm = std::min<long>(rows, b.bottom + 1 + my);
  return {int(l), int(t), int(std::max(1L, r - l)), int(std::max(1L, btm - t))};
}

const cv::Scalar kMontageGrey(235, 235, 235);

// Faces as a grid about as tall as it is wide (at most `max_cols` across), so that a person's
// montage fills the square it is shown in, whether it holds 3 faces or 40, rather than a strip.
cv::Mat grid(const std::vector<cv::Mat>& tiles, int tile, std::size_t max_cols) {
  const std::size_t n = std::max<std::size_t>(1, tiles.size());
  std::size_t cols = std::min(max_cols, static_cast<std::size_t>(std::ceil(std::sqrt(double(n)))));
  std::size_t rows = (n + cols - 1) / cols;
  cv::Mat canvas(int(rows * tile), int(cols * tile), CV_8UC3, kMontageGrey);
  for (std::size_t i = 0; i < tiles.size(); ++i)
    if (!tiles[i].empty()) tiles[i].copyTo(canvas(cv::Rect(int(i % cols) * tile, int(i / cols) * tile, tile, tile)));
  return canvas;
}

constexpr int kCell = 250;  // montage-final: each cluster's montage fitted into 240 px, framed by 5

cv::Mat framed_cell(const cv::Mat& montage, const std::string& caption) {
  cv::Mat cell(kCell, kCell, CV_8UC3, kMontageGrey), fitted;
  double s = std::min(240.0 / montage.cols, 220.0 / montage.rows);
  cv::resize(montage, fitted, {}, s, s, cv::INTER_AREA);
  fitted.copyTo(cell(cv::Rect((kCell - fitted.cols) / 2, 5 + (220 - fitted.rows) / 2, fitted.cols, fitted.rows)));
  cv::rectangle(cell, {0, 0, kCell, kCell}, {120, 120, 120}, 5);
  cv::putText(cell, ascii_text(caption), {10, kCell - 10}, cv::FONT_HERSHEY_SIMPLEX, 0.5, {0, 0, 0}, 1, cv::LINE_AA);
  return cell;
}

// Faces of each cluster in broadcast order.
std::map<int, std::vector<std::size_t>> members_of(const Network& net) {
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < net.faces.size(); ++i)
    if (net.labels[i] >= 0) members[net.labels[i]].push_back(i);
  return members;
}

// Which faces become montage tiles: up to max_tiles per cluster, evenly spread.
std::vector<char> montage_tiles(const Network& net, std::size_t max_tiles) {
  std::vector<char> wants(net.faces.size(), 0);
  for (const auto& [label, idx] : members_of(net)) {
    std::size_t k = std::min(idx.size(), max_tiles);
    for (std::size_t j = 0; j < k; ++j) wants[idx[j * idx.size() / k]] = 1;
  }
  return wants;
}

// Renames the crops an earlier run wrote to their faces' new labels; removes the others (of faces
// gone, or no output shows now). Returns which faces have a crop already.
std::vector<char> reuse_crops(const fs::path& out, const Network& net, const std::vector<std::string>& paths) {
  std::map<std::int64_t, std::size_t> face_index;
  for (std::size_t i = 0; i < net.faces.size(); ++i) face_index[net.faces[i].id] = i;
  std::vector<char> have(net.faces.size(), 0);
  for (const auto& e : fs::directory_iterator(out / "faces")) {
    std::string name = e.path().stem().string();  // <label>-<face id>
    auto dash = name.rfind('-');
    auto it = dash == std::string::npos ? face_index.end() : face_index.find(std::atoll(name.c_str() + dash + 1));
    std::error_code ec;
    if (it == face_index.end() || e.path().extension() != ".jpg" || have[it->second] || paths[it->second].empty()) {
      fs::remove(e.path(), ec);
      continue;
    }
    if (e.path() != out / paths[it->second]) fs::rename(e.path(), out / paths[it->second], ec);
    have[it->second] = !ec;
  }
  return have;
}

void make_folder(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ExitCode::output, fmt::format("The folder {} cannot be created ({}).", dir.string(), ec.message()));
}

}  // namespace

FaceCrops write_face_crops(const fs::path& out, const Network& net, const FaceImageOptions& opt) {
  make_folder(out / "faces");
  const std::size_t n = net.faces.size();
  FaceCrops crops;
  crops.sharpness.assign(n, 0.0);
  crops.tiles.resize(n);
  crops.montage_tile = montage_tiles(net, opt.max_tiles);
  std::vector<char> candidate(n, 0);
  if (opt.node_image_candidates)
    for (const auto& [label, faces] : *opt.node_image_candidates)
      for (std::size_t i : faces) candidate[i] = 1;
  for (std::size_t i = 0; i < n; ++i)
    crops.paths.push_back(crops.montage_tile[i] || candidate[i] ? fmt::format("faces/{}-{}.jpg", net.labels[i], net.faces[i].id) : "");
  std::vector<char> have = reuse_crops(out, net, crops.paths);

  // Sharpness and tiles always come from the crop as written (JPEG and all), so a first run and
  // a re-run choose the same node images.
  auto measure = [&](std::size_t i, const cv::Mat& crop) {
    if (crop.empty()) return;  // unreadable: no tile, least sharp
    crops.sharpness[i] = face_sharpness(crop);
    if (crops.montage_tile[i]) cv::resize(crop, crops.tiles[i], {opt.tile, opt.tile}, 0, 0, cv::INTER_AREA);
  };

  // Faces still to crop, by frame location, and those frames by broadcast.
  std::map<std::int64_t, const StoredFrame*> frame_of;
  for (const auto& f : net.frames) frame_of[f.id] = &f;
  std::map<std::string, std::vector<std::size_t>> by_location;
  std::map<std::int64_t, std::set<std::string>> wanted;
  for (std::size_t i = 0; i < n; ++i) {
    if (have[i] || crops.paths[i].empty()) continue;
    const StoredFrame* f = frame_of.at(net.faces[i].frame_id);
    by_location[f->location].push_back(i);
    wanted[f->broadcast_id].insert(f->location);
  }
  auto crop_frame = [&](const std::string& location, const cv::Mat& rgb) {
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    for (std::size_t i : by_location.at(location)) {
      std::vector<unsigned char> jpeg;
      cv::imencode(".jpg", bgr(crop_rect(net.faces[i].face.box, bgr.cols, bgr.rows)), jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
      // Written beside and renamed: a run killed mid-write leaves no half crop for the next to reuse.
      const fs::path path = out / crops.paths[i], part = path.string() + ".part";
      write_file_anew(part, std::string(jpeg.begin(), jpeg.end()), path);
      std::error_code ec;
      fs::rename(part, path, ec);
      if (ec) throw Error(ExitCode::output, fmt::format("{} cannot be written ({}); check the output folder's permissions.", path.string(), ec.message()));
      measure(i, cv::imdecode(jpeg, cv::IMREAD_COLOR));
    }
  };
  std::map<std::int64_t, const StoredBroadcast*> broadcast_of;
  for (const auto& b : net.broadcasts) broadcast_of[b.id] = &b;
  std::map<std::string, std::string> name_of;
  for (const auto& f : net.frames) name_of[f.location] = f.name;
  // One sentence per broadcast whose frames can no longer be read (a moved ZIP: all of them).
  for (const auto& [id, locations] : wanted) {
    std::set<std::string> missing = locations;
    if (opt.reader && broadcast_of.count(id)) missing = opt.reader->read(*broadcast_of.at(id), locations, opt.threads, crop_frame);
    if (missing.empty()) continue;
    std::size_t faces = 0;
    for (const auto& location : missing) {
      faces += by_location.at(location).size();
      for (std::size_t i : by_location.at(location)) crops.paths[i].clear();  // no crop: nothing may link to one
    }
    const std::string name = broadcast_of.count(id) ? broadcast_of.at(id)->name : std::to_string(id);
    std::fprintf(stderr, "warning: %zu of the %zu frames wanted from broadcast %s (first: %s) are no longer readable; %zu face crops are missing.\n",
                 missing.size(), locations.size(), name.c_str(), name_of[*missing.begin()].c_str(), faces);
  }
  parallel_for(n, opt.threads, [&](std::size_t i) {
    if (have[i]) measure(i, read_if_there(out / crops.paths[i]));
  });
  return crops;
}

void write_person_images(OutputBatch& batch, const Network& net, const FaceCrops& crops,
                         const std::map<int, std::size_t>& picks, const FaceImageOptions& opt) {
  // Montages and node images follow the clustering: the folders are replaced whole.
  batch.folder("montages");
  batch.folder("node_images");
  const std::vector<int> jpeg{cv::IMWRITE_JPEG_QUALITY, 90};
  std::map<int, std::string> image_of, caption_of;
  for (std::size_t v = 0; v < boost::num_vertices(net.graph); ++v) {
    image_of[net.graph[v].identity] = net.graph[v].image;
    caption_of[net.graph[v].identity] = net.graph[v].label();
  }

  // montage-final's cells go straight onto its canvas: a year's thousands of people held as
  // cells as well would double the largest picture castnet makes (1.2 GB more at 6,600 people).
  const auto members = members_of(net);
  const std::size_t final_columns = std::min<std::size_t>(6, members.size());  // the seed's `montage -tile 6x`
  cv::Mat final_canvas = members.empty() ? cv::Mat()
                                         : cv::Mat(int((members.size() + final_columns - 1) / final_columns) * kCell, int(final_columns) * kCell,
                                                   CV_8UC3, kMontageGrey);
  std::size_t cell = 0;
  std::vector<cv::Mat> people_tiles;
  for (const auto& [label, idx] : members) {
    std::size_t pick = picks.at(label);
    const std::string crop = crops.paths[pick].empty() ? "" : read_bytes(batch.current(crops.paths[pick]));
    if (!crop.empty()) batch.file(image_of.at(label), crop);

    std::vector<cv::Mat> cluster_tiles;
    for (std::size_t i : idx)
      if (crops.montage_tile[i]) cluster_tiles.push_back(crops.tiles[i]);
    cv::Mat montage = grid(cluster_tiles, opt.tile, 10);
    batch.image(fmt::format("montages/montage-{}.jpg", label), montage, jpeg);
    framed_cell(montage, caption_of.at(label))
        .copyTo(final_canvas(cv::Rect(int(cell % final_columns) * kCell, int(cell / final_columns) * kCell, kCell, kCell)));
    ++cell;

    // The chosen face may not be a montage tile (large clusters are sampled): read it back.
    cv::Mat t = crops.tiles[pick].clone();
    if (t.empty()) {
      cv::Mat img = crop.empty() ? cv::Mat() : cv::imdecode(std::vector<unsigned char>(crop.begin(), crop.end()), cv::IMREAD_COLOR);
      t = cv::Mat(opt.tile, opt.tile, CV_8UC3, cv::Scalar(0, 0, 0));
      if (!img.empty()) cv::resize(img, t, {opt.tile, opt.tile}, 0, 0, cv::INTER_AREA);
    }
    cv::putText(t, std::to_string(label), {4, opt.tile - 6}, cv::FONT_HERSHEY_SIMPLEX, 0.5, {0, 0, 0}, 3);
    cv::putText(t, std::to_string(label), {4, opt.tile - 6}, cv::FONT_HERSHEY_SIMPLEX, 0.5, {255, 255, 255}, 1);
    people_tiles.push_back(t);
  }
  batch.image("montages/montage-all.jpg", grid(people_tiles, opt.tile, 10), jpeg);
  // The seed's `montage -tile 6x -frame 5` of every cluster montage, in OpenCV.
  if (members.empty()) batch.remove("montage-final.png");  // no people now: the earlier montage is stale
  else batch.image("montage-final.png", final_canvas);
}

}  // namespace castnet::formats
