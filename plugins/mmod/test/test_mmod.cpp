// mmod against face_recognition's model="cnn" (reference/face_recognition/cnn_boxes.csv): the same
// boxes and confidences. Kept to small images (the CNN takes ~2 s per 640x360 frame here); every
// image checked is under max_pixels, so no scaling is involved.
#include <map>

#include "castnet/core/image_file.hpp"
#include "castnet/sdk/plugin.hpp"
#include "support.hpp"

namespace castnet {
namespace {

TEST(MmodParity, SameBoxesAndConfidencesOnSmallImages) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto csv = test::read_csv(test::shared_dir() / "reference/face_recognition/cnn_boxes.csv");
  std::map<std::string, std::vector<Face>> ref;
  int top = csv.col("top"), conf = csv.col("confidence");
  for (const auto& r : csv.rows)
    ref[r[0]].push_back({{std::stol(r[top + 3]), std::stol(r[top]), std::stol(r[top + 1]), std::stol(r[top + 2])}, std::stod(r[conf]), {}});
  const std::vector<std::string> images = {
      "frames/hamilton_360/SHOW_20230313_083000_demo-000001.jpg",  // two faces, one small and dark
      "frames/hamilton_360/SHOW_20230313_083000_demo-000030.jpg",
      "frames/hamilton_360/SHOW_20230313_083000_demo-000060.jpg",
      "faces/bbt_amy/fa_amy1.png",
      "faces/bbt_amy/fa_amy3.png",  // a box beyond the image top, trimmed as face_recognition trims
  };
  auto det = test::registry().create<Detector>(PluginKind::detector, parse_stage_spec("mmod"), {default_models_dir()});
  std::size_t checked = 0;
  for (const auto& image : images) {
    std::string error;
    auto bytes = test::slurp(test::shared_dir() / "data" / image);
    cv::Mat rgb = decode_rgb({bytes.begin(), bytes.end()}, error);
    ASSERT_FALSE(rgb.empty()) << image << ": " << error;
    auto faces = det->detect(rgb);
    const auto& expected = ref[image];
    ASSERT_EQ(faces.size(), expected.size()) << image;
    for (std::size_t k = 0; k < faces.size(); ++k) {
      const Box &a = faces[k].box, &b = expected[k].box;
      EXPECT_TRUE(a.left == b.left && a.top == b.top && a.right == b.right && a.bottom == b.bottom)
          << image << " face " << k << ": got " << a.left << "," << a.top << "," << a.right << "," << a.bottom;
      EXPECT_NEAR(faces[k].score, expected[k].score, 1e-4) << image << " face " << k;
      ++checked;
    }
  }
  EXPECT_GE(checked, 5u);
}

}  // namespace
}  // namespace castnet
