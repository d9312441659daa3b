// network.html in Debian's Chromium, driven by playwright-core (tests/js/network_page.js): the
// graph is drawn (the screenshot is not blank), every node image loads, hovering a person shows
// the name, the time window hides the people not on screen in it, the search finds a name; and
// a name with quotes, markup and non-ASCII neither breaks the page nor escapes into it.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "people_fixture.hpp"

namespace castnet {
namespace {

using namespace castnet::test;

class NetworkPage : public PeopleFixture {
 protected:
  void SetUp() override {
    PeopleFixture::SetUp();
    if (test::run("chromium --version") != 0) GTEST_SKIP() << "chromium is missing (scripts/setup installs it)";
    if (!fs::exists(fs::path(CASTNET_SOURCE_DIR) / "tests/js/node_modules/playwright-core"))
      GTEST_SKIP() << "playwright-core is not installed (scripts/setup runs npm ci in tests/js)";
  }
  // What the browser saw, key -> value; the screenshot goes beside the page, named in the log.
  static std::map<std::string, std::string> browse(const fs::path& out, const std::string& search = "") {
    std::string log;
    const fs::path shot = out / "network-test.png";
    int rc = test::run(fmt::format("timeout 180 node {}/tests/js/network_page.js {}/network.html {} {} 2>&1", CASTNET_SOURCE_DIR,
                                   out.string(), shot.string(), search.empty() ? "" : shell_quote(search)), &log);
    EXPECT_EQ(rc, 0) << log;
    std::map<std::string, std::string> seen;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);)
      if (auto eq = line.find('='); eq != std::string::npos) seen[line.substr(0, eq)] = line.substr(eq + 1);
    std::printf("network.html screenshot: %s\n", shot.c_str());
    return seen;
  }
};

TEST_F(NetworkPage, DrawsHoversFiltersAndSearchesInChromium) {
  const fs::path out = dir_ / "out";
  auto seen = browse(out);
  const std::size_t people = names_of(out).size();
  EXPECT_EQ(seen["errors"], "none");
  EXPECT_EQ(seen["nodes"], std::to_string(people));
  EXPECT_EQ(seen["images_loaded"], std::to_string(2 * people)) << "each person's drawn face and node image";
  EXPECT_EQ(seen["images_broken"], "0");
  EXPECT_FALSE(seen["hover_label"].empty());
  EXPECT_EQ(seen["hover_shown"], seen["hover_label"]) << "hovering a face shows that person";
  EXPECT_EQ(seen["window_wrong"], "0") << "the window shows exactly the people on screen in it";
  EXPECT_GT(std::stoi(seen["window_hidden"]), 0);
  EXPECT_GT(std::stoi(seen["window_shown"]), 0);
  EXPECT_EQ(seen["search_shown"], seen["search_for"]);
  // Drawn: the graph's part of the screenshot holds faces (many colours), not a blank canvas.
  cv::Mat shot = cv::imread((out / "network-test.png").string());
  ASSERT_EQ(shot.cols, 1280);
  cv::Mat graph = shot(cv::Rect(0, 40, 960, 740)), grey, ink;
  cv::cvtColor(graph, grey, cv::COLOR_BGR2GRAY);
  cv::threshold(grey, ink, 235, 255, cv::THRESH_BINARY_INV);
  EXPECT_GT(cv::countNonZero(ink), int(0.03 * graph.total())) << "the canvas is blank";
  cv::Mat hsv;
  cv::cvtColor(graph, hsv, cv::COLOR_BGR2HSV);
  std::set<int> hues;
  for (int y = 0; y < hsv.rows; y += 4)
    for (int x = 0; x < hsv.cols; x += 4)
      if (auto p = hsv.at<cv::Vec3b>(y, x); p[1] > 60 && p[2] > 60) hues.insert(p[0] / 10);
  EXPECT_GE(hues.size(), 4u) << "faces and community rings in colour";
}

TEST_F(NetworkPage, AHostileNameStaysText) {
  fs::path w = fresh("page_name");
  const int a = two_people(labels_of(w)).first;
  const std::string name = "Zoë \"</script><script>alert(1)</script>\" & O'Brien <b>";
  ASSERT_EQ(people(w, fmt::format("name {} {}", a, shell_quote(name))).code, 0);
  auto r = test::castnet_cli(fmt::format("graph -o {} --quiet", w.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string page = test::slurp(w / "network.html");
  EXPECT_EQ(page.find("<script>alert(1)"), std::string::npos) << "markup in a name reached the page as markup";
  auto seen = browse(w, name);
  EXPECT_EQ(seen["errors"], "none");
  EXPECT_EQ(seen["search_shown"], name);
}

TEST_F(NetworkPage, AControlCharacterAStoreStillHoldsLeavesAWorkingPage) {
  // `people name` refuses control characters now; a store named before the rule may hold one.
  fs::path w = fresh("page_control");
  const int a = two_people(labels_of(w)).first;
  ASSERT_EQ(people(w, fmt::format("name {} Ada", a)).code, 0);
  ASSERT_EQ(test::run(fmt::format("{} -c \"import sqlite3; c = sqlite3.connect('{}'); "
                                  "c.execute(\\\"UPDATE corrections SET name = 'Ada' || char(11) || 'Lovelace' WHERE kind = 'name'\\\"); c.commit()\"",
                                  test::python(), (w / "castnet.sqlite").string())), 0);
  auto r = test::castnet_cli(fmt::format("graph -o {} --quiet", w.string()));
  ASSERT_EQ(r.code, 0) << r.output;
  auto seen = browse(w, "Ada\xEF\xBF\xBDLovelace");  // the page shows it repaired, U+FFFD
  EXPECT_EQ(seen["errors"], "none");
  EXPECT_EQ(seen["search_shown"], "Ada\xEF\xBF\xBDLovelace");
}

// Issue 32: report.html's montages, photographed in Chromium, are each person's faces as a block
// about as tall as it is wide, not a strip of tiny tiles in an empty box.
TEST_F(NetworkPage, ReportMontagesFillTheirBoxesInChromium) {
  const fs::path out = dir_ / "out", shot = out / "report-montages-test.png";
  std::string log;
  ASSERT_EQ(test::run(fmt::format("timeout 180 node {}/tests/js/report_montages.js {}/report.html {} 2>&1", CASTNET_SOURCE_DIR,
                                  out.string(), shot.string()), &log), 0) << log;
  std::map<std::string, std::string> seen;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (auto eq = line.find('='); eq != std::string::npos) seen[line.substr(0, eq)] = line.substr(eq + 1);
  EXPECT_EQ(std::stoul(seen["montages"]), test::read_csv(out / "nodes.csv").rows.size()) << log;
  std::istringstream boxes(seen["boxes"]);
  for (std::string box; boxes >> box;) {
    const int w = std::stoi(box), h = std::stoi(box.substr(box.find('x') + 1));
    EXPECT_GT(h, 0) << box;
    EXPECT_LE(w, 2 * h) << "a montage on screen is a strip: " << box;
  }
  // The photograph: the section is mostly faces, not the page around them.
  cv::Mat section = cv::imread(shot.string(), cv::IMREAD_COLOR), page_white;
  ASSERT_FALSE(section.empty()) << log;
  cv::inRange(section, cv::Scalar(245, 245, 245), cv::Scalar(255, 255, 255), page_white);
  const double faces = 1.0 - double(cv::countNonZero(page_white)) / double(section.total());
  std::printf("report.html montages: %s, %.0f%% of the section not page\n", shot.c_str(), 100 * faces);
  EXPECT_GT(faces, 0.4);
}

}  // namespace
}  // namespace castnet
