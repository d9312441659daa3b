// The archive in: Visual Explorer ZIPs and videos read in place, many broadcasts in one store.
// Every ZIP and video is made at test time from ../shared's frames; nothing binary is committed.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "castnet/core/store.hpp"
#include "cli.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

fs::path frames() { return test::shared_dir() / "data/frames/hamilton_360"; }
fs::path frame(int n) { return frames() / fmt::format("SHOW_20230313_083000_demo-{:06d}.jpg", n); }

// A ZIP of Hamilton frames first..last (stored at the archive's root), plus extra members as
// name -> text. Python's zipfile writes it: Debian's python3 is a test dependency already.
// Python's string literal, enough for paths and short texts.
std::string py(const std::string& s) { return "'" + s + "'"; }

// Members are named as the Visual Explorer names a broadcast's frames: the ZIP's name, then the
// frame's number (the Hamilton names, for a ZIP named after them).
fs::path make_zip(const fs::path& zip, int first, int last, const std::map<std::string, std::string>& extra = {}) {
  std::string script = "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],'w')\n";
  for (int n = first; n <= last; ++n)
    script += fmt::format("z.write({}, {})\n", py(frame(n).string()), py(fmt::format("{}-{:06d}.jpg", zip.stem().string(), n)));
  for (const auto& [name, text] : extra) script += fmt::format("z.writestr({}, {})\n", py(name), py(text));
  script += "z.close()\n";
  std::ofstream(zip.string() + ".py") << script;
  EXPECT_EQ(test::run(fmt::format("{} {}.py {}", test::python(), zip.string(), zip.string())), 0);
  return zip;
}

class Archive : public ::testing::Test {
 protected:
  void SetUp() override {
    CASTNET_REQUIRE_SHARED();
    CASTNET_REQUIRE_MODELS();
    dir_ = test::temp_dir("archive");
  }
  fs::path dir_;
};

TEST_F(Archive, AZipGivesTheSameFacesAndGraphAsTheFolder) {
  auto zip = make_zip(dir_ / "SHOW_20230313_083000_demo.zip", 1, 60);
  auto a = test::castnet_cli(fmt::format("run {} -o {}/folder --quiet", frames().string(), dir_.string()));
  ASSERT_EQ(a.code, 0) << a.output;
  auto b = test::castnet_cli(fmt::format("run {} -o {}/zip --quiet", zip.string(), dir_.string()));
  ASSERT_EQ(b.code, 0) << b.output;
  for (const char* f : {"faces.csv", "edges.csv", "nodes.csv", "graph.gexf", "cluster.txt"})
    EXPECT_EQ(test::slurp(dir_ / "folder" / f), test::slurp(dir_ / "zip" / f)) << f;
  EXPECT_EQ(test::run(fmt::format("ls {}/zip/faces | grep -q jpg", dir_.string())), 0) << "crops read back from the ZIP";
}

