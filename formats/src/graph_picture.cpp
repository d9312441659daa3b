#include "castnet/formats/graph_picture.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <map>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/formats/style.hpp"
#include "castnet/formats/tables.hpp"
#include "castnet/sdk/errors.hpp"
#include "image_read.hpp"

namespace castnet::formats {

namespace fs = std::filesystem;

namespace {

constexpr int kLegendWidth = 260;
constexpr int kMargin = 30;

cv::Scalar bgr(const Rgb& c) { return {double(c.b), double(c.g), double(c.r)}; }

double max_weight(const Graph& g) {
  double m = 0;
  for (auto [e, end] = boost::edges(g); e != end; ++e) m = std::max(m, g[*e].weight);
  return m;
}

double edge_width(double w, double max_w) { return max_w > 0 ? 1.0 + 5.0 * w / max_w : 1.0; }

// The node's face as a square, centre-cropped; grey if the image is missing.
cv::Mat face_square(const fs::path& file, int side) {
  cv::Mat img = read_if_there(file), out;
  if (img.empty()) return cv::Mat(side, side, CV_8UC3, cv::Scalar(200, 200, 200));
  int s = std::min(img.cols, img.rows);
  cv::resize(img(cv::Rect((img.cols - s) / 2, (img.rows - s) / 2, s, s)), out, {side, side}, 0, 0, cv::INTER_AREA);
  return out;
}

std::map<int, std::size_t> community_sizes(const Graph& g) {
  std::map<int, std::size_t> sizes;
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) ++sizes[g[v].community];
  return sizes;
}

}  // namespace

PictureFrame picture_frame(const Graph& g) {
  const std::size_t n = boost::num_vertices(g);
  double min_x = 0, max_x = 1, min_y = 0, max_y = 1, min_r = 1;
  for (std::size_t v = 0; v < n; ++v) {
    const PersonNode& p = g[v];
    if (v == 0) min_x = p.x - p.radius, max_x = p.x + p.radius, min_y = p.y - p.radius, max_y = p.y + p.radius, min_r = p.radius;
    min_x = std::min(min_x, p.x - p.radius), max_x = std::max(max_x, p.x + p.radius);
    min_y = std::min(min_y, p.y - p.radius), max_y = std::max(max_y, p.y + p.radius);
    min_r = std::min(min_r, p.radius);
  }
  // Big enough that the smallest face is still ~12 px across, within sane bounds.
  double area = std::clamp(160.0 * std::sqrt(double(std::max<std::size_t>(n, 1))), 900.0, 3200.0);
  double span = std::max(max_x - min_x, max_y - min_y);
  PictureFrame f;
  f.scale = (area - 2 * kMargin) / std::max(span, 1e-9);
  if (f.scale * min_r < 6) f.scale = 6 / min_r;  // very large graphs: grow rather than shrink faces away
  int graph_height = int(std::ceil(f.scale * (max_y - min_y))) + 2 * kMargin;
  f.text = std::clamp(graph_height / 1000.0, 1.0, 3.0);
  f.legend_x = int(std::ceil(f.scale * (max_x - min_x))) + 2 * kMargin + 10;
  f.width = f.legend_x - 10 + int(kLegendWidth * f.text);
  f.height = std::max(graph_height, 420);
  f.offset_x = kMargin - f.scale * min_x;
  f.offset_y = kMargin + f.scale * max_y;
  return f;
}

