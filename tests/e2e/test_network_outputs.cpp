// What a reader of the network gets, on a synthetic broadcast with links and communities:
// GEXF (static and dynamic, 1.2draft and 1.3) that validates and that networkx and graphology-gexf
// read alike; graph.png with each face where the layout put it; report.html that a browser loads
// without a broken image; and the same store giving the same bytes.
#include <algorithm>
#include <cmath>
#include <map>
#include <regex>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <pugixml.hpp>

#include "cli.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

struct NodeOut {
  double x = 0, y = 0, size = 0;
  int r = -1, g = -1, b = -1;
  std::map<std::string, std::string> attrs;
};

std::map<std::string, NodeOut> read_gexf_nodes(const fs::path& file) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_file(file.c_str())) << file;
  std::map<std::string, NodeOut> out;
  for (auto node : doc.select_nodes("//node")) {
    NodeOut n;
    auto e = node.node();
    for (auto v : e.child("attvalues").children("attvalue")) n.attrs[v.attribute("for").value()] = v.attribute("value").value();
    n.x = e.child("viz:position").attribute("x").as_double();
    n.y = e.child("viz:position").attribute("y").as_double();
    n.size = e.child("viz:size").attribute("value").as_double();
    n.r = e.child("viz:color").attribute("r").as_int(-1);
    n.g = e.child("viz:color").attribute("g").as_int(-1);
    n.b = e.child("viz:color").attribute("b").as_int(-1);
    out[e.attribute("id").value()] = n;
  }
  return out;
}

class SynthNetwork : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::is_directory(test::shared_dir() / "data") || !fs::exists(default_models_dir() / "dlib_face_recognition_resnet_model_v1.dat")) return;
    dir_ = test::temp_dir("network");
    auto s = test::castnet_cli(fmt::format("synth --photos {} -o {}/synth --frames 120 --seed 5",
                                           (test::shared_dir() / "data/faces/labels.csv").string(), dir_.string()));
    result_ = s.code != 0 ? s
                          : test::castnet_cli(fmt::format("run {0}/synth/frames -o {0}/out --quiet --dynamic "
                                                          "--cluster chinese-whispers:threshold=0.5,min_size=2",
                                                          dir_.string()));
    // 1.3, static and dynamic, written from the same store into a second folder.
    if (result_.code == 0)
      result_ = test::castnet_cli(fmt::format("graph -o {0}/out13 --store {0}/out/castnet.sqlite --quiet --dynamic --gexf-version 1.3 "
                                              "--no-report --no-pictures", dir_.string()));
  }
  void SetUp() override {
    CASTNET_REQUIRE_SHARED();
    CASTNET_REQUIRE_MODELS();
    ASSERT_EQ(result_.code, 0) << result_.output;
  }
  static fs::path out() { return dir_ / "out"; }
  static inline fs::path dir_;
  static inline test::CliResult result_{-1, ""};
};

TEST_F(SynthNetwork, GexfStaticAndDynamicValidateInBothVersions) {
  if (test::run("xmllint --version") != 0) GTEST_SKIP() << "xmllint is missing (scripts/setup installs libxml2-utils)";
  for (auto [version, folder] : {std::pair{"1.2draft", "out"}, std::pair{"1.3", "out13"}}) {
    fs::path schema = dir_ / fmt::format("schema-{}", version);
    ASSERT_EQ(test::run(fmt::format("{} {}/tests/gexf/fix_viz_schema.py {} {} {}", test::python(), CASTNET_SOURCE_DIR,
                                    (test::shared_dir() / "data/gexf/schema").string(), version, schema.string())), 0);
    for (const char* file : {"graph.gexf", "graph-dynamic.gexf"}) {
      std::string log;
      EXPECT_EQ(test::run(fmt::format("xmllint --noout --schema {}/gexf.xsd {}/{}/{}", schema.string(), dir_.string(), folder, file), &log), 0)
          << version << " " << file << ": " << log;
    }
  }
  std::string dynamic = test::slurp(out() / "graph-dynamic.gexf");
  EXPECT_NE(dynamic.find("mode=\"dynamic\""), std::string::npos);
  EXPECT_NE(dynamic.find("timeformat=\"dateTime\""), std::string::npos) << "Visual Explorer names give absolute times";
  EXPECT_NE(dynamic.find("<spell start=\"2023-03-13T08:30:"), std::string::npos);
}

