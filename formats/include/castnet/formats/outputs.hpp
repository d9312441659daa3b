// Everything `castnet graph` writes into the output folder once the face crops are written and
// each person's node image chosen (core/node_image.hpp), in one call.
#pragma once
#include <filesystem>
#include <map>

#include "castnet/core/connect.hpp"
#include "castnet/core/node_image.hpp"
#include "castnet/formats/face_images.hpp"
#include "castnet/formats/gexf.hpp"

namespace castnet::formats {

struct OutputOptions {
  GexfVersion gexf_version = GexfVersion::v1_2draft;
  NodeImageRule node_image = NodeImageRule::best;  // how `picks` were chosen, said in the GEXF
  FaceImageOptions images;
  bool dynamic = true;         // also graph-dynamic.gexf, with spells for Gephi's timeline
  double frame_interval = 4.0; // seconds between frames (the Visual Explorer's)
  bool pictures = true;        // graph.svg, graph.png
  bool report = true;          // report.html (needs the pictures for its network image) and network.html
};

// node_images/, montages/, montage-final.png, faces.csv, cluster.txt, nodes.csv, edges.csv,
// pipeline.toml, graph.gexf, and unless turned off graph-dynamic.gexf, graph.svg, graph.png,
// report.html and network.html.
void write_outputs(const std::filesystem::path& out, const Network& net, const FaceCrops& crops,
                   const std::map<int, std::size_t>& picks, const OutputOptions& opt);

}  // namespace castnet::formats
