#include "castnet/formats/face_images.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/errors.hpp"
#include "castnet/neighbors.hpp"

namespace castnet::formats {

namespace fs = std::filesystem;

const char* describe(NodeImageRule r) {
  return r == NodeImageRule::largest ? "largest: the largest face of each person (the seed's rule)"
                                     : "best: the sharpest of the large faces nearest each person's cluster centre";
}

namespace {

// A little context around the box reads better as a node picture than the tight detector box.
cv::Rect crop_rect(const Box& b, int cols, int rows) {
  long mx = b.width() / 5, my = b.height() / 5;
  long l = std::max(0L, b.left - mx), t = std::max(0L, b.top - my);
  long r = std::min<long>(cols, b.right + 1 + mx), btm = std::min<long>(rows, b.bottom + 1 + my);
  return {int(l), int(t), int(std::max(1L, r - l)), int(std::max(1L, btm - t))};
}

// Variance of the Laplacian on a fixed-size grey copy: a standard focus measure, made
// comparable across face sizes by the resize.
double sharpness(const cv::Mat& bgr) {
  cv::Mat grey, small, lap;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::resize(grey, small, {96, 96}, 0, 0, cv::INTER_AREA);
  cv::Laplacian(small, lap, CV_64F);
  cv::Scalar mean, dev;
  cv::meanStdDev(lap, mean, dev);
  return dev[0] * dev[0];
}

void write_jpeg(const fs::path& path, const cv::Mat& bgr) {
  if (!cv::imwrite(path.string(), bgr, {cv::IMWRITE_JPEG_QUALITY, 90}))
    throw Error(ExitCode::output, fmt::format("{} cannot be written; check the output folder's space and permissions.", path.string()));
}

cv::Mat grid(const std::vector<cv::Mat>& tiles, int tile, std::size_t max_cols) {
  std::size_t cols = std::min(max_cols, std::max<std::size_t>(1, tiles.size()));
  std::size_t rows = (tiles.size() + cols - 1) / cols;
  cv::Mat canvas(int(std::max<std::size_t>(rows, 1) * tile), int(cols * tile), CV_8UC3, cv::Scalar(0, 0, 0));
  for (std::size_t i = 0; i < tiles.size(); ++i)
    if (!tiles[i].empty()) tiles[i].copyTo(canvas(cv::Rect(int(i % cols) * tile, int(i / cols) * tile, tile, tile)));
  return canvas;
}

constexpr int kCell = 250;  // montage-final: each cluster's montage fitted into 240 px, framed by 5

cv::Mat framed_cell(const cv::Mat& montage, int label) {
  cv::Mat cell(kCell, kCell, CV_8UC3, cv::Scalar(235, 235, 235)), fitted;
  double s = std::min(240.0 / montage.cols, 220.0 / montage.rows);
  cv::resize(montage, fitted, {}, s, s, cv::INTER_AREA);
  fitted.copyTo(cell(cv::Rect((kCell - fitted.cols) / 2, 5, fitted.cols, fitted.rows)));
  cv::rectangle(cell, {0, 0, kCell, kCell}, {120, 120, 120}, 5);
  cv::putText(cell, fmt::format("person {}", label), {10, kCell - 10}, cv::FONT_HERSHEY_SIMPLEX, 0.5, {0, 0, 0}, 1, cv::LINE_AA);
  return cell;
}

}  // namespace

FaceImages write_face_images(const fs::path& out, Network& net, const FaceImageOptions& opt) {
  for (const char* d : {"faces", "montages", "node_images"}) fs::create_directories(out / d);
  // Montages and node images follow the clustering: an earlier run's are stale.
  for (const char* d : {"montages", "node_images"})
    for (const auto& e : fs::directory_iterator(out / d)) fs::remove(e.path());
  const std::size_t n = net.faces.size();
  FaceImages result;
  result.crops.resize(n);
  for (std::size_t i = 0; i < n; ++i) result.crops[i] = fmt::format("faces/{}-{}.jpg", net.labels[i], net.faces[i].id);

  // Faces of each cluster in broadcast order; which of them become montage tiles.
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < n; ++i)
    if (net.labels[i] >= 0) members[net.labels[i]].push_back(i);
  std::vector<char> wants_tile(n, 0);
  for (auto& [label, idx] : members) {
    std::size_t k = std::min(idx.size(), opt.max_tiles);
    for (std::size_t j = 0; j < k; ++j) wants_tile[idx[j * idx.size() / k]] = 1;
  }

  // Crops depend on the faces, not on the clustering: a crop an earlier run wrote is renamed to
  // its face's new label and read back, so `castnet graph` decodes only frames with new faces.
  // Crops of faces that are not in this network (another detector's) are removed.
  std::map<std::int64_t, std::size_t> face_index;
  for (std::size_t i = 0; i < n; ++i) face_index[net.faces[i].id] = i;
  std::vector<char> have_crop(n, 0);
  for (const auto& e : fs::directory_iterator(out / "faces")) {
    std::string name = e.path().stem().string();  // <label>-<face id>
    auto dash = name.rfind('-');
    auto it = dash == std::string::npos ? face_index.end() : face_index.find(std::atoll(name.c_str() + dash + 1));
    std::error_code ec;
    if (it == face_index.end() || e.path().extension() != ".jpg" || have_crop[it->second]) {
      fs::remove(e.path(), ec);
      continue;
    }
    if (e.path() != out / result.crops[it->second]) fs::rename(e.path(), out / result.crops[it->second], ec);
    have_crop[it->second] = !ec;
  }

