// The network as a picture, without Gephi: graph.svg and graph.png. Each person is their face
// in a circle sized by PageRank and ringed in their community's colour, at the layout's
// position; edges are drawn by weight; a legend names the communities.
#pragma once
#include <filesystem>

#include "castnet/formats/output_batch.hpp"
#include "castnet/network/graph.hpp"

namespace castnet::formats {

// Layout units to pixels: x_px = offset_x + scale * x, y_px = offset_y - scale * y (y up, as in
// Gephi). Both pictures use the same frame, so SVG coordinates are PNG pixels.
struct PictureFrame {
  int width = 0, height = 0;   // whole picture, legend included
  double scale = 1, offset_x = 0, offset_y = 0;
  double text = 1;             // legend text scale: large pictures get larger type
  int legend_x = 0;
  double px(double x) const { return offset_x + scale * x; }
  double py(double y) const { return offset_y - scale * y; }
};

PictureFrame picture_frame(const Graph& g);

// Stages graph.svg and graph.png; node images (each vertex's `image`) are read where the batch
// has them.
void write_graph_pictures(OutputBatch& batch, const Graph& g);

}  // namespace castnet::formats
