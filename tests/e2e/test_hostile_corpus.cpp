// The bad-input corpus: what a hostile or unlucky user feeds castnet, made at test time (nothing
// binary is committed). Each case asserts the exit code (docs/cli.md), the first line of the
// message, that the rows already stored are unchanged (kept, when the run goes on), that the store
// passes PRAGMA integrity_check and that every output in OUT still parses.
#include <sys/resource.h>
#include <sys/stat.h>

#include <functional>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/sdk/errors.hpp"
#include "corpus_case.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;
using test::castnet_cli;

// A real JPEG whose SOF header declares width x height.
std::string jpeg_declaring(int width, int height) {
  std::string jpeg = test::slurp(hamilton(1));
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i)
    if (static_cast<unsigned char>(jpeg[i]) == 0xFF && (static_cast<unsigned char>(jpeg[i + 1]) & 0xF0) == 0xC0 &&
        jpeg[i + 1] != '\xC4' && jpeg[i + 1] != '\xC8' && jpeg[i + 1] != '\xCC') {
      jpeg[i + 5] = char(height >> 8), jpeg[i + 6] = char(height & 0xFF);
      jpeg[i + 7] = char(width >> 8), jpeg[i + 8] = char(width & 0xFF);
      break;
    }
  return jpeg;
}

// A PNG header declaring 30000 x 30000 RGB; the pixels that would follow are never needed.
std::string png_bomb() {
  std::string png = "\x89PNG\r\n\x1a\n";
  png += std::string("\0\0\0\x0dIHDR", 8) + std::string("\0\0\x75\x30\0\0\x75\x30\x08\x02\0\0\0", 13) + std::string("\0\0\0\0", 4);
  return png + std::string(4096, '\0');
}

// A bad frame among good ones: warned about, counted, skipped; the run finishes.
Case bad_frame(const std::string& name, const std::string& file, std::function<void(const fs::path&)> make, const std::string& says) {
  return {name, [=](const fs::path& dir) {
            good_frames(dir / "frames");
            make(dir / "frames" / file);
            return run_into(dir / "frames", dir);
          },
          0, says};
}

// A frame castnet reads although it is unusual: no warning, and it is counted as read.
Case odd_but_good(const std::string& name, const std::string& file, std::function<void(const fs::path&)> make) {
  return {name, [=](const fs::path& dir) {
            good_frames(dir / "frames");
            make(dir / "frames" / file);
            return run_into(dir / "frames", dir);
          },
          0, "3 frames (0 done before), 6 faces, 0 unreadable"};  // the singer and the pianist far off
}

// A command on a copy of the golden run, expected to fail and keep every row.
Case on_golden(const std::string& name, const std::string& args, int exit, const std::string& says) {
  return {name, [=](const fs::path&) { return args; }, exit, says, true};
}

cv::Mat hamilton_pixels() { return cv::imread(hamilton(3).string(), cv::IMREAD_COLOR); }

