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
};

// faces.csv, cluster.txt, faces/, montages/, node_images/, nodes.csv, edges.csv, graph.gexf.
void write_outputs(const std::filesystem::path& out, Network& net, const OutputOptions& opt);

}  // namespace castnet::formats