  std::map<std::int64_t, std::vector<std::size_t>> by_frame;  // faces still to crop, by frame
  for (std::size_t i = 0; i < n; ++i)
    if (!have_crop[i]) by_frame[net.faces[i].frame_id].push_back(i);
  std::map<std::int64_t, const StoredFrame*> frame_of;
  for (const auto& f : net.frames) frame_of[f.id] = &f;
  std::vector<std::pair<const StoredFrame*, const std::vector<std::size_t>*>> jobs;
  for (const auto& [id, idx] : by_frame) jobs.emplace_back(frame_of.at(id), &idx);

  // Sharpness and tiles always come from the crop as written (JPEG and all), so a first run and
  // a re-run choose the same node images.
  std::vector<double> sharp(n, 0.0);
  std::vector<cv::Mat> tiles(n);
  auto measure = [&](std::size_t i, const cv::Mat& crop) {
    if (crop.empty()) return;  // unreadable: no tile, least sharp
    sharp[i] = sharpness(crop);
    if (wants_tile[i]) cv::resize(crop, tiles[i], {opt.tile, opt.tile}, 0, 0, cv::INTER_AREA);
  };
  std::vector<char> missing(jobs.size(), 0);
  parallel_for(jobs.size(), opt.threads, [&](std::size_t j) {
    cv::Mat rgb = load_image_file(jobs[j].first->location).rgb, bgr;
    if (rgb.empty()) {
      missing[j] = 1;
      return;
    }
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    for (std::size_t i : *jobs[j].second) {
      std::vector<unsigned char> jpeg;
      cv::imencode(".jpg", bgr(crop_rect(net.faces[i].face.box, bgr.cols, bgr.rows)), jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
      std::ofstream file(out / result.crops[i], std::ios::binary);
      file.write(reinterpret_cast<const char*>(jpeg.data()), std::streamsize(jpeg.size()));
      if (!file)
        throw Error(ExitCode::output, fmt::format("{} cannot be written; check the output folder's space and permissions.",
                                                  (out / result.crops[i]).string()));
      measure(i, cv::imdecode(jpeg, cv::IMREAD_COLOR));
    }
  });
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (missing[j])
      std::fprintf(stderr, "warning: frame %s is no longer readable; its face crops are missing.\n",
                   jobs[j].first->name.c_str());
  parallel_for(n, opt.threads, [&](std::size_t i) {
    if (have_crop[i]) measure(i, cv::imread((out / result.crops[i]).string(), cv::IMREAD_COLOR));
  });

  std::map<int, std::string> node_image;
  std::vector<cv::Mat> people_tiles, final_cells;
  for (auto& [label, idx] : members) {
    std::size_t pick = idx.front();
    long max_area = 0;
    for (std::size_t i : idx) {
      long a = net.faces[i].face.box.area();
      if (a > max_area) max_area = a, pick = i;
    }
    if (opt.node_image == NodeImageRule::best && net.embeddings.dim) {
      const std::size_t dim = net.embeddings.dim;
      std::vector<double> centre(dim, 0.0);
      for (std::size_t i : idx)
        for (std::size_t d = 0; d < dim; ++d) centre[d] += net.embeddings.row(i)[d] / double(idx.size());
      std::vector<std::pair<double, std::size_t>> near;  // large faces by distance to the centre
      for (std::size_t i : idx)
        if (2 * net.faces[i].face.box.area() >= max_area)
          near.emplace_back(distance(net.embeddings.row(i), centre.data(), dim, net.embeddings.metric), i);
      std::sort(near.begin(), near.end());
      near.resize(std::min<std::size_t>(near.size(), 5));
      pick = near.front().second;
      for (auto& [dist, i] : near)
        if (sharp[i] > sharp[pick]) pick = i;
    }
    std::string rel = fmt::format("node_images/{}.jpg", label);
    std::error_code ec;
    fs::copy_file(out / result.crops[pick], out / rel, fs::copy_options::overwrite_existing, ec);
    node_image[label] = rel;

    std::vector<cv::Mat> cluster_tiles;
    for (std::size_t i : idx)
      if (wants_tile[i]) cluster_tiles.push_back(tiles[i]);
    cv::Mat montage = grid(cluster_tiles, opt.tile, 10);
    write_jpeg(out / fmt::format("montages/montage-{}.jpg", label), montage);
    final_cells.push_back(framed_cell(montage, label));

    // The chosen face may not be a montage tile (large clusters are sampled): read it back.
    cv::Mat t = tiles[pick].clone();
    if (t.empty()) {
      cv::Mat img = cv::imread((out / rel).string());
      t = cv::Mat(opt.tile, opt.tile, CV_8UC3, cv::Scalar(0, 0, 0));
      if (!img.empty()) cv::resize(img, t, {opt.tile, opt.tile}, 0, 0, cv::INTER_AREA);
    }
    cv::putText(t, std::to_string(label), {4, opt.tile - 6}, cv::FONT_HERSHEY_SIMPLEX, 0.5, {0, 0, 0}, 3);
    cv::putText(t, std::to_string(label), {4, opt.tile - 6}, cv::FONT_HERSHEY_SIMPLEX, 0.5, {255, 255, 255}, 1);
    people_tiles.push_back(t);
  }
  write_jpeg(out / "montages/montage-all.jpg", grid(people_tiles, opt.tile, 10));
  // The seed's `montage -tile 6x -frame 5` of every cluster montage, in OpenCV.
  if (!final_cells.empty() && !cv::imwrite((out / "montage-final.png").string(), grid(final_cells, kCell, 6)))
    throw Error(ExitCode::output, fmt::format("{} cannot be written.", (out / "montage-final.png").string()));

  for (std::size_t v = 0; v < boost::num_vertices(net.graph); ++v) net.graph[v].image = node_image[net.graph[v].identity];
  return result;
}

}  // namespace castnet::formats