std::vector<Case> frame_cases() {
  return {
      bad_frame("TextNamedJpg", "SHOW-000003.jpg", [](auto p) { write(p, "these are not pixels\n"); }, "is unreadable (not a readable image)"),
      bad_frame("EmptyFile", "SHOW-000003.jpg", [](auto p) { write(p, ""); }, "is unreadable (empty file)"),
      bad_frame("TruncatedJpeg", "SHOW-000003.jpg", [](auto p) { auto j = test::slurp(hamilton(3)); write(p, j.substr(0, j.size() / 2)); },
                "is unreadable (truncated JPEG"),
      bad_frame("PngBomb", "SHOW-000003.png", [](auto p) { write(p, png_bomb()); }, "is unreadable (too large: 30000x30000 pixels"),
      bad_frame("HugeJpeg", "SHOW-000003.jpg", [](auto p) { write(p, jpeg_declaring(12000, 12000)); }, "is unreadable (too large: 12000x12000 pixels"),
      bad_frame("GigabyteOfZeros", "SHOW-000003.jpg", [](auto p) { std::ofstream(p).close(); fs::resize_file(p, 1ull << 30); },
                "is unreadable (1073741824 bytes, more than a frame can be)"),
      bad_frame("RandomBytesPng", "SHOW-000003.png", [](auto p) { std::string s(5000, 0); for (std::size_t i = 0; i < s.size(); ++i) s[i] = char(i * 7919 % 251); write(p, "\x89PNG\r\n\x1a\n" + s); },
                "is unreadable (not a readable image)"),
      bad_frame("SymlinkLoop", "SHOW-000003.jpg", [](auto p) { fs::create_symlink(p.filename(), p); }, "Too many levels of symbolic links"),
      bad_frame("DanglingSymlink", "SHOW-000003.jpg", [](auto p) { fs::create_symlink("/nonexistent/frame.jpg", p); }, "extract: 2 frames"),
      bad_frame("FolderNamedJpg", "SHOW-000003.jpg", [](auto p) { fs::create_directories(p); }, "extract: 2 frames"),
      bad_frame("FifoNamedJpg", "SHOW-000003.jpg", [](auto p) { ::mkfifo(p.c_str(), 0644); }, "extract: 2 frames"),
      odd_but_good("Png16Bit", "SHOW-000003.png", [](auto p) { cv::Mat m; hamilton_pixels().convertTo(m, CV_16U, 257); cv::imwrite(p.string(), m); }),
      odd_but_good("RgbaPng", "SHOW-000003.png", [](auto p) { cv::Mat m; cv::cvtColor(hamilton_pixels(), m, cv::COLOR_BGR2BGRA); cv::imwrite(p.string(), m); }),
      odd_but_good("PngNamedJpg", "SHOW-000003.jpg", [](auto p) { cv::imwrite(p.string() + ".png", hamilton_pixels()); fs::rename(p.string() + ".png", p); }),
      odd_but_good("BmpNamedJpg", "SHOW-000003.jpg", [](auto p) { cv::imwrite(p.string() + ".bmp", hamilton_pixels()); fs::rename(p.string() + ".bmp", p); }),
      odd_but_good("JunkAfterTheJpegEnds", "SHOW-000003.jpg", [](auto p) { write(p, test::slurp(hamilton(3)) + "trailing junk"); }),
  };
}

std::vector<Case> name_cases() {
  auto named = [](const std::string& name, std::vector<std::string> files, const std::string& says = "") {
    return Case{name, [=](const fs::path& dir) {
                  fs::create_directories(dir / "frames");
                  for (std::size_t k = 0; k < files.size(); ++k) fs::copy_file(hamilton(int(k % 8) + 1), dir / "frames" / files[k]);
                  return run_into(dir / "frames", dir);
                },
                0, says};
  };
  return {
      named("QuotesCommasAndMarkup", {"a \"quoted\", <b>&amp;-000001.jpg", "a \"quoted\", <b>&amp;-000002.jpg"}),
      named("NewlineAndUnicodeInNames", {"línea\nnueva-000001.jpg", "Первый канал-000002.jpg"}),
      named("NotUtf8Name", {"caf\xe9-000001.jpg", "caf\xe9-000002.jpg"}),
      named("TwentyDigitFrameNumber", {"x-12345678901234567890.jpg", "SHOW_20230313_083000_demo-98765432109876543210.jpg"}),
      named("CoverAndTwoPrefixes", {"cover.jpg", "a-000080.jpg", "a-000081.jpg", "b-000016.jpg", "b-000017.jpg"}),
  };
}

std::vector<Case> option_cases() {
  auto fresh = [](const std::string& name, const std::string& more, int exit, const std::string& says) {
    return Case{name, [=](const fs::path& dir) { return run_into(good_frames(dir / "frames"), dir, more); }, exit, says};
  };
  int usage = code(ExitCode::usage);
  return {
      fresh("ThousandThreads", "--threads 1024", 0, "extract: 2 frames"),
      fresh("NegativeThreads", "--threads -1", usage, "--threads"),
      fresh("EpsInHex", "--cluster dbscan:eps=0x10", usage, "parameter 'eps' takes number above 0, not '0x10'"),
      fresh("EpsTwice", "--cluster dbscan:eps=0.4,eps=0.5", usage, "parameter 'eps' is given twice"),
      fresh("EpsNan", "--cluster dbscan:eps=nan", usage, "parameter 'eps' takes number above 0, not 'nan'"),
      fresh("EpsHuge", "--cluster dbscan:eps=1e400", usage, "parameter 'eps' takes number above 0, not '1e400'"),
      fresh("MinSamplesFraction", "--cluster dbscan:min_samples=1.5", usage, "parameter 'min_samples' takes integer"),
      fresh("EmptyParameter", "--cluster dbscan:=3", usage, "is not of the form param=value"),
      fresh("UnknownDetector", "--detector nope", usage, "No detector plugin named 'nope'"),
      on_golden("FrameIntervalNan", "graph -o {out} --frame-interval nan", usage, "takes a decimal number above 0 and at most 86400, not 'nan'"),
      on_golden("FrameIntervalHuge", "graph -o {out} --frame-interval 1e300", usage, "not '1e300'"),
      on_golden("FrameIntervalHex", "graph -o {out} --frame-interval 0x10", usage, "not '0x10'"),
      on_golden("FrameIntervalNegative", "graph -o {out} --frame-interval -1", usage, "not '-1'"),
      Case{"MalformedPipelineFile", [](const fs::path& dir) {
             write(dir / "p.toml", "[detector\nname = ");
             return fmt::format("cluster -o '{}/out' --pipeline '{}/p.toml'", dir.string(), dir.string());
           }, usage, "p.toml", true},
  };
}

