// The corpus's cases about names from users and galleries (issue 33): one rule on the way in
// (valid UTF-8, no control character), and every way out safe for what a stored name may still
// hold: XML that parses, CSV a spreadsheet does not run, text a terminal does not obey.
#include <algorithm>
#include <fstream>
#include <random>

#include "corpus_case.hpp"

namespace castnet {

namespace {

// `people name 0 Ada` on the golden run's copy, then the stored name replaced by `sql_value`
// (an SQL expression), as a store written before the rule, or by another program, may hold it.
void name_stored_as(const fs::path& dir, const std::string& sql_value) {
  ASSERT_EQ(test::castnet_cli(fmt::format("people -o '{}/out' name 0 Ada", dir.string())).code, 0);
  edit_store(dir / "out/castnet.sqlite", fmt::format("c.execute(\"UPDATE corrections SET name = {} WHERE kind = 'name'\")", sql_value));
}

fs::path face_photo() { return test::shared_dir() / "data/faces/adams/of_adams.jpg"; }

std::string people_listing(const fs::path& dir) { return test::castnet_cli(fmt::format("people -o '{}/out'", dir.string())).output; }

// Finding 18: each gallery photo is stored as soon as it is embedded, so a gallery killed half-way
// keeps what it did, and naming it again embeds only the rest; the names are as a run that was
// never stopped gives them.
TEST(HostileNames, AGalleryKilledHalfWayKeepsEveryPhotoItEmbedded) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  const fs::path dir = test::temp_dir("gallery_killed"), gallery = test::shared_dir() / "data/faces/labels.csv";
  for (const char* out : {"out", "clean"})
    fs::copy(test::golden_run(test::shared_dir() / "data/frames/hamilton_360") / "out", dir / out, fs::copy_options::recursive);
  const std::string graph = fmt::format("{} graph -o '{}/out' --quiet --gallery '{}'", CASTNET_BIN, dir.string(), gallery.string());
  const std::string count = fmt::format("{} -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM gallery_photos\").fetchone()[0])' '{}/out/castnet.sqlite'",
                                        test::python(), dir.string());
  // Killed once five photos are stored (the gallery has 66).
  std::ofstream(dir / "kill.sh") << graph << " & p=$!\nwhile kill -0 $p 2>/dev/null; do\n  [ \"$(" << count
                                 << " 2>/dev/null || echo 0)\" -ge 5 ] && kill -9 $p\n  sleep 0.05\ndone\nwait $p\n";
  ASSERT_EQ(test::run("sh '" + (dir / "kill.sh").string() + "'"), 137) << "the gallery was not killed while it ran: the test proves nothing";
  std::string kept;
  ASSERT_EQ(test::run(count, &kept), 0);
  EXPECT_GE(std::stoi(kept), 5) << "photos embedded before the kill are kept";
  EXPECT_LT(std::stoi(kept), 66);
  auto again = test::castnet_cli(fmt::format("graph -o '{}/out' --gallery '{}' --no-pictures", dir.string(), gallery.string()));
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find(fmt::format("({} photos seen before, not embedded again)", std::stoi(kept))), std::string::npos) << again.output;
  auto clean = test::castnet_cli(fmt::format("graph -o '{}/clean' --quiet --gallery '{}' --no-pictures", dir.string(), gallery.string()));
  ASSERT_EQ(clean.code, 0) << clean.output;
  EXPECT_EQ(test::slurp(dir / "out/nodes.csv"), test::slurp(dir / "clean/nodes.csv"));
  // Named once more, nothing is embedded: every photo is one seen before.
  auto third = test::castnet_cli(fmt::format("graph -o '{}/out' --gallery '{}' --no-pictures", dir.string(), gallery.string()));
  EXPECT_NE(third.output.find("(66 photos seen before, not embedded again)"), std::string::npos) << third.output;
}

// Any bytes (but NUL, which no argument holds) as a shell word: printf of octal escapes.
std::string shell_bytes(const std::string& bytes) {
  std::string format;
  for (unsigned char c : bytes) format += fmt::format("\\{:03o}", c);
  return "\"$(printf '" + format + "')\"";
}

TEST(HostileNames, TwoHundredRandomNamesThroughPeopleNameLeaveEveryOutputParsing) {
  CASTNET_REQUIRE_SHARED();
  CASTNET_REQUIRE_MODELS();
  const fs::path dir = test::temp_dir("random_names");
  fs::copy(test::golden_run(test::shared_dir() / "data/frames/hamilton_360") / "out", dir / "out", fs::copy_options::recursive);
  static const std::vector<std::string> pieces = {
      "Ada", " ", "\x01", "\x0b", "\x1b[2J", "\x7f", "\xc2\x85", "\xff", "\xc0\xaf", "\xed\xa0\x80", "\xef\xbf\xbe",
      "<script>alert(1)</script>", "]]>", "&amp;", "\"", "'", ",", "\n", "=", "+", "-", "@", "\xe2\x80\xae", "\xf0\x9f\x98\x80", "\xc5\x81"};
  std::mt19937 rng(3333);
  std::size_t accepted = 0;
  for (int k = 1; k <= 200; ++k) {
    std::string name;
    for (std::size_t n = 1 + rng() % 6; n > 0; --n) name += pieces[rng() % pieces.size()];
    if (k == 200) name = std::string(10240, 'x');
    auto r = test::castnet_cli(fmt::format("people -o '{}/out' name {} {}", dir.string(), k % 2, shell_bytes(name)));
    ASSERT_TRUE(r.code == 0 || r.code == code(ExitCode::usage)) << r.code << ": " << r.output;
    if (r.code == 0) ++accepted;
    else EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << "one sentence: " << r.output;
    if (k % 40 == 0) {
      auto g = test::castnet_cli(fmt::format("graph -o '{}/out' --quiet", dir.string()));
      ASSERT_EQ(g.code, 0) << g.output;
      for (const auto& problem : test::output_problems(dir / "out")) ADD_FAILURE() << "after name " << k << ": " << problem;
    }
  }
  EXPECT_GT(accepted, 20u) << "the rule should let the printable names through";
  EXPECT_LT(accepted, 180u) << "the rule should refuse the control characters and bad bytes";
}

}  // namespace