TEST_F(Archive, AVideoSampledEverySecondGivesTheSameFaces) {
  // 1 frame per second, MJPEG at the highest quality: each second of video is one Hamilton frame.
  const std::vector<int> picked = {1, 5, 9, 22, 30, 35, 40, 47, 48, 50, 53, 55};
  fs::create_directories(dir_ / "frames");
  cv::VideoWriter writer;
  for (int n : picked) {
    cv::Mat img = cv::imread(frame(n).string());
    if (!writer.isOpened()) {
      // OpenCV's own MJPEG writer takes a quality; FFmpeg then reads the file as any AVI.
      writer.open((dir_ / "clip.avi").string(), cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 1.0, img.size(),
                  {cv::VIDEOWRITER_PROP_QUALITY, 100});
      ASSERT_TRUE(writer.isOpened()) << "OpenCV cannot write MJPEG video here";
    }
    writer.write(img);
    fs::copy_file(frame(n), dir_ / "frames" / frame(n).filename());
  }
  writer.release();
  // The seed's detector: the default also keeps faces whose score is within a hair of its
  // threshold (the pianist far off in frames 1 and 5), which MJPEG's re-encoding may tip either way.
  auto a = test::castnet_cli(fmt::format("extract {0}/frames -o {0}/from-frames --quiet --preset seed", dir_.string()));
  ASSERT_EQ(a.code, 0) << a.output;
  auto v = test::castnet_cli(fmt::format("extract {0}/clip.avi -o {0}/from-video --quiet --preset seed --source video:interval=1", dir_.string()));
  ASSERT_EQ(v.code, 0) << v.output;
  EXPECT_NE(v.output.find("12 frames (0 done before)"), std::string::npos) << v.output;
  auto faces_a = FaceStore(dir_ / "from-frames/castnet.sqlite").faces(test::kSeedDetector);
  FaceStore video(dir_ / "from-video/castnet.sqlite");
  auto faces_v = video.faces(test::kSeedDetector);
  ASSERT_EQ(faces_a.size(), faces_v.size()) << "the same faces, frame by frame";
  auto frames_v = video.frames();
  ASSERT_EQ(frames_v.size(), picked.size());
  for (std::size_t i = 0; i < frames_v.size(); ++i) {
    ASSERT_TRUE(frames_v[i].seconds) << "video frames carry the stream's time";
    EXPECT_NEAR(*frames_v[i].seconds, double(i), 0.01);
  }
  for (std::size_t i = 0; i < faces_a.size(); ++i) {
    // MJPEG re-encodes the pixels, and HOG's boxes move in steps of its cells: the same face,
    // maybe a step off.
    const Box &a = faces_a[i].face.box, &v = faces_v[i].face.box;
    long w = std::min(a.right, v.right) - std::max(a.left, v.left) + 1, h = std::min(a.bottom, v.bottom) - std::max(a.top, v.top) + 1;
    double overlap = w > 0 && h > 0 ? double(w * h) / double(a.area() + v.area() - w * h) : 0.0;
    EXPECT_GT(overlap, 0.6) << "face " << i << " of the frames and of the video do not overlap";
  }
}

TEST_F(Archive, BroadcastsShareOneNetworkAndNeverLinkAcrossTheirBoundary) {
  // To the seed's detector the singer is on screen until frame 47, the pianist from 48 (the default
  // also sees him far off in the wide shots): one broadcast links them (window 1, min_count 1),
  // two broadcasts cut between 47 and 48 must not.
  const std::string stages = "--preset seed --cluster dbscan:eps=0.5,min_samples=3 --edges cooccurrence:min_count=1 --quiet";
  auto whole = make_zip(dir_ / "SHOW_20230313_083000_demo.zip", 1, 60);
  auto one = test::castnet_cli(fmt::format("run {} -o {}/one {}", whole.string(), dir_.string(), stages));
  ASSERT_EQ(one.code, 0) << one.output;
  ASSERT_EQ(test::read_csv(dir_ / "one/edges.csv").rows.size(), 1u) << "singer and pianist meet at frames 47-48";

  auto a = make_zip(dir_ / "SHOWA_20230313_083000_demo.zip", 1, 47);
  auto b = make_zip(dir_ / "SHOWB_20230313_090000_demo.zip", 48, 60);
  auto two = test::castnet_cli(fmt::format("run {} {} -o {}/two {}", a.string(), b.string(), dir_.string(), stages));
  ASSERT_EQ(two.code, 0) << two.output;
  EXPECT_NE(two.output.find("extract: broadcast 2/2 SHOWB_20230313_090000_demo: 13 frames"), std::string::npos) << two.output;
  EXPECT_EQ(test::read_csv(dir_ / "two/nodes.csv").rows.size(), 2u);
  EXPECT_TRUE(test::read_csv(dir_ / "two/edges.csv").rows.empty()) << "an edge across the broadcasts' boundary";

  // A third broadcast with the singer again: only it is extracted, and the singer stays one
  // person, seen in two broadcasts.
  auto c = make_zip(dir_ / "SHOWC_20230314_083000_demo.zip", 40, 47);
  std::ofstream(dir_ / "year.txt") << a.filename().string() << "\n# a comment\n" << b.filename().string() << "\n" << c.filename().string() << "\n";
  auto three = test::castnet_cli(fmt::format("run {}/year.txt -o {}/two {} --per-broadcast", dir_.string(), dir_.string(), stages));
  ASSERT_EQ(three.code, 0) << three.output;
  EXPECT_NE(three.output.find("broadcast 1/3 SHOWA_20230313_083000_demo: 47 frames (47 done before), 0 faces"), std::string::npos) << three.output;
  EXPECT_NE(three.output.find("broadcast 3/3 SHOWC_20230314_083000_demo: 8 frames (0 done before)"), std::string::npos) << three.output;
  EXPECT_EQ(test::read_csv(dir_ / "two/nodes.csv").rows.size(), 2u) << "one node per person across broadcasts";
  std::string gexf = test::slurp(dir_ / "two/graph.gexf");
  EXPECT_NE(gexf.find("<attvalue for=\"broadcasts\" value=\"2\""), std::string::npos) << "the singer is in two broadcasts";
  std::string dynamic = test::slurp(dir_ / "two/graph-dynamic.gexf");
  EXPECT_NE(dynamic.find("start=\"2023-03-14T08:32:40Z\""), std::string::npos)
      << "the year's time axis: the third broadcast's frame 40 on its own day";
  EXPECT_NE(dynamic.find("start=\"2023-03-13T08:30:04Z\""), std::string::npos) << "the first broadcast's frame 1";
  // Each broadcast's own network, people numbered as in the whole: B holds only the pianist.
  auto pianist = test::read_csv(dir_ / "two/broadcasts/SHOWB_20230313_090000_demo/nodes.csv");
  ASSERT_EQ(pianist.rows.size(), 1u);
  auto all = test::read_csv(dir_ / "two/nodes.csv");
  EXPECT_TRUE(pianist.rows[0][0] == all.rows[0][0] || pianist.rows[0][0] == all.rows[1][0]);
  EXPECT_TRUE(fs::exists(dir_ / "two/broadcasts/SHOWC_20230314_083000_demo/graph.gexf"));
}