namespace {

// What both pictures share: the frame, edge widths, the legend's lines.
struct Drawing {
  const Graph& g;
  PictureFrame f;
  double max_w;
  std::map<int, std::size_t> sizes;  // community -> people
  int line_y(int k) const { return int(std::lround((30 + 22 * k) * f.text)); }
};

std::string svg_text(const Drawing& d) {
  const Graph& g = d.g;
  const PictureFrame& f = d.f;
  const double t = f.text;
  const int legend_x = f.legend_x;
  std::ostringstream svg;
  svg << fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{0}" height="{1}" viewBox="0 0 {0} {1}">)", f.width, f.height)
      << "\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<g class=\"edges\" stroke=\"#7f7f7f\" stroke-opacity=\"0.45\">\n";
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    const PersonNode &a = g[boost::source(*e, g)], &b = g[boost::target(*e, g)];
    svg << fmt::format("<line x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\" stroke-width=\"{:.2f}\"/>\n", f.px(a.x), f.py(a.y), f.px(b.x),
                       f.py(b.y), edge_width(g[*e].weight, d.max_w));
  }
  svg << "</g>\n<defs>\n";
  const std::size_t n = boost::num_vertices(g);
  for (std::size_t v = 0; v < n; ++v)
    svg << fmt::format("<clipPath id=\"clip-{}\"><circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.2f}\"/></clipPath>\n", g[v].identity, f.px(g[v].x),
                       f.py(g[v].y), f.scale * g[v].radius);
  svg << "</defs>\n<g class=\"nodes\">\n";
  for (std::size_t v = 0; v < n; ++v) {
    const PersonNode& p = g[v];
    double cx = f.px(p.x), cy = f.py(p.y), r = f.scale * p.radius;
    svg << fmt::format("<g class=\"node\" id=\"node-{0}\" data-identity=\"{0}\" data-cx=\"{1:.2f}\" data-cy=\"{2:.2f}\" data-r=\"{3:.2f}\">", p.identity, cx, cy, r)
        << fmt::format("<title>{} (PageRank {:.4f}, {} faces)</title>", xml_escape(p.label()), p.pagerank, p.faces)
        << (p.image.empty() ? fmt::format("<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.2f}\" fill=\"#c8c8c8\"/>", cx, cy, r)
                            : fmt::format("<image href=\"{0}\" xlink:href=\"{0}\" x=\"{1:.2f}\" y=\"{2:.2f}\" width=\"{3:.2f}\" height=\"{3:.2f}\" "
                                          "preserveAspectRatio=\"xMidYMid slice\" clip-path=\"url(#clip-{4})\"/>",
                                          xml_escape(p.image), cx - r, cy - r, 2 * r, p.identity))
        << fmt::format("<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.2f}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{:.1f}\"/>", cx, cy, r,
                       community_colour(p.community).hex(), std::max(2.0, r / 8));
    if (!p.name.empty())
      svg << fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"{:.0f}\">{}</text>", cx,
                         cy + r + 14 * t, 12 * t, xml_escape(p.name));
    svg << "</g>\n";
  }
  svg << fmt::format("</g>\n<g class=\"legend\" font-family=\"sans-serif\" font-size=\"{:.0f}\">\n", 14 * t);
  svg << fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{} people, {} links</text>\n", legend_x, d.line_y(0), n, boost::num_edges(g));
  svg << fmt::format("<text x=\"{}\" y=\"{}\">circle area: PageRank</text>\n<text x=\"{}\" y=\"{}\">line width: co-occurrence</text>\n", legend_x,
                     d.line_y(1), legend_x, d.line_y(2));
  int k = 4;
  for (const auto& [c, count] : d.sizes) {
    if (d.line_y(k) > f.height - 20) break;
    svg << fmt::format("<circle cx=\"{:.0f}\" cy=\"{:.0f}\" r=\"{:.0f}\" fill=\"{}\"/><text x=\"{:.0f}\" y=\"{}\">community {} ({})</text>\n",
                       legend_x + 7 * t, d.line_y(k) - 5 * t, 7 * t, community_colour(c).hex(), legend_x + 22 * t, d.line_y(k), c, count);
    ++k;
  }
  svg << "</g>\n</svg>\n";
  return svg.str();
}