std::vector<Case> input_cases() {
  int input = code(ExitCode::input);
  return {
      Case{"MissingFolder", [](const fs::path& dir) { return run_into(dir / "nothing", dir); }, input, "does not exist"},
      Case{"EmptyFolder", [](const fs::path& dir) { fs::create_directories(dir / "frames"); return run_into(dir / "frames", dir); }, input,
           "holds no image files"},
      Case{"OnlyUnreadableFrames", [](const fs::path& dir) {
             fs::create_directories(dir / "frames");
             write(dir / "frames/a-000001.jpg", "text");
             return run_into(dir / "frames", dir);
           }, input, "No frame in"},
      Case{"OutputIsTheFramesFolder", [](const fs::path& dir) {
             good_frames(dir / "out");
             return fmt::format("run '{0}/out' -o '{0}/out' --quiet", dir.string());
           }, code(ExitCode::usage), "is also an input"},
      Case{"OutputInsideFramesTwice", [](const fs::path& dir) {
             good_frames(dir);  // frames in dir, OUT in dir/out: -r meets castnet's own pictures
             castnet_cli(fmt::format("run '{0}' -r -o '{0}/out' --quiet --cluster dbscan:min_samples=1", dir.string()));
             // Another detector reads the folder again, pictures and crops beside the frames.
             return fmt::format("run '{0}' -r -o '{0}/out' --quiet --cluster dbscan:min_samples=1 --detector dlib-hog:upsample=0", dir.string());
           }, 0, "extract: 2 frames (0 done before)"},
      Case{"SecondFolderIntoTheSameOut", [](const fs::path& dir) {
             // Two people who never met, one per folder, run one after the other into one OUT.
             for (const char* who : {"bbt_amy", "bbt_howard"}) {
               fs::create_directories(dir / who);
               for (int k = 1; k <= 3; ++k) fs::copy_file(test::shared_dir() / fmt::format("data/faces/{0}/fa_{1}{2}.png", who, std::string(who).substr(4), k),
                                                           dir / who / fmt::format("f-{:06d}.png", k));
             }
             castnet_cli(fmt::format("run '{0}/bbt_amy' -o '{0}/out' --quiet --cluster dbscan:min_samples=1 --edges cooccurrence:min_count=1", dir.string()));
             return fmt::format("run '{0}/bbt_howard' -o '{0}/out' --quiet --cluster dbscan:min_samples=1 --edges cooccurrence:min_count=1", dir.string());
           }, 0, "graph: 2 people, 0 edges", false, "", nullptr},
      Case{"TextFileNamedSoOnThePluginPath", [](const fs::path& dir) {
             write(dir / "libfake.so", "not a library\n");
             return std::string("plugins");
           }, 0, "is not a shared library", false, "CASTNET_PLUGIN_PATH={dir}"},
  };
}

