// The text outputs: faces.csv, and the seed's cluster.txt and Gephi Data Laboratory CSVs.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "castnet/core/store.hpp"
#include "castnet/network/graph.hpp"

namespace castnet::formats {

// RFC 4180 quoting, only where a field needs it.
// `s` as valid UTF-8: each byte that is not part of a well-formed sequence becomes U+FFFD. File
// names are bytes; a CSV, GEXF or HTML reader wants UTF-8 text.
std::string valid_utf8(const std::string& s);
// Text for OpenCV's Hershey fonts, which draw printable ASCII only: every other character
// (a UTF-8 sequence counts as one) becomes '?'.
std::string ascii_text(const std::string& raw);
// Text made safe inside HTML, SVG and XML, attribute values included: & < > " escaped.
std::string xml_escape(const std::string& raw);

std::string csv_field(const std::string& s);

// header frame,left,top,right,bottom,score,label: one row per detected face.
void write_faces_csv(std::ostream& out, const std::vector<StoredFrame>& frames,
                     const std::vector<StoredFace>& faces, const std::vector<int>& labels);

// The seed's lines, one per face: [MATCH] FACEID="<label>" IMG="<crop path>" (empty for a face no
// output shows, which castnet does not crop: a year's every face would be ~800,000 files).
void write_cluster_txt(std::ostream& out, const std::vector<std::string>& crops, const std::vector<int>& labels);

// nodes.csv: Id,Image  and  edges.csv: Source,Target,Type,Weight,CocurFrames (the seed's columns).
void write_nodes_csv(std::ostream& out, const Graph& g);
void write_edges_csv(std::ostream& out, const Graph& g);

}  // namespace castnet::formats