// Each face cut to a circle at its position, ringed in its community's colour, named below
// where it has a name.
void draw_faces(cv::Mat& canvas, const OutputBatch& batch, const Drawing& d) {
  for (std::size_t v = 0; v < boost::num_vertices(d.g); ++v) {
    const PersonNode& p = d.g[v];
    int r = std::max(2, int(std::lround(d.f.scale * p.radius))), cx = int(std::lround(d.f.px(p.x))), cy = int(std::lround(d.f.py(p.y)));
    cv::Rect box(cx - r, cy - r, 2 * r, 2 * r);
    cv::Rect inside = box & cv::Rect(0, 0, canvas.cols, canvas.rows);
    cv::Mat face = face_square(p.image.empty() ? fs::path() : batch.current(p.image), 2 * r), mask(2 * r, 2 * r, CV_8U, cv::Scalar(0));
    cv::circle(mask, {r, r}, r, 255, cv::FILLED, cv::LINE_AA);
    cv::Rect src(inside.x - box.x, inside.y - box.y, inside.width, inside.height);
    face(src).copyTo(canvas(inside), mask(src));
    cv::circle(canvas, {cx, cy}, r, bgr(community_colour(p.community)), std::max(2, r / 8), cv::LINE_AA);
    if (p.name.empty()) continue;
    const std::string name = ascii_text(p.name);
    const int weight = std::max(1, int(std::lround(d.f.text)));
    const cv::Size size = cv::getTextSize(name, cv::FONT_HERSHEY_SIMPLEX, 0.45 * d.f.text, weight, nullptr);
    cv::putText(canvas, name, {cx - size.width / 2, cy + r + size.height + 4}, cv::FONT_HERSHEY_SIMPLEX, 0.45 * d.f.text, {0, 0, 0}, weight,
                cv::LINE_AA);
  }
}

// The same drawing as the SVG, with OpenCV.
cv::Mat png_picture(const OutputBatch& batch, const Drawing& d) {
  const Graph& g = d.g;
  const PictureFrame& f = d.f;
  const double t = f.text;
  const int legend_x = f.legend_x;
  cv::Mat canvas(f.height, f.width, CV_8UC3, cv::Scalar(255, 255, 255)), lines = canvas.clone();
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    const PersonNode &a = g[boost::source(*e, g)], &b = g[boost::target(*e, g)];
    cv::line(lines, {int(std::lround(f.px(a.x))), int(std::lround(f.py(a.y)))}, {int(std::lround(f.px(b.x))), int(std::lround(f.py(b.y)))},
             {127, 127, 127}, int(std::lround(edge_width(g[*e].weight, d.max_w))), cv::LINE_AA);
  }
  cv::addWeighted(lines, 0.45, canvas, 0.55, 0, canvas);
  draw_faces(canvas, batch, d);
  const int weight = std::max(1, int(std::lround(t)));
  cv::putText(canvas, fmt::format("{} people, {} links", boost::num_vertices(g), boost::num_edges(g)), {legend_x, d.line_y(0)},
              cv::FONT_HERSHEY_SIMPLEX, 0.6 * t, {0, 0, 0}, weight + 1, cv::LINE_AA);
  cv::putText(canvas, "circle area: PageRank", {legend_x, d.line_y(1)}, cv::FONT_HERSHEY_SIMPLEX, 0.5 * t, {0, 0, 0}, weight, cv::LINE_AA);
  cv::putText(canvas, "line width: co-occurrence", {legend_x, d.line_y(2)}, cv::FONT_HERSHEY_SIMPLEX, 0.5 * t, {0, 0, 0}, weight, cv::LINE_AA);
  int k = 4;
  for (const auto& [c, count] : d.sizes) {
    if (d.line_y(k) > f.height - 20) break;
    cv::circle(canvas, {legend_x + int(7 * t), d.line_y(k) - int(5 * t)}, int(7 * t), bgr(community_colour(c)), cv::FILLED, cv::LINE_AA);
    cv::putText(canvas, fmt::format("community {} ({})", c, count), {legend_x + int(22 * t), d.line_y(k)}, cv::FONT_HERSHEY_SIMPLEX, 0.5 * t,
                {0, 0, 0}, weight, cv::LINE_AA);
    ++k;
  }
  return canvas;
}

}  // namespace

void write_graph_pictures(OutputBatch& batch, const Graph& g) {
  const Drawing d{g, picture_frame(g), max_weight(g), community_sizes(g)};
  batch.file("graph.svg", svg_text(d));
  batch.image("graph.png", png_picture(batch, d));
}

}  // namespace castnet::formats
