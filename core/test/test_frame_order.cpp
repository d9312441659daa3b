#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/sdk/frame_names.hpp"
#include "castnet/core/image_file.hpp"
#include "castnet/core/inputs.hpp"
#include "castnet/sdk/errors.hpp"
#include "support.hpp"

namespace castnet {
namespace {

TEST(FrameOrder, VisualExplorerNumberBeforeExtension) {
  auto order = order_frame_names({"RUSSIA1_20230313_083000_60_minut-000010.jpg", "RUSSIA1_20230313_083000_60_minut-000009.jpg",
                                  "RUSSIA1_20230313_083000_60_minut-000123.jpg"});
  EXPECT_EQ(order, (std::vector<std::string>{"RUSSIA1_20230313_083000_60_minut-000009.jpg",
                                             "RUSSIA1_20230313_083000_60_minut-000010.jpg",
                                             "RUSSIA1_20230313_083000_60_minut-000123.jpg"}));
}

TEST(FrameOrder, UnpaddedNumbersStillPlayInOrder) {
  EXPECT_EQ(order_frame_names({"f-10.jpg", "f-9.jpg", "f-100.jpg"}), (std::vector<std::string>{"f-9.jpg", "f-10.jpg", "f-100.jpg"}));
}

TEST(FrameOrder, FallsBackToSortedNames) {
  EXPECT_EQ(order_frame_names({"b.jpg", "a-2.jpg", "c.png"}), (std::vector<std::string>{"a-2.jpg", "b.jpg", "c.png"}));
}

TEST(FrameSource, MissingAndEmptyFoldersAreInputErrors) {
  auto dir = std::filesystem::temp_directory_path() / "castnet_empty_frames";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "notes.txt") << "not a frame";
  for (auto path : {dir, dir / "missing"}) {
    try {
      open_input(test::registry(), {}, path);
      FAIL() << "expected an error for " << path;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::input);
    }
  }
}

TEST(Decode, RefusesEmptyTextAndTruncatedJpeg) {
  std::string error;
  EXPECT_TRUE(decode_rgb({}, error).empty());
  EXPECT_EQ(error, "empty file");
  std::vector<unsigned char> text{'h', 'e', 'l', 'l', 'o'};
  EXPECT_TRUE(decode_rgb(text, error).empty());
  std::vector<unsigned char> jpeg_head{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10};
  EXPECT_TRUE(decode_rgb(jpeg_head, error).empty());
  EXPECT_NE(error.find("truncated"), std::string::npos);
}

TEST(Decode, WebPPngBmpAreReadAndNothingReachesOpenCVsOtherReaders) {
  cv::Mat bgr(48, 64, CV_8UC3);
  cv::randu(bgr, 0, 255);
  cv::Mat expected;
  cv::cvtColor(bgr, expected, cv::COLOR_BGR2RGB);
  std::string error;
  for (std::string ext : {".webp", ".png", ".bmp"}) {  // the lossless formats a frame source lists
    std::vector<unsigned char> bytes;
    ASSERT_TRUE(cv::imencode(ext, bgr, bytes, {cv::IMWRITE_WEBP_QUALITY, 101}));  // 101: lossless WebP
    cv::Mat rgb = decode_rgb(bytes, error);
    ASSERT_EQ(error, "") << ext;
    EXPECT_EQ(cv::norm(rgb, expected, cv::NORM_INF), 0) << ext;
  }
  // A WebP header libwebp rejects, with DICOM's tag at byte 128: OpenCV would hand it to GDCM,
  // which aborts the process (scripts/fuzz found it); a GIF, which OpenCV 4.6 cannot read, too.
  for (std::string head : {std::string("RIFF\x04\0\0\0WEBPVP8L", 16), std::string("GIF89a\x10\0\x10\0", 10)}) {
    std::vector<unsigned char> bytes(head.begin(), head.end());
    bytes.resize(200, 0);
    std::copy_n("DICM", 4, bytes.begin() + 128);
    error.clear();
    EXPECT_TRUE(decode_rgb(bytes, error).empty());
    EXPECT_NE(error.find("not a readable image"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace castnet