std::vector<Case> people_name_cases() {
  const int usage = code(ExitCode::usage), input = code(ExitCode::input);
  auto refused = [&](const std::string& name, const std::string& printf_name, const std::string& says) {
    return Case{name, [=](const fs::path& dir) { return fmt::format("people -o '{}/out' name 0 \"$(printf '{}')\"", dir.string(), printf_name); },
                usage, says, true};
  };
  return {
      // Finding 17: one picture under two names names neither, and says so.
      Case{"OnePictureUnderTwoNamesNamesNeither", [](const fs::path& dir) {
             for (const char* who : {"Alice", "Bob", "Carol"}) fs::create_directories(dir / "gallery" / who);
             fs::copy_file(face_photo(), dir / "gallery/Alice/1.jpg");
             fs::copy_file(face_photo(), dir / "gallery/Bob/1.jpg");
             fs::copy_file(test::shared_dir() / "data/faces/alex_lacamoire/fr_knn_test_alex_lacamoire1.jpg", dir / "gallery/Carol/1.jpg");
             return fmt::format("graph -o '{0}/out' --quiet --gallery '{0}/gallery'", dir.string());
           }, 0, "Alice/1.jpg (as Alice) and {dir}/gallery/Bob/1.jpg (as Bob) are the same picture; neither names anyone", true, "",
           [](const fs::path& dir) {
             const std::string nodes = test::slurp(dir / "out/nodes.csv");
             EXPECT_EQ(nodes.find("Alice"), std::string::npos) << nodes;
             EXPECT_EQ(nodes.find("Bob"), std::string::npos) << nodes;
           }},
      refused("NameWithAVerticalTab", "Ada\\013Lovelace", "character 4 of it is a control character (\\x0b)"),
      refused("NameWithAnEscapeSequence", "\\033[2JAda", "character 1 of it is a control character (\\x1b)"),
      refused("NameNotUtf8", "caf\\351", "it is not valid UTF-8 (byte 4 of it)"),
      refused("NameWithAC1Control", "Ada\\302\\205", "character 4 of it is a control character (\\xc2\\x85)"),
      Case{"StoredControlCharactersAndBadBytesAreRepairedOnEveryWayOut", [](const fs::path& dir) {
             name_stored_as(dir, "'Ada' || char(11) || 'Love' || char(27) || 'lace' || CAST(X'FFFE' AS TEXT)");
             return fmt::format("graph -o '{}/out' --quiet", dir.string());
           }, 0, "graph: ", true, "", [](const fs::path& dir) {
             // output_problems (run after `then`) parses every GEXF, SVG, CSV and HTML
             const std::string listing = people_listing(dir);
             EXPECT_NE(listing.find("Ada\\x0bLove\\x1blace"), std::string::npos) << listing;
             EXPECT_EQ(listing.find('\x1b'), std::string::npos) << "an ESC reached the terminal";
             EXPECT_NE(test::slurp(dir / "out/graph.gexf").find("Ada\xEF\xBF\xBDLove\xEF\xBF\xBDlace"), std::string::npos);
           }},
      Case{"AFormulaNameIsText", [](const fs::path& dir) {
             EXPECT_EQ(test::castnet_cli(fmt::format("people -o '{}/out' name 0 '=HYPERLINK(\"http://x\",\"y\")'", dir.string())).code, 0);
             return fmt::format("graph -o '{}/out' --quiet", dir.string());
           }, 0, "graph: ", true, "", [](const fs::path& dir) {
             const std::string nodes = test::slurp(dir / "out/nodes.csv");
             EXPECT_NE(nodes.find(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","), std::string::npos) << nodes;
           }},
      Case{"GalleryFolderNamedWithAControlCharacter", [](const fs::path& dir) {
             fs::create_directories(dir / "gallery/Ada\vLovelace");
             fs::copy_file(face_photo(), dir / "gallery/Ada\vLovelace/1.jpg");
             return fmt::format("graph -o '{0}/out' --quiet --gallery '{0}/gallery'", dir.string());
           }, input, "names a person \"Ada\\x0bLovelace\"", true},
      Case{"GalleryOfEmptyFiles", [](const fs::path& dir) {
             fs::create_directories(dir / "gallery/Alice");
             write(dir / "gallery/Alice/1.jpg", "");
             write(dir / "gallery/Alice/2.jpg", "");
             return fmt::format("graph -o '{0}/out' --quiet --gallery '{0}/gallery'", dir.string());
           }, input, "None of the 2 photos of the gallery", true},
      Case{"UndoZeroNamesNoCorrection", [](const fs::path& dir) {
             EXPECT_EQ(test::castnet_cli(fmt::format("people -o '{}/out' name 0 Ada", dir.string())).code, 0);
             return fmt::format("people -o '{}/out' undo 0", dir.string());
           }, usage, "There is no correction 0", true},
  };
}

}  // namespace castnet
