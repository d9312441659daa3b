// dlib-hog + dlib-resnet against face_recognition 1.4 (reference/face_recognition/hog_encodings.csv):
// the same boxes, the same 5-point landmarks, and encodings within 1e-4 (L2) for every face of
// the 152 images, and no face where the reference has none.
#include <cmath>
#include <map>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "castnet/core/image_file.hpp"
#include "castnet/sdk/neighbors.hpp"
#include "castnet/sdk/plugin.hpp"
#include "support.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

struct RefFace {
  Box box;
  std::vector<Point> landmarks;
  std::vector<float> encoding;
};

// Images in the reference's order and scope: sorted relative paths with these extensions.
std::vector<std::string> reference_images() {
  std::vector<std::string> out;
  for (const char* set : {"faces", "group", "frames/hamilton_360"}) {
    fs::path root = test::shared_dir() / "data" / set;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".gif" || ext == ".webp"))
        out.push_back(fs::relative(e.path(), test::shared_dir() / "data").string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One test over every reference image, read top to bottom: load, detect, embed, compare; it is
// long because it reports each kind of mismatch with the image it happened on.
TEST(FaceRecognitionParity, SameBoxesLandmarksAndEncodings) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto csv = test::read_csv(test::shared_dir() / "reference/face_recognition/hog_encodings.csv");
  std::map<std::string, std::vector<RefFace>> ref;
  int top = csv.col("top"), e0 = csv.col("e0"), lm0 = csv.col("lm0_x");
  for (const auto& r : csv.rows) {
    RefFace f;
    // css order (top, right, bottom, left) -> our box
    f.box = {std::stol(r[top + 3]), std::stol(r[top]), std::stol(r[top + 1]), std::stol(r[top + 2])};
    for (int k = 0; k < 5; ++k) f.landmarks.push_back({std::stol(r[lm0 + 2 * k]), std::stol(r[lm0 + 2 * k + 1])});
    for (int d = 0; d < 128; ++d) f.encoding.push_back(std::stof(r[e0 + d]));
    ref[r[0]].push_back(std::move(f));
  }
  auto images = reference_images();
  ASSERT_EQ(images.size(), 152u);

  // One detector and embedder per worker, as the pipeline runs them.
  const int threads = 2;
  std::vector<std::shared_ptr<Detector>> dets;
  std::vector<std::shared_ptr<Embedder>> embs;
  PluginContext ctx{default_models_dir()};
  for (int t = 0; t < threads; ++t) {
    dets.push_back(test::registry().create<Detector>(PluginKind::detector, parse_stage_spec("dlib-hog"), ctx));
    embs.push_back(test::registry().create<Embedder>(PluginKind::embedder, parse_stage_spec("dlib-resnet"), ctx));
  }
  std::mutex mu;
  std::map<std::string, std::vector<Face>> got_faces;
  std::map<std::string, std::vector<std::vector<float>>> got_enc;
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i; (i = next++) < int(images.size());) {
        std::string error;
        auto bytes = test::slurp(test::shared_dir() / "data" / images[i]);
        cv::Mat rgb = decode_rgb({bytes.begin(), bytes.end()}, error);
        std::vector<Face> faces;
        std::vector<std::vector<float>> enc;
        if (!rgb.empty()) {
          faces = dets[t]->detect(rgb);
          if (!faces.empty()) enc = embs[t]->embed(rgb, faces);
        }
        std::lock_guard lock(mu);
        got_faces[images[i]] = faces;
        got_enc[images[i]] = enc;
      }
    });
  for (auto& th : pool) th.join();

  std::size_t faces_checked = 0;
  double worst = 0;
  for (const auto& image : images) {
    const auto& expected = ref[image];  // empty where face_recognition found no face
    const auto& faces = got_faces[image];
    ASSERT_EQ(faces.size(), expected.size()) << image;
    for (std::size_t k = 0; k < faces.size(); ++k) {
      const Box& a = faces[k].box;
      const Box& b = expected[k].box;
      EXPECT_TRUE(a.left == b.left && a.top == b.top && a.right == b.right && a.bottom == b.bottom)
          << image << " face " << k << ": got " << a.left << "," << a.top << "," << a.right << "," << a.bottom << " expected "
          << b.left << "," << b.top << "," << b.right << "," << b.bottom;
      ASSERT_EQ(faces[k].landmarks.size(), 5u);
      for (int p = 0; p < 5; ++p) {
        EXPECT_EQ(faces[k].landmarks[p].x, expected[k].landmarks[p].x) << image << " face " << k << " landmark " << p;
        EXPECT_EQ(faces[k].landmarks[p].y, expected[k].landmarks[p].y) << image << " face " << k << " landmark " << p;
      }
      double l2 = distance(got_enc[image][k].data(), expected[k].encoding.data(), 128, Metric::euclidean);
      EXPECT_LT(l2, 1e-4) << image << " face " << k;
      worst = std::max(worst, l2);
      ++faces_checked;
    }
  }
  EXPECT_EQ(faces_checked, 224u);
  std::printf("checked %zu faces; largest L2 distance to face_recognition's encoding: %.3g\n", faces_checked, worst);
}

}  // namespace
}  // namespace castnet
