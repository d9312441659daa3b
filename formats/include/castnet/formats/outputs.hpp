// Everything `castnet graph` writes into the output folder, in one call.
#pragma once
#include <filesystem>

#include "castnet/formats/face_images.hpp"
#include "castnet/formats/gexf.hpp"
#include "castnet/pipeline.hpp"

namespace castnet::formats {

struct OutputOptions {
  GexfVersion gexf_version = GexfVersion::v1_2draft;
  FaceImageOptions images;
  bool dynamic = true;         // also graph-dynamic.gexf, with spells for Gephi's timeline
  double frame_interval = 4.0; // seconds between frames (the Visual Explorer's)
  bool pictures = true;        // graph.svg, graph.png
  bool report = true;          // report.html (needs the pictures for its network image)
};

// faces.csv, cluster.txt, faces/, montages/, montage-final.png, node_images/, nodes.csv,
// edges.csv, pipeline.toml, graph.gexf, and unless turned off graph-dynamic.gexf, graph.svg,
// graph.png, report.html.
void write_outputs(const std::filesystem::path& out, Network& net, const OutputOptions& opt);

}  // namespace castnet::formats
