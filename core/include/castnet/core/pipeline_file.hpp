// Pipeline files: the stages and their parameters in TOML, e.g.
//
//     [detector]
//     plugin = "dlib-hog"
//     upsample = 1
//     [clusterer]
//     plugin = "dbscan"
//     eps = 0.4
//     [constraints]
//     cannot_link = true
//
// A missing table keeps the default stage, except that a [clusterer] without [constraints] runs
// without the face constraints (constraints.hpp). Presets are pipeline files built in: `modern` (the
// default: small faces, constraints, Chinese whispers; docs/quality.md), `seed` (the GDELT 2023
// pipeline, equal to face_recognition + scikit-learn) and `legacy` (Haar + perceptual hash +
// hash groups).
#pragma once
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "castnet/sdk/params.hpp"

namespace castnet {

struct PipelineSpec {
  StageSpec detector, embedder, clusterer, edges;
  StageSpec constraints;  // plugin "constraints": the host's face constraints, not a plugin
};

// What castnet runs when no stage is named: the `modern` preset.
PipelineSpec default_pipeline();

// Throws Error(usage) naming the file, the table and the key for an unknown stage, a table
// without `plugin`, or a value TOML cannot give as text (arrays, tables).
PipelineSpec load_pipeline_file(const std::filesystem::path& path);
PipelineSpec parse_pipeline(const std::string& toml_text, const std::string& source_name);
// Throws Error(usage) listing the presets.
PipelineSpec preset(const std::string& name);
std::vector<std::string> preset_names();

// Writes the canonical stage keys (`dbscan:eps=0.4,min_samples=5`) as a pipeline file that
// reproduces the run: every parameter, defaults included. constraints: the stored key ("none",
// `constraints:...`, or "" for a clustering whose clusterer key holds them).
void write_pipeline_file(std::ostream& out, const std::string& detector, const std::string& embedder,
                         const std::string& clusterer, const std::string& constraints, const std::string& edges);

}  // namespace castnet
