#include "castnet/formats/outputs.hpp"

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

template <class Fn>
std::string text_of(Fn&& fill) {
  std::ostringstream s;
  fill(s);
  return s.str();
}

}  // namespace

void write_outputs(const fs::path& out, const Network& net, const FaceCrops& crops,
                   const std::map<int, std::size_t>& picks, const OutputOptions& opt) {
  // Every output is staged, and all replace the earlier ones at the end: a failure on the way
  // (a full disk) leaves the earlier outputs as they were. Every output in OUT describes this
  // clustering: one not written now is an earlier run's, and goes.
  OutputBatch batch(out);
  write_person_images(batch, net, crops, picks, opt.images);
  batch.file("faces.csv", text_of([&](std::ostream& o) { write_faces_csv(o, net.frames, net.faces, net.labels); }));
  batch.file("cluster.txt", text_of([&](std::ostream& o) { write_cluster_txt(o, crops.paths, net.labels); }));
  batch.file("nodes.csv", text_of([&](std::ostream& o) { write_nodes_csv(o, net.graph); }));
  batch.file("edges.csv", text_of([&](std::ostream& o) { write_edges_csv(o, net.graph); }));
  const std::string record = text_of([&](std::ostream& o) {
    write_pipeline_file(o, net.run.detector, net.run.embedder, net.run.clusterer, net.run.constraints, net.edge_rule_key);
  });
  batch.file("pipeline.toml", record);

  Timeline timeline = timeline_of(net, opt.frame_interval);
  GexfOptions gexf{opt.gexf_version,
                   fmt::format("Faces that appear together on screen. Detector {}, embedder {}, clusterer {}, face constraints {}, edge rule {}. Node image: {}.",
                               net.run.detector, net.run.embedder, net.run.clusterer,
                               net.run.constraints.empty() ? "in the clusterer's key" : net.run.constraints, net.edge_rule_key,
                               describe(opt.node_image))};
  const std::string static_gexf = text_of([&](std::ostream& o) { write_gexf(o, net.graph, gexf, &timeline); });
  batch.file("graph.gexf", static_gexf);
  if (opt.dynamic) {
    gexf.dynamic = true;
    batch.file("graph-dynamic.gexf", text_of([&](std::ostream& o) { write_gexf(o, net.graph, gexf, &timeline); }));
  } else {
    batch.remove("graph-dynamic.gexf");
  }
  if (opt.pictures) {
    write_graph_pictures(batch, net.graph);
  } else {
    batch.remove("graph.png");
    batch.remove("graph.svg");
  }
  if (opt.report) {
    write_report(batch, {&net, &timeline, record, opt.pictures});
    write_network_page(batch, net, timeline, static_gexf);
  } else {
    batch.remove("report.html");
    batch.remove("network.html");
  }
  batch.commit();
}

}  // namespace castnet::formats