std::vector<Case> store_cases() {
  int store = code(ExitCode::store);
  auto damaged = [](const std::string& name, std::function<void(const fs::path&)> harm, int exit, const std::string& says) {
    return Case{name, [=](const fs::path& dir) {
                  harm(dir / "out/castnet.sqlite");
                  return fmt::format("graph -o '{}/out' --quiet", dir.string());
                },
                exit, says, true, "", nullptr, true};
  };
  auto sql = [](const std::string& statement) { return [=](const fs::path& db) { edit_store(db, statement); }; };
  return {
      damaged("StoreIsText", [](auto db) { fs::remove(db); write(db, "hello\n"); }, store, "is not a castnet face store"),
      damaged("StoreIsRandomBytes", [](auto db) { fs::remove(db); std::string s(65536, 0); for (std::size_t i = 0; i < s.size(); ++i) s[i] = char(i * 31 % 253); write(db, s); },
              store, "is not a castnet face store"),
      damaged("StoreTruncated", [](auto db) { auto s = test::slurp(db); fs::remove(db); write(db, s.substr(0, 100)); }, store, "castnet face store"),
      damaged("StoreIsAFolder", [](auto db) { fs::remove(db); fs::create_directories(db); }, code(ExitCode::output), "cannot be opened or created"),
      damaged("LabelsTableDropped", sql("c.execute('DROP TABLE labels')"), store, "its table 'labels' is missing"),
      // Users' corrections are a table of their own since schema 3: one dropped is not recreated
      // empty (every name and merge would be forgotten without a word).
      damaged("CorrectionsTableDropped", sql("c.execute('DROP TABLE corrections')"), store, "its table 'corrections' is missing"),
      damaged("FutureSchema", sql("c.execute(\"UPDATE meta SET value='99' WHERE key='schema_version'\")"), store, "has schema version 99"),
      Case{"NanEmbedding", [=](const fs::path& dir) {
             sql("r, v = c.execute('SELECT rowid, vec FROM embeddings ORDER BY rowid LIMIT 1').fetchone()\n"
                 "c.execute('UPDATE embeddings SET vec = ? WHERE rowid = ?', (struct.pack('<f', float('nan')) + v[4:], r))")(dir / "out/castnet.sqlite");
             return fmt::format("cluster -o '{}/out' --quiet", dir.string());
           }, store, "is not a number (NaN or infinite)", true},
      Case{"NoStore", [](const fs::path& dir) { return fmt::format("graph -o '{}/none'", dir.string()); }, store, "holds no face store"},
  };
}

std::vector<Case> output_cases() {
  int output = code(ExitCode::output);
  return {
      Case{"OutIsAFile", [](const fs::path& dir) { write(dir / "out", "x"); return run_into(good_frames(dir / "frames"), dir); }, output,
           "cannot be created"},
      Case{"GexfCannotBeReplaced", [](const fs::path& dir) {
             fs::remove(dir / "out/graph.gexf");
             fs::create_directories(dir / "out/graph.gexf/x");
             return fmt::format("graph -o '{}/out' --quiet", dir.string());
           }, output, "graph.gexf cannot be replaced", true},
      Case{"DiskFullWhileExtracting", [](const fs::path& dir) {
             good_frames(dir / "frames", 8);
             // A file size limit stands in for a full disk: writes past it fail (SIGXFSZ ignored).
             return fmt::format("run '{0}/frames' -o '{0}/out2' --quiet", dir.string());
           }, output, "cannot grow: the file size limit is reached", true, "trap '' XFSZ; ulimit -f 40;"},
      // A real ENOSPC (finding 19: it was called "disk I/O error"), as a full file system gives it.
      Case{"DiskFullingWhileExtracting", [](const fs::path& dir) {
             good_frames(dir / "frames", 8);
             return fmt::format("run '{0}/frames' -o '{0}/out2' --quiet", dir.string());
           }, output, "cannot grow: the disk is full; free some space and run again", true,
           "LD_PRELOAD=" CASTNET_FULL_DISK " CASTNET_TEST_DISK_BYTES=300000"},
      Case{"NoReportLeavesNoStaleReport", [](const fs::path& dir) {
             return fmt::format("graph -o '{}/out' --quiet --no-report --no-pictures --no-dynamic", dir.string());
           }, 0, "graph: ", true, "", [](const fs::path& dir) {
             for (const char* stale : {"report.html", "graph.png", "graph.svg", "graph-dynamic.gexf"}) EXPECT_FALSE(fs::exists(dir / "out" / stale)) << stale;
           }},
  };
}

std::vector<Case> model_cases() {
  auto models = [](const fs::path& dir, std::function<void(const fs::path&)> harm) {
    fs::create_directories(dir / "models");
    for (const auto& e : fs::directory_iterator(default_models_dir()))
      if (e.path().extension() == ".dat") fs::create_symlink(e.path(), dir / "models" / e.path().filename());
    harm(dir / "models");
  };
  int model = code(ExitCode::model);
  return {
      Case{"ModelMissing", [=](const fs::path& dir) {
             models(dir, [](auto m) { fs::remove(m / "shape_predictor_5_face_landmarks.dat"); });
             return run_into(good_frames(dir / "frames"), dir);
           }, model, "shape_predictor_5_face_landmarks.dat is missing", false, "CASTNET_MODELS={dir}/models"},
      Case{"ModelBitFlipped", [=](const fs::path& dir) {
             models(dir, [](auto m) {
               auto f = m / "shape_predictor_5_face_landmarks.dat";
               std::string bytes = test::slurp(fs::read_symlink(f));
               bytes[bytes.size() / 2] ^= 0x10;
               fs::remove(f);
               write(f, bytes);
             });
             return run_into(good_frames(dir / "frames"), dir);
           }, model, "is damaged (its SHA-256 is", false, "CASTNET_MODELS={dir}/models"},
      Case{"ModelTruncated", [=](const fs::path& dir) {
             models(dir, [](auto m) {
               auto f = m / "dlib_face_recognition_resnet_model_v1.dat";
               std::string bytes = test::slurp(fs::read_symlink(f));
               fs::remove(f);
               write(f, bytes.substr(0, 1000));
             });
             return run_into(good_frames(dir / "frames"), dir);
           }, model, "dlib_face_recognition_resnet_model_v1.dat is damaged", false, "CASTNET_MODELS={dir}/models"},
  };
}

