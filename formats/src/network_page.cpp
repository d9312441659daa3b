#include "castnet/formats/network_page.hpp"


#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>
#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "castnet/core/text.hpp"
#include "castnet/sdk/errors.hpp"
#include "image_read.hpp"

namespace castnet::formats {

extern const char* const kNetworkPageScript;  // web/src/network.js bundled (network_page_script.cpp, generated)

namespace {

constexpr int kThumb = 96;  // px: a node is drawn at most about this large

std::string base64(std::vector<unsigned char> bytes) {
  using namespace boost::archive::iterators;
  using Encode = base64_from_binary<transform_width<std::vector<unsigned char>::const_iterator, 6, 8>>;
  const std::size_t pad = (3 - bytes.size() % 3) % 3;
  bytes.resize(bytes.size() + pad, 0);  // whole groups of three: the encoder never reads past the end
  std::string s(Encode(bytes.cbegin()), Encode(bytes.cend()));
  s.replace(s.size() - pad, pad, pad, '=');
  return s;
}

// The node image, small, as a data: URL. WebGL draws no image read from a file beside a page
// opened from disk (file: pages are cross-origin to their own files), but it draws data: URLs.
std::string thumbnail(const std::filesystem::path& image) {
  cv::Mat face = read_if_there(image);
  if (face.empty()) return "";
  const double s = std::min(1.0, double(kThumb) / std::max(face.cols, face.rows));
  if (s < 1.0) cv::resize(face, face, {}, s, s, cv::INTER_AREA);
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", face, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
  return "data:image/jpeg;base64," + base64(std::move(jpeg));
}

// A JSON string. Every '<' is escaped too, so that no "</" reaches the page: HTML 4 parsers
// (xmllint --html among them) end a script at the first "</" followed by a letter.
std::string json_string(const std::string& text) {
  std::string s = "\"";
  for (unsigned char c : valid_utf8(text)) {
    if (c == '"' || c == '\\') s += '\\', s += char(c);
    else if (c < 0x20 || c == '<') s += fmt::format("\\u{:04x}", c);
    else s += char(c);
  }
  return s + "\"";
}

// The GEXF without its <edges> element. The page carries the links as arrays instead: reading a
// year's 110,000 <edge> elements took graphology-gexf 3.9 s of the 12 s the page took to open.
std::string without_edges(const std::string& gexf) {
  const auto from = gexf.find("<edges");
  if (from == std::string::npos) return gexf;
  const auto close = gexf.find("</edges>", from), empty = gexf.find("/>", from);
  const auto to = close != std::string::npos ? close + 8 : empty != std::string::npos ? empty + 2 : std::string::npos;
  return to == std::string::npos ? gexf : gexf.substr(0, from) + gexf.substr(to);
}

// Each link as [source, target, weight, cooccurrences], in the GEXF's order (its edge ids).
std::string links_of(const Graph& g) {
  std::string links;
  for (auto [e, end] = boost::edges(g); e != end; ++e)
    links += fmt::format("{}[{},{},{},{}]", links.empty() ? "" : ",", g[boost::source(*e, g)].identity, g[boost::target(*e, g)].identity,
                         g[*e].weight, g[*e].count);
  return links;
}

// What the script draws: the GEXF's nodes and the links, and beside them each person's spells,
// drawn face and montage. Apart from the GEXF's text, only numbers, ids and castnet's own file
// names.
std::string page_data(const OutputBatch& batch, const Network& net, const Timeline& tl, const std::string& gexf) {
  const Graph& g = net.graph;
  const double start = tl.frame_seconds.empty() ? 0.0 : tl.frame_seconds.front();
  const double end = tl.frame_seconds.empty() ? tl.interval : tl.frame_seconds.back() + tl.interval;
  std::string spells, thumbs, montages;
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
    const PersonNode& p = g[v];
    const char* sep = v ? "," : "";
    std::string runs;
    for (const auto& s : tl.nodes.at(p.identity)) runs += fmt::format("{}[{},{}]", runs.empty() ? "" : ",", s.start, s.end);
    spells += fmt::format("{}\"{}\":[{}]", sep, p.identity, runs);
    thumbs += fmt::format("{}\"{}\":\"{}\"", sep, p.identity, (p.image.empty() ? std::string() : thumbnail(batch.current(p.image))));
    montages += fmt::format("{}\"{}\":\"montages/montage-{}.jpg\"", sep, p.identity, p.identity);
  }
  return fmt::format("{{\"origin\":{},\"start\":{},\"end\":{},\"interval\":{},\"spells\":{{{}}},\"thumbs\":{{{}}},\"montages\":{{{}}},"
                     "\"links\":[{}],\"gexf\":{}}}",
                     tl.origin ? std::to_string(*tl.origin) : "null", start, end, tl.interval, spells, thumbs, montages, links_of(g),
                     json_string(without_edges(gexf)));
}

constexpr const char* kStyle = R"(
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; display: grid; grid-template: auto 1fr / 1fr 300px; height: 100vh; }
#bar { grid-column: 1 / 3; display: flex; gap: 1em; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; }
#bar input[type=search] { width: 16em; }
#graph { position: relative; min-height: 0; }
#info { border-left: 1px solid #ddd; padding: 0 12px; overflow: auto; }
#info img { max-width: 100%; }
.hint { color: #777; }
)";

}  // namespace

void write_network_page(OutputBatch& batch, const Network& net, const Timeline& timeline, const std::string& gexf) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>castnet network</title>\n<style>";
  h += kStyle;
  h += "</style></head>\n<body>\n<div id=\"bar\"><strong>Who appears with whom</strong>"
       "<input type=\"search\" id=\"search\" list=\"names\" placeholder=\"Search a name\" aria-label=\"search a name\">"
       "<datalist id=\"names\"></datalist>"
       "<label>from <input type=\"range\" id=\"from\"></label><label>to <input type=\"range\" id=\"to\"></label>"
       "<span id=\"window\"></span><a href=\"report.html\">report</a></div>\n"
       "<div id=\"graph\"></div>\n<aside id=\"info\"></aside>\n";
  h += "<script type=\"application/json\" id=\"castnet-data\">" + page_data(batch, net, timeline, gexf) + "</script>\n";
  // The script as a data: URL: minified code holds "</" (in regular expressions), which an HTML
  // 4 parser would take for the script's end.
  const std::string script(kNetworkPageScript);
  h += "<script src=\"data:text/javascript;base64," + base64({script.begin(), script.end()}) + "\"></script>\n</body></html>\n";
  batch.file("network.html", h);
}

}  // namespace castnet::formats
