#include "castnet/formats/tables.hpp"

#include <map>

#include <fmt/format.h>

namespace castnet::formats {

std::string ascii_text(const std::string& raw) {
  std::string o;
  for (unsigned char c : valid_utf8(raw)) {
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: its character is said already
    o += c >= 0x20 && c < 0x7F ? char(c) : '?';
  }
  return o;
}

std::string xml_text(const std::string& raw) { return text_without_controls(raw); }

std::string xml_escape(const std::string& raw) {
  std::string o;
  for (char c : xml_text(raw)) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string csv_field(const std::string& raw) {
  std::string s = xml_text(raw);
  // A spreadsheet takes a cell beginning = + - @ (or a tab or CR before them) for a formula;
  // OWASP's advice: a leading apostrophe, and the cell quoted.
  const bool formula = !s.empty() && std::string("=+-@\t\r").find(s.front()) != std::string::npos;
  if (formula) s.insert(0, 1, '\'');
  if (!formula && s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void write_faces_csv(std::ostream& out, const std::vector<StoredFrame>& frames,
                     const std::vector<StoredFace>& faces, const std::vector<int>& labels) {
  std::map<std::int64_t, const StoredFrame*> by_id;
  for (const auto& f : frames) by_id[f.id] = &f;
  out << "frame,left,top,right,bottom,score,label\n";
  for (std::size_t i = 0; i < faces.size(); ++i) {
    const Box& b = faces[i].face.box;
    out << fmt::format("{},{},{},{},{},{},{}\n", csv_field(by_id.at(faces[i].frame_id)->name), b.left, b.top, b.right,
                       b.bottom, faces[i].face.score, labels[i]);
  }
}

void write_cluster_txt(std::ostream& out, const std::vector<std::string>& crops, const std::vector<int>& labels) {
  for (std::size_t i = 0; i < crops.size(); ++i)
    out << fmt::format("[MATCH] FACEID=\"{}\" IMG=\"{}\"\n", labels[i], crops[i]);
}

void write_nodes_csv(std::ostream& out, const Graph& g) {
  out << "Id,Label,Image\n";
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v)
    out << g[v].identity << ',' << csv_field(g[v].label()) << ',' << csv_field(g[v].image) << '\n';
}

void write_edges_csv(std::ostream& out, const Graph& g) {
  out << "Source,Target,Type,Weight,CocurFrames\n";
  for (auto [e, end] = boost::edges(g); e != end; ++e)
    out << fmt::format("{},{},Undirected,{},{}\n", g[boost::source(*e, g)].identity, g[boost::target(*e, g)].identity,
                       g[*e].weight, g[*e].count);
}

}  // namespace castnet::formats