std::vector<Case> all_cases() {
  std::vector<Case> all;
  for (auto part : {frame_cases(), name_cases(), option_cases(), input_cases(), store_cases(), output_cases(), model_cases(),
                    people_name_cases(), output_path_cases(), archive_cases(), changed_input_cases()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

std::string fill(std::string s, const fs::path& dir) {
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"{out}", (dir / "out").string()}, {"{dir}", dir.string()}})
    for (std::size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), value);
  return s;
}

// The message: exactly one "castnet: " line, one sentence ending with a full stop. A run that
// succeeds has no such line (its notes and warnings say "castnet: note:", "castnet: warning:").
void expect_message(const std::string& output, int exit, const std::string& says) {
  EXPECT_EQ(output.find("[ WARN"), std::string::npos) << "a library's own line, not castnet's: " << output;
  if (exit == 0) {
    EXPECT_NE(output.find(says), std::string::npos) << output;
    for (auto at = output.find("castnet: "); at != std::string::npos; at = output.find("castnet: ", at + 1))
      EXPECT_TRUE(output.compare(at + 9, 5, "note:") == 0 || output.compare(at + 9, 8, "warning:") == 0) << "a failure's line in a run that succeeded: " << output;
    return;
  }
  auto at = output.find("castnet: ");
  ASSERT_NE(at, std::string::npos) << output;
  std::string line = output.substr(at, output.find('\n', at) - at);
  EXPECT_NE(line.find(says), std::string::npos) << line;
  EXPECT_EQ(line.back(), '.') << line;
  EXPECT_EQ(output.find("castnet: ", at + 1), std::string::npos) << "one sentence, not two: " << output;
  EXPECT_EQ(line.find("unexpected failure"), std::string::npos) << line;
}

class HostileCorpus : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    CASTNET_REQUIRE_SHARED();
    CASTNET_REQUIRE_MODELS();
  }
};

TEST_P(HostileCorpus, OneSentenceNothingLostOutputsParse) {
  const Case& c = GetParam();
  fs::path dir = test::temp_dir("corpus_" + c.name);
  if (c.from_golden) fs::copy(test::golden_run(test::shared_dir() / "data/frames/hamilton_360") / "out", dir / "out", fs::copy_options::recursive);
  std::string args = fill(c.setup(dir), dir);
  const test::StoreRows before = test::store_rows(dir / "out/castnet.sqlite");
  auto r = castnet_cli(args, fill(c.env, dir));
  EXPECT_EQ(r.code, c.code) << args << "\n" << r.output;
  std::cout << "exit " << r.code << ": " << r.output.substr(0, r.output.find('\n')) << "\n";
  expect_message(r.output, c.code, fill(c.says, dir));
  if (c.from_golden) {
    const test::StoreRows after = test::store_rows(dir / "out/castnet.sqlite");
    if (c.code != 0 && !after.empty()) {
      EXPECT_EQ(after, before) << "a failed command changed the store";
    }
    if (c.code == 0) {
      EXPECT_GE(after.at("faces"), before.at("faces")) << "a run lost stored faces";
    }
  }
  if (c.then) c.then(dir);
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && e.path().filename().string().rfind("out", 0) == 0)
      for (const auto& problem : test::output_problems(e.path(), !c.store_harmed)) ADD_FAILURE() << problem;
  rusage children{};
  ::getrusage(RUSAGE_CHILDREN, &children);
  EXPECT_LT(children.ru_maxrss, 2L << 20) << "KB: memory is bounded whatever the input";
  if (!HasFailure()) fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Cases, HostileCorpus, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace castnet
