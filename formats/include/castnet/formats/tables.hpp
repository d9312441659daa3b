// The text outputs: faces.csv, and the seed's cluster.txt and Gephi Data Laboratory CSVs.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "castnet/core/store.hpp"
#include "castnet/core/text.hpp"
#include "castnet/network/graph.hpp"

namespace castnet::formats {

// Text for OpenCV's Hershey fonts, which draw printable ASCII only: every other character
// (a UTF-8 sequence counts as one) becomes '?'.
std::string ascii_text(const std::string& raw);
// Text for XML and every other file writer: core's text_without_controls (pugixml escapes markup
// but passes control characters through).
std::string xml_text(const std::string& raw);
// Text made safe inside HTML, SVG and XML, attribute values included: xml_text, & < > " escaped.
std::string xml_escape(const std::string& raw);

// A CSV field: xml_text, RFC 4180 quoting where the field needs it, and a field a spreadsheet
// would run as a formula (= + - @ first) given a leading apostrophe.
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