TEST_F(SynthNetwork, NetworkxAndGraphologyReadTheSameNetwork) {
  if (test::run(test::python() + " -c 'import networkx'") != 0) GTEST_SKIP() << "python3-networkx is missing";
  fs::path js = fs::path(CASTNET_SOURCE_DIR) / "tests/js";
  if (!fs::exists(js / "node_modules/graphology-gexf")) GTEST_SKIP() << "graphology-gexf is not installed (scripts/setup runs npm ci in tests/js)";
  auto gexf = read_gexf_nodes(out() / "graph.gexf");
  ASSERT_GE(gexf.size(), 10u);
  std::string nx_log;
  ASSERT_EQ(test::run(fmt::format("{} -c \"import networkx as nx, json; g = nx.read_gexf('{}'); "
                                  "print(json.dumps({{n: {{'x': d['viz']['position']['x'], 'y': d['viz']['position']['y'], 'size': d['viz']['size'], "
                                  "'r': d['viz']['color']['r'], 'a': d['viz']['color']['a'], 'image': d['image'], 'pr': d['pageranks'], "
                                  "'mod': d['modularity_class'], 'faces': d['faces'], 'first': d['first_seen'], 'last': d['last_seen']}} "
                                  "for n, d in g.nodes(data=True)}}))\"",
                                  test::python(), (out() / "graph.gexf").string()), &nx_log), 0) << nx_log;
  std::string js_log;
  ASSERT_EQ(test::run(fmt::format("node {}/read_gexf.js {} {}", js.string(), (out() / "graph.gexf").string(),
                                  (dir_ / "out13/graph-dynamic.gexf").string()), &js_log), 0) << js_log;
  for (const auto& [id, n] : gexf) {
    // networkx: every attribute and viz value as written.
    std::smatch m;
    std::regex nx_node("\"" + id + "\": \\{\"x\": ([-0-9.e]+), \"y\": ([-0-9.e]+), \"size\": ([0-9.e]+), \"r\": ([0-9]+), \"a\": ([0-9.]+), \"image\": \"([^\"]+)\", "
                       "\"pr\": ([0-9.e-]+), \"mod\": ([0-9]+), \"faces\": ([0-9]+), \"first\": \"([^\"]+)\", \"last\": \"([^\"]+)\"\\}");
    ASSERT_TRUE(std::regex_search(nx_log, m, nx_node)) << "networkx lost node " << id << ": " << nx_log.substr(0, 400);
    EXPECT_DOUBLE_EQ(std::stod(m[1]), n.x);
    EXPECT_DOUBLE_EQ(std::stod(m[2]), n.y);
    EXPECT_DOUBLE_EQ(std::stod(m[3]), n.size);
    EXPECT_EQ(std::stoi(m[4]), n.r);
    EXPECT_EQ(m[6], n.attrs.at("image"));
    EXPECT_DOUBLE_EQ(std::stod(m[7]), std::stod(n.attrs.at("pageranks")));
    EXPECT_EQ(m[8], n.attrs.at("modularity_class"));
    EXPECT_EQ(m[9], n.attrs.at("faces"));
    EXPECT_EQ(m[10], n.attrs.at("first_seen"));
    EXPECT_TRUE(fs::is_regular_file(out() / n.attrs.at("image")));
    // graphology-gexf: the same node with the same attributes.
    std::regex js_node("\"" + id + "\":\\{[^}]*\"image\":\"" + n.attrs.at("image") + "\"[^}]*\"modularity_class\":" + n.attrs.at("modularity_class"));
    EXPECT_TRUE(std::regex_search(js_log, js_node)) << "graphology lost node " << id;
  }
  std::regex counts("\"order\":([0-9]+),\"size\":([0-9]+)");
  std::sregex_iterator it(js_log.begin(), js_log.end(), counts);
  ASSERT_NE(it, std::sregex_iterator());
  EXPECT_EQ(std::stoul((*it)[1]), gexf.size());
  auto edges_csv = test::read_csv(out() / "edges.csv");
  EXPECT_EQ(std::stoul((*it)[2]), edges_csv.rows.size());
  ++it;  // the 1.3 dynamic file reads the same
  ASSERT_NE(it, std::sregex_iterator());
  EXPECT_EQ(std::stoul((*it)[1]), gexf.size());
  EXPECT_EQ(std::stoul((*it)[2]), edges_csv.rows.size());
}

