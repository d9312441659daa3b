#include "castnet/formats/report.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "castnet/formats/style.hpp"
#include "castnet/formats/tables.hpp"
#include "castnet/sdk/errors.hpp"

namespace castnet::formats {

namespace {

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
.counts td { padding: 0.2em 1.2em 0.2em 0; }
img.graph { max-width: 100%; border: 1px solid #ddd; }
table.people { border-collapse: collapse; }
table.people td, table.people th { padding: 0.3em 0.8em; border-bottom: 1px solid #eee; text-align: left; }
img.face, span.face { width: 64px; height: 64px; object-fit: cover; border-radius: 50%; border: 4px solid; }
span.face { display: inline-block; background: #ccc; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%; vertical-align: middle; }
.timeline { position: relative; height: 14px; background: #f2f2f2; min-width: 500px;
            content-visibility: auto; contain-intrinsic-size: 500px 14px; }
.timeline span { position: absolute; top: 0; height: 14px; background: currentColor; }
.montages figure { display: inline-block; margin: 0.5em; text-align: center; }
.montages img { max-width: 360px; border: 1px solid #ccc; }
)";

// Opened as report.html#check-images, the page loads every image (they are lazy otherwise: a
// year's report has some 13,000, and loading them all took Chromium 18 s) and marks itself with
// how many failed, so a headless browser can tell.
constexpr const char* kImageCheck = R"(<script>
window.addEventListener('load', function () {
  if (location.hash !== '#check-images') return;
  var imgs = document.images, left = imgs.length, broken = 0;
  function done(ok) {
    if (!ok) ++broken;
    if (--left > 0) return;
    document.body.setAttribute('data-images', imgs.length);
    document.body.setAttribute('data-broken-images', broken);
  }
  if (left === 0) { ++left; done(true); }
  for (var i = 0; i < imgs.length; ++i) {
    var probe = new Image();  // the page's own images stay lazy
    probe.onload = function () { done(this.naturalWidth > 0); };
    probe.onerror = function () { done(false); };
    probe.src = imgs[i].src;
  }
});
</script>)";

// The person's face, or a grey disc where castnet has no image of it (its frames unreadable).
std::string face_cell(const PersonNode& p, const std::string& colour) {
  if (p.image.empty()) return fmt::format("<span class=\"face none\" title=\"no image: its frames could not be read\" style=\"border-color:{}\"></span>", colour);
  return fmt::format("<img class=\"face\" loading=\"lazy\" width=\"64\" height=\"64\" src=\"{}\" alt=\"person {}\" style=\"border-color:{}\">",
                     xml_escape(p.image), p.identity, colour);
}

}  // namespace

void write_report(OutputBatch& batch, const ReportInput& in) {
  const Network& net = *in.net;
  const Timeline& tl = *in.timeline;
  const Graph& g = net.graph;
  const std::size_t noise = std::size_t(std::count(net.labels.begin(), net.labels.end(), -1)) - net.unclustered;
  std::vector<std::size_t> order(boost::num_vertices(g));
  for (std::size_t v = 0; v < order.size(); ++v) order[v] = v;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return g[a].pagerank > g[b].pagerank; });
  double duration = tl.frame_seconds.empty() ? 1.0 : tl.frame_seconds.back() + tl.interval - tl.frame_seconds.front();
  double t0 = tl.frame_seconds.empty() ? 0.0 : tl.frame_seconds.front();

  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>castnet report</title>\n<style>";
  h += kStyle;
  h += "</style></head>\n<body>\n<h1>Who appears with whom</h1>\n";
  h += fmt::format("<p>{} to {}, {} frames.</p>\n", xml_escape(tl.format(t0)), xml_escape(tl.format(t0 + duration)), net.frames.size());
  h += "<p><a href=\"network.html\">Explore the network</a>: hover a face, search a name, choose a time window.</p>\n";
  h += "<h2>Counts</h2>\n<table class=\"counts\">\n";
  h += fmt::format("<tr><td>frames</td><td>{}</td></tr><tr><td>faces</td><td>{}</td></tr>", net.frames.size(), net.faces.size());
  h += fmt::format("<tr><td>people (clusters)</td><td>{}</td></tr><tr><td>faces left as noise</td><td>{}</td></tr>", boost::num_vertices(g), noise);
  if (net.unclustered) h += fmt::format("<tr><td>faces not clustered yet</td><td>{}</td></tr>", net.unclustered);
  h += fmt::format("<tr><td>links</td><td>{}</td></tr></table>\n", boost::num_edges(g));
  if (in.has_picture)
    h += "<h2>The network</h2>\n<p><a href=\"graph.svg\"><img class=\"graph\" src=\"graph.png\" alt=\"the co-occurrence network\"></a></p>\n";
  h += "<h2>People, by PageRank</h2>\n<table class=\"people\"><tr><th>#</th><th>face</th><th>person</th><th>PageRank</th><th>community</th>"
       "<th>faces</th><th>on screen</th></tr>\n";
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    const PersonNode& p = g[order[rank]];
    std::string colour = community_colour(p.community).hex();
    h += fmt::format("<tr id=\"person-{0}\"><td>{1}</td><td>{2}</td>"
                     "<td>{7}</td><td>{4:.4f}</td><td><span class=\"swatch\" style=\"background:{3}\"></span> {5}</td><td>{6}</td><td>",
                     p.identity, rank + 1, face_cell(p, colour), colour, p.pagerank, p.community, p.faces, xml_escape(p.label()));
    // Off-screen timelines are not laid out (content-visibility), and their spans take the colour
    // of the row: a year's report opens in about 4 s rather than 7.
    h += fmt::format("<div class=\"timeline\" style=\"color:{}\">", colour);
    // Spells closer than a thousandth of the period are one bar (under a pixel apart at this
    // width): a year's anchor has some 120,000 spells, and a span each made the page 107 MB,
    // two minutes to open in Chromium.
    const auto& spells = tl.nodes.at(p.identity);
    for (std::size_t a = 0, b = 0; a < spells.size(); a = b) {
      double end = spells[a].end;
      for (b = a + 1; b < spells.size() && spells[b].start - end <= duration / 1000; ++b) end = std::max(end, spells[b].end);
      h += fmt::format("<span style=\"left:{:.3f}%;width:{:.3f}%\" title=\"{} - {}\"></span>", 100 * (spells[a].start - t0) / duration,
                       std::max(0.2, 100 * (end - spells[a].start) / duration), xml_escape(tl.readable(spells[a].start)), xml_escape(tl.readable(end)));
    }
    h += "</div></td></tr>\n";
  }
  h += "</table>\n<h2>Each person's faces</h2>\n<div class=\"montages\">\n";
  for (std::size_t v : order)
    h += fmt::format("<figure><img loading=\"lazy\" src=\"montages/montage-{0}.jpg\" alt=\"faces of person {0}\"><figcaption>{1}</figcaption></figure>\n",
                     g[v].identity, xml_escape(g[v].label()));
  h += "</div>\n<h2>Pipeline</h2>\n<pre>" + xml_escape(in.pipeline_toml) + "</pre>\n";
  h += kImageCheck;
  h += "\n</body></html>\n";
  batch.file("report.html", h);
}

}  // namespace castnet::formats
