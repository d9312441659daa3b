#include "castnet/core/pipeline_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "castnet/core/constraints.hpp"
#include "castnet/sdk/errors.hpp"

namespace castnet {

namespace {

// The default (docs/quality.md has the measurements that chose it): HOG on the frame as it is with the small-face
// pass, Chinese whispers at 0.4, the face constraints, and clusters whose faces are on average
// within dlib's same-person distance joined.
constexpr const char* kModern = R"(# castnet's default: small faces found, one face per person per frame, no tuning.
[detector]
plugin = "dlib-hog"
upsample = 0
small_faces = true
[embedder]
plugin = "dlib-resnet"
[clusterer]
plugin = "chinese-whispers"
threshold = 0.4
[constraints]
cannot_link = true
must_link = true
merge_distance = 0.6
[edges]
plugin = "cooccurrence"
)";

constexpr const char* kSeed = R"(# The seed's pipeline (GDELT 2023): dlib HOG, dlib ResNet embeddings, DBSCAN eps 0.4 --
# face_recognition + scikit-learn exactly.
[detector]
plugin = "dlib-hog"
upsample = 1
small_faces = false
[embedder]
plugin = "dlib-resnet"
[clusterer]
plugin = "dbscan"
eps = 0.4
min_samples = 5
[constraints]
cannot_link = false
must_link = false
merge_distance = 0
[edges]
plugin = "cooccurrence"
)";

constexpr const char* kLegacy = R"(# GDELT's first pipeline: a Haar cascade and perceptual-hash groups.
[detector]
plugin = "haar"
[embedder]
plugin = "phash"
[clusterer]
plugin = "hash-groups"
[constraints]
cannot_link = false
must_link = false
merge_distance = 0
[edges]
plugin = "cooccurrence"
)";

std::string quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return q + "\"";
}

const std::vector<std::string> kStages = {"detector", "embedder", "clusterer", "constraints", "edges"};

StageSpec stage_from(const toml::table& t, const std::string& stage, const std::string& source) {
  StageSpec spec;
  if (stage == "constraints") spec.plugin = "constraints";  // the host's stage: no plugin to name
  for (auto&& [key, node] : t) {
    std::string k(key.str());
    std::string text;
    if (auto s = node.value_exact<std::string>()) text = *s;
    else if (auto i = node.value_exact<std::int64_t>()) text = std::to_string(*i);
    else if (auto d = node.value_exact<double>()) text = fmt::format("{}", *d);
    else if (auto b = node.value_exact<bool>()) text = *b ? "true" : "false";
    else
      throw Error(ExitCode::usage, fmt::format("{}: [{}] {} must be a number, text or true/false, not a {}.", source, stage, k,
                                               node.is_array() ? "list" : "table"));
    if (k == "plugin" && stage != "constraints") spec.plugin = text;
    else spec.raw[k] = text;
  }
  if (spec.plugin.empty())
    throw Error(ExitCode::usage, fmt::format("{}: [{}] names no plugin; add plugin = \"NAME\".", source, stage));
  return spec;
}

// The tables of `text` over `p`. A [clusterer] without [constraints] runs bare, as its reference
// does (constraints.hpp).
PipelineSpec parse_onto(PipelineSpec p, const std::string& text, const std::string& source) {
  toml::table doc;
  try {
    doc = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw Error(ExitCode::usage, fmt::format("{} is not valid TOML (line {}: {}).", source, e.source().begin.line, e.description()));
  }
  for (auto&& [key, node] : doc) {
    std::string stage(key.str());
    if (std::find(kStages.begin(), kStages.end(), stage) == kStages.end())
      throw Error(ExitCode::usage, fmt::format("{}: unknown stage [{}]; the stages are {}.", source, stage, fmt::join(kStages, ", ")));
    if (!node.is_table())
      throw Error(ExitCode::usage, fmt::format("{}: {} must be a table ([{}] with plugin = \"NAME\").", source, stage, stage));
    StageSpec s = stage_from(*node.as_table(), stage, source);
    if (stage == "detector") p.detector = s;
    else if (stage == "embedder") p.embedder = s;
    else if (stage == "clusterer") p.clusterer = s;
    else if (stage == "constraints") p.constraints = s;
    else p.edges = s;
  }
  if (doc.contains("constraints")) constraint_options(p.constraints);  // said with the file's name if wrong
  else if (doc.contains("clusterer")) p.constraints = no_constraints();
  return p;
}

}  // namespace

PipelineSpec parse_pipeline(const std::string& text, const std::string& source) {
  return parse_onto(default_pipeline(), text, source);
}

PipelineSpec load_pipeline_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ExitCode::usage, fmt::format("The pipeline file {} cannot be read.", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_pipeline(ss.str(), path.string());
}

std::vector<std::string> preset_names() { return {"modern", "seed", "legacy"}; }

PipelineSpec default_pipeline() { return parse_onto({}, kModern, "preset modern"); }

PipelineSpec preset(const std::string& name) {
  if (name == "modern") return parse_pipeline(kModern, "preset modern");
  if (name == "seed") return parse_pipeline(kSeed, "preset seed");
  if (name == "legacy") return parse_pipeline(kLegacy, "preset legacy");
  throw Error(ExitCode::usage, fmt::format("No preset named '{}'; presets: {}.", name, fmt::join(preset_names(), ", ")));
}

void write_pipeline_file(std::ostream& out, const std::string& detector, const std::string& embedder,
                         const std::string& clusterer, const std::string& constraints, const std::string& edges) {
  out << "# The pipeline this output was made with: castnet run FRAMES -o OUT --pipeline pipeline.toml\n";
  // "" is a clustering of schema 3, whose clusterer key holds the constraints: no table of their own.
  const std::string none = canonical_spec("constraints", constraint_params(), validate_params("constraints", constraint_params(), no_constraints().raw));
  const std::string& constraints_table = constraints == "none" ? none : constraints;
  const std::pair<const char*, const std::string*> stages[] = {{"detector", &detector},
                                                               {"embedder", &embedder},
                                                               {"clusterer", &clusterer},
                                                               {"constraints", &constraints_table},
                                                               {"edges", &edges}};
  for (const auto& [name, key] : stages) {
    if (key->empty()) continue;
    StageSpec s = parse_stage_spec(*key);
    out << "[" << name << "]\n";
    if (std::string(name) != "constraints") out << "plugin = " << quoted(s.plugin) << "\n";
    for (const auto& [k, v] : s.raw) {
      // Canonical values are numbers, booleans or words; quote what is not a TOML number or bool.
      bool bare = v == "true" || v == "false";
      if (!bare) {
        char* end = nullptr;
        std::strtod(v.c_str(), &end);
        bare = !v.empty() && *end == '\0' && v.find_first_not_of("0123456789+-.eE") == std::string::npos;
      }
      out << k << " = " << (bare ? v : quoted(v)) << "\n";
    }
  }
}

}  // namespace castnet
