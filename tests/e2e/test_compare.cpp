// `castnet synth` then `castnet compare` on it: the legacy and modern pipelines side by side,
// scored against the synthetic broadcast's truth. Runs in well under a minute.
#include <fstream>

#include "cli.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

TEST(Compare, ModernAndLegacyOnASyntheticBroadcast) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto dir = test::temp_dir("compare");
  auto synth = test::castnet_cli(fmt::format("synth --photos {} -o {}/synth --frames 100 --seed 3",
                                             (test::shared_dir() / "data/faces/labels.csv").string(), dir.string()));
  ASSERT_EQ(synth.code, 0) << synth.output;
  EXPECT_NE(synth.output.find("synth: 100 frames"), std::string::npos) << synth.output;
  // Same seed, same broadcast.
  auto again = test::castnet_cli(fmt::format("synth --photos {} -o {}/synth2 --frames 100 --seed 3",
                                             (test::shared_dir() / "data/faces/labels.csv").string(), dir.string()));
  ASSERT_EQ(again.code, 0);
  EXPECT_EQ(test::slurp(dir / "synth/truth.csv"), test::slurp(dir / "synth2/truth.csv"));

  auto cmp = test::castnet_cli(fmt::format("compare {0}/synth/frames --truth {0}/synth/truth.csv -o {0}/work --preset modern "
                                           "--preset legacy --pipeline {1}/examples/pipelines/chinese-whispers.toml --markdown {0}/table.md",
                                           dir.string(), CASTNET_SOURCE_DIR));
  ASSERT_EQ(cmp.code, 0) << cmp.output;
  auto rows = test::compare_rows(dir / "table.md");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "modern");
  EXPECT_EQ(rows[1][0], "legacy");
  EXPECT_EQ(rows[2][0], "chinese-whispers");
  auto ari = [&](std::size_t r) { return std::stod(rows[r][7]); };
  auto recall = [&](std::size_t r) { return std::stod(rows[r][2]); };
  EXPECT_GT(recall(0), 0.8);
  EXPECT_GT(ari(0), ari(1)) << "embeddings should beat perceptual hashes on identity";
  EXPECT_GT(ari(2), 0.9);
  EXPECT_NE(rows[2][10].find('*'), std::string::npos) << "chinese-whispers shares modern's detection and embedding";
  EXPECT_GT(std::stod(rows[0][10]), 0.0) << "faces/s come from the store's record of the run";
  EXPECT_EQ(rows[0][10].find('*'), std::string::npos) << "modern ran its own detection";
  EXPECT_EQ(rows[2][10], rows[0][10] + "*") << "a shared detection is given the speed of the run that did it";
  EXPECT_GT(std::stod(rows[0][11]), 0.0) << "peak memory is measured";
}

}  // namespace
}  // namespace castnet

namespace castnet {
namespace {

TEST(Eval, LabeledPhotosPerImage) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  auto dir = test::temp_dir("eval");
  auto faces = test::shared_dir() / "data/faces";
  auto run = test::castnet_cli(fmt::format("run -r {} -o {}/out --quiet --preset seed --cluster dbscan:eps=0.5,min_samples=2", faces.string(), dir.string()));
  ASSERT_EQ(run.code, 0) << run.output;
  auto ev = test::castnet_cli(fmt::format("eval -o {}/out --truth {}/labels.csv", dir.string(), faces.string()));
  ASSERT_EQ(ev.code, 0) << ev.output;
  // 66 photos, one face each, 18 people; on face_recognition's faces (the seed's detector),
  // DBSCAN(0.5, 2) makes 15 clusters and 5 noise points (scikit-learn's figures), and never puts
  // two people together on this set.
  EXPECT_NE(ev.output.find("faces                  66"), std::string::npos) << ev.output;
  EXPECT_NE(ev.output.find("detection recall       1.000"), std::string::npos) << ev.output;
  EXPECT_NE(ev.output.find("clusters (true)        15 (18)"), std::string::npos) << ev.output;
  EXPECT_NE(ev.output.find("pairwise P / R / F1    1.000 /"), std::string::npos) << ev.output;
}

TEST(Eval, BadTruthAndPhotoFiles) {
  auto dir = test::temp_dir("badtruth");
  std::ofstream(dir / "truth.csv") << "name,who\nx,y\n";
  auto r = test::castnet_cli(fmt::format("eval -o {0} --truth {0}/truth.csv", dir.string()));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.output.find("is neither a path,identity file nor a frame,identity,left,top,right,bottom file."), std::string::npos) << r.output;
  r = test::castnet_cli(fmt::format("synth --photos {0}/missing.csv -o {0}/s", dir.string()));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.output.find("missing.csv cannot be read."), std::string::npos) << r.output;
}

}  // namespace
}  // namespace castnet