TEST_F(SynthNetwork, GraphPngDrawsEachFaceWhereTheLayoutPutIt) {
  auto gexf = read_gexf_nodes(out() / "graph.gexf");
  std::string svg = test::slurp(out() / "graph.svg");
  cv::Mat png = cv::imread((out() / "graph.png").string());
  ASSERT_FALSE(png.empty());
  std::smatch size;
  ASSERT_TRUE(std::regex_search(svg, size, std::regex("width=\"([0-9]+)\" height=\"([0-9]+)\"")));
  EXPECT_EQ(png.cols, std::stoi(size[1]));
  EXPECT_EQ(png.rows, std::stoi(size[2]));
  std::regex node_re("data-identity=\"([0-9]+)\" data-cx=\"([0-9.]+)\" data-cy=\"([0-9.]+)\" data-r=\"([0-9.]+)\"");
  std::vector<std::pair<NodeOut, std::array<double, 3>>> drawn;
  for (std::sregex_iterator m(svg.begin(), svg.end(), node_re), end; m != end; ++m)
    drawn.push_back({gexf.at((*m)[1]), {std::stod((*m)[2]), std::stod((*m)[3]), std::stod((*m)[4])}});
  ASSERT_EQ(drawn.size(), gexf.size());
  // Picture coordinates are one scale and offset away from the layout's (y flipped, as in Gephi).
  // The scale from the two nodes farthest apart in x: from two close ones, the drawing's rounding
  // to 0.01 px would be magnified into every other node's expected place.
  auto by_x = [](const auto& l, const auto& r) { return l.first.x < r.first.x; };
  const auto& [a, pa] = *std::min_element(drawn.begin(), drawn.end(), by_x);
  const auto& [b, pb] = *std::max_element(drawn.begin(), drawn.end(), by_x);
  double scale = (pb[0] - pa[0]) / (b.x - a.x);
  for (const auto& [n, p] : drawn) {
    EXPECT_NEAR(p[0], pa[0] + scale * (n.x - a.x), 0.02);
    EXPECT_NEAR(p[1], pa[1] - scale * (n.y - a.y), 0.02);
    EXPECT_NEAR(p[2], scale * n.size, 0.02) << "drawn radius is the GEXF size, scaled";
    // The face is there: the centre of the drawn circle looks like the centre of the node image.
    cv::Mat face = cv::imread((out() / n.attrs.at("image")).string());
    ASSERT_FALSE(face.empty());
    int side = std::min(face.cols, face.rows), half = std::max(2, int(p[2] / 2));
    cv::Mat expected;
    cv::resize(face(cv::Rect((face.cols - side) / 2, (face.rows - side) / 2, side, side)), expected,
               {int(std::lround(2 * p[2])), int(std::lround(2 * p[2]))}, 0, 0, cv::INTER_AREA);
    cv::Rect centre(int(std::lround(p[0])) - half / 2, int(std::lround(p[1])) - half / 2, half, half);
    cv::Rect in_face(expected.cols / 2 - half / 2, expected.rows / 2 - half / 2, half, half);
    double diff = cv::norm(png(centre), expected(in_face), cv::NORM_L1) / (half * half * 3);
    EXPECT_LT(diff, 20.0) << "node " << n.attrs.at("image") << " is not drawn at its position";
  }
  // No two circles overlap.
  for (std::size_t i = 0; i < drawn.size(); ++i)
    for (std::size_t j = i + 1; j < drawn.size(); ++j)
      EXPECT_GE(std::hypot(drawn[i].second[0] - drawn[j].second[0], drawn[i].second[1] - drawn[j].second[1]),
                drawn[i].second[2] + drawn[j].second[2]);
}