TEST_F(Archive, BadArchivesAndVideosSayWhatIsWrongAndTheRestFinish) {
  auto good = make_zip(dir_ / "SHOW_20230313_083000_demo.zip", 30, 35);
  std::ofstream(dir_ / "random.zip") << std::string(4096, 'x');
  auto whole = test::slurp(good);
  std::ofstream(dir_ / "truncated.zip", std::ios::binary) << whole.substr(0, whole.size() / 2);
  make_zip(dir_ / "notes.zip", 1, 0, {{"readme.txt", "no frames here"}});
  std::ofstream(dir_ / "empty.mp4").close();
  std::ofstream(dir_ / "noise.mp4") << std::string(8192, '\x17');
  // Audio only: a WAV file, which FFmpeg opens but which has no video stream.
  test::run(fmt::format("{} -c \"import wave;w=wave.open('{}','wb');w.setnchannels(1);w.setsampwidth(2);w.setframerate(8000);"
                        "w.writeframes(bytes(16000));w.close()\"", test::python(), (dir_ / "audio.wav").string()));
  struct Case { std::string input, source, says; };
  for (const Case& c : {Case{"random.zip", "", "cannot be read as a ZIP of frames"}, Case{"truncated.zip", "", "cannot be read as a ZIP of frames"},
                        Case{"notes.zip", "", "holds no image files"}, Case{"empty.mp4", "", "is empty (0 bytes)"},
                        Case{"noise.mp4", "", "cannot be read as a video"}, Case{"audio.wav", "--source video", "cannot be read as a video"}}) {
    auto r = test::castnet_cli(fmt::format("extract {}/{} -o {}/bad {} --quiet", dir_.string(), c.input, dir_.string(), c.source));
    EXPECT_EQ(r.code, 3) << c.input << ": " << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << c.input << ": " << r.output;
    EXPECT_EQ(r.output.find("unexpected"), std::string::npos) << r.output;
  }
  // In a batch, the readable broadcast is extracted and networked; the run still says it failed.
  auto batch = test::castnet_cli(fmt::format("run {0}/random.zip {0}/SHOW_20230313_083000_demo.zip {0}/empty.mp4 -o {0}/batch --quiet", dir_.string()));
  EXPECT_EQ(batch.code, 3) << batch.output;
  EXPECT_NE(batch.output.find("2 of 3 inputs could not be read"), std::string::npos) << batch.output;
  EXPECT_NE(batch.output.find("6 frames (0 done before)"), std::string::npos) << batch.output;
  EXPECT_TRUE(fs::exists(dir_ / "batch/graph.gexf")) << "the others still give their network";
  // A member that climbs out of the archive is skipped, with a warning; the frames are read.
  auto escape = make_zip(dir_ / "escape.zip", 30, 31, {{"../evil-000001.jpg", "x"}});
  auto r = test::castnet_cli(fmt::format("extract {} -o {}/escape --quiet", escape.string(), dir_.string()));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("the member ../evil-000001.jpg has a path outside the archive; skipped."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 frames (0 done before)"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace castnet
