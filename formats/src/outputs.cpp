#include "castnet/formats/outputs.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "castnet/core/pipeline_file.hpp"
#include "castnet/formats/graph_picture.hpp"
#include "castnet/formats/network_page.hpp"
#include "castnet/formats/report.hpp"
#include "castnet/formats/tables.hpp"
#include "castnet/sdk/errors.hpp"

namespace castnet::formats {

namespace fs = std::filesystem;

namespace {

// Written to a temporary name and renamed: a reader never sees half a file.
template <class Fn>
void write_file(const fs::path& path, Fn&& fill) {
  fs::path tmp = path;
  tmp += ".part";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw Error(ExitCode::output, fmt::format("{} cannot be written; check the output folder's permissions.", path.string()));
    fill(out);
    out.flush();
    if (!out) throw Error(ExitCode::output, fmt::format("{} could not be written completely (disk full?).", path.string()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::string why = ec.message();
    fs::remove(tmp, ec);
    throw Error(ExitCode::output, fmt::format("{} cannot be replaced ({}); check the output folder's permissions.", path.string(), why));
  }
}

}  // namespace

void write_outputs(const fs::path& out, const Network& net, const FaceCrops& crops,
                   const std::map<int, std::size_t>& picks, const OutputOptions& opt) {
  write_person_images(out, net, crops, picks, opt.images);
  write_file(out / "faces.csv", [&](std::ostream& o) { write_faces_csv(o, net.frames, net.faces, net.labels); });
  write_file(out / "cluster.txt", [&](std::ostream& o) { write_cluster_txt(o, crops.paths, net.labels); });
  write_file(out / "nodes.csv", [&](std::ostream& o) { write_nodes_csv(o, net.graph); });
  write_file(out / "edges.csv", [&](std::ostream& o) { write_edges_csv(o, net.graph); });
  std::ostringstream record;
  write_pipeline_file(record, net.run.detector, net.run.embedder, net.run.clusterer, net.run.constraints, net.edge_rule_key);
  write_file(out / "pipeline.toml", [&](std::ostream& o) { o << record.str(); });

  Timeline timeline = timeline_of(net, opt.frame_interval);
  GexfOptions gexf{opt.gexf_version,
                   fmt::format("Faces that appear together on screen. Detector {}, embedder {}, clusterer {}, face constraints {}, edge rule {}. Node image: {}.",
                               net.run.detector, net.run.embedder, net.run.clusterer,
                               net.run.constraints.empty() ? "in the clusterer's key" : net.run.constraints, net.edge_rule_key,
                               describe(opt.node_image))};
  std::ostringstream static_gexf;
  write_gexf(static_gexf, net.graph, gexf, &timeline);
  write_file(out / "graph.gexf", [&](std::ostream& o) { o << static_gexf.str(); });
  // Every output in OUT describes this clustering: one not written now is an earlier run's, and goes.
  auto stale = [&](std::initializer_list<const char*> names) {
    for (const char* name : names) {
      std::error_code ec;
      fs::remove(out / name, ec);
      if (ec) throw Error(ExitCode::output, fmt::format("The earlier {} cannot be removed ({}).", (out / name).string(), ec.message()));
    }
  };
  if (opt.dynamic) {
    gexf.dynamic = true;
    write_file(out / "graph-dynamic.gexf", [&](std::ostream& o) { write_gexf(o, net.graph, gexf, &timeline); });
  } else {
    stale({"graph-dynamic.gexf"});
  }
  if (opt.pictures) write_graph_pictures(out, net.graph);
  else stale({"graph.png", "graph.svg"});
  if (opt.report) {
    write_report(out, {&net, &timeline, record.str(), opt.pictures});
    write_network_page(out, net, timeline, static_gexf.str());
  } else {
    stale({"report.html", "network.html"});
  }
}

}  // namespace castnet::formats