TEST_F(SynthNetwork, TheSameStoreGivesTheSameBytes) {
  std::string gexf = test::slurp(out() / "graph.gexf"), png = test::slurp(out() / "graph.png"), dyn = test::slurp(out() / "graph-dynamic.gexf");
  ASSERT_EQ(test::castnet_cli(fmt::format("graph -o {} --quiet --dynamic", out().string())).code, 0);
  EXPECT_EQ(gexf, test::slurp(out() / "graph.gexf"));
  EXPECT_EQ(dyn, test::slurp(out() / "graph-dynamic.gexf"));
  EXPECT_EQ(png, test::slurp(out() / "graph.png"));
}

TEST_F(SynthNetwork, ReportLoadsInChromiumWithAFacePerPersonAndNoBrokenImage) {
  if (test::run("chromium --version") != 0) GTEST_SKIP() << "chromium is missing (scripts/setup installs it)";
  const std::string flags = fmt::format("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
                                        "--disable-sync --no-first-run --user-data-dir={}/chromium --virtual-time-budget=10000",
                                        dir_.string());
  std::string dom;
  ASSERT_EQ(test::run(fmt::format("timeout 120 chromium {} --dump-dom file://{}/report.html#check-images 2>/dev/null", flags, out().string()), &dom), 0) << dom;
  std::size_t people = test::read_csv(out() / "nodes.csv").rows.size();
  std::size_t faces = 0;
  for (std::size_t at = 0; (at = dom.find("class=\"face\"", at)) != std::string::npos; ++at) ++faces;
  EXPECT_EQ(faces, people);
  EXPECT_NE(dom.find("data-broken-images=\"0\""), std::string::npos) << "an image failed to load, or the check did not run";
  // A year has thousands of people: their faces and montages load as they are scrolled to.
  std::string html = test::slurp(out() / "report.html");
  std::size_t lazy = 0;
  for (std::size_t at = 0; (at = html.find("<img loading=\"lazy\"", at)) != std::string::npos; ++at) ++lazy;
  for (std::size_t at = 0; (at = html.find("<img class=\"face\" loading=\"lazy\"", at)) != std::string::npos; ++at) ++lazy;
  EXPECT_EQ(lazy, 2 * people);
  ASSERT_EQ(test::run(fmt::format("timeout 120 chromium {} --window-size=1280,2000 --screenshot={}/report.png file://{}/report.html", flags,
                                  dir_.string(), out().string())), 0);
  cv::Mat shot = cv::imread((dir_ / "report.png").string());
  EXPECT_EQ(shot.cols, 1280);
  EXPECT_EQ(shot.rows, 2000);
  // And the check is real: hide a node image and the page reports it.
  fs::rename(out() / "node_images/0.jpg", out() / "node_images/0.jpg.away");
  ASSERT_EQ(test::run(fmt::format("timeout 120 chromium {} --dump-dom file://{}/report.html#check-images 2>/dev/null", flags, out().string()), &dom), 0);
  fs::rename(out() / "node_images/0.jpg.away", out() / "node_images/0.jpg");
  EXPECT_EQ(dom.find("data-broken-images=\"0\""), std::string::npos);
}

}  // namespace
}  // namespace castnet
