// Pipeline files and presets: stages and parameters from TOML, mistakes named precisely.
#include <sstream>

#include "castnet/core/constraints.hpp"
#include "castnet/core/pipeline_file.hpp"
#include "castnet/sdk/errors.hpp"
#include "support.hpp"

namespace castnet {
namespace {

std::string error_of(const std::string& toml) {
  try {
    parse_pipeline(toml, "test.toml");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  return "";
}

TEST(PipelineFile, StagesAndValuesBecomeStageSpecs) {
  PipelineSpec p = parse_pipeline("[clusterer]\nplugin = \"hdbscan\"\nmin_cluster_size = 3\ncluster_selection_epsilon = 0.25\n"
                                  "allow_single_cluster = true\ncluster_selection_method = \"leaf\"\n",
                                  "test.toml");
  EXPECT_EQ(p.clusterer.plugin, "hdbscan");
  EXPECT_EQ(p.clusterer.raw.at("min_cluster_size"), "3");
  EXPECT_EQ(p.clusterer.raw.at("cluster_selection_epsilon"), "0.25");
  EXPECT_EQ(p.clusterer.raw.at("allow_single_cluster"), "true");
  EXPECT_EQ(p.clusterer.raw.at("cluster_selection_method"), "leaf");
  EXPECT_EQ(p.detector.plugin, "dlib-hog");  // stages not named keep their defaults
}

TEST(PipelineFile, MistakesNameTheFileStageAndKey) {
  EXPECT_NE(error_of("[detektor]\nplugin = \"haar\"\n").find("test.toml: unknown stage [detektor]; the stages are detector, embedder, clusterer, constraints, edges"),
            std::string::npos);
  EXPECT_NE(error_of("[detector]\nupsample = 2\n").find("[detector] names no plugin"), std::string::npos);
  EXPECT_NE(error_of("[clusterer]\nplugin = \"dbscan\"\neps = [0.4]\n").find("[clusterer] eps must be a number, text or true/false, not a list"),
            std::string::npos);
  EXPECT_NE(error_of("[clusterer\nplugin = 1").find("is not valid TOML (line 1"), std::string::npos);
  EXPECT_NE(error_of("detector = \"haar\"\n").find("detector must be a table"), std::string::npos);
}

TEST(PipelineFile, WrongTypeIsCaughtByTheParameterCheckNamingPluginAndParameter) {
  PipelineSpec p = parse_pipeline("[clusterer]\nplugin = \"dbscan\"\nmin_samples = \"five\"\n", "test.toml");
  auto& d = test::registry().find(PluginKind::clusterer, "dbscan");
  try {
    validate_params(d.name, d.params, p.clusterer.raw);
    FAIL() << "accepted min_samples = \"five\"";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dbscan: parameter 'min_samples' takes integer"), std::string::npos) << e.what();
  }
}

TEST(PipelineFile, PresetsNameThePublishedPipelines) {
  PipelineSpec modern = preset("modern"), seed = preset("seed"), legacy = preset("legacy");
  EXPECT_EQ(modern.detector.plugin, "dlib-hog");
  EXPECT_EQ(modern.detector.raw.at("small_faces"), "true");
  EXPECT_EQ(modern.clusterer.plugin, "chinese-whispers");
  EXPECT_EQ(seed.detector.raw.at("small_faces"), "false");
  EXPECT_EQ(seed.embedder.plugin, "dlib-resnet");
  EXPECT_EQ(seed.clusterer.plugin, "dbscan");
  EXPECT_EQ(seed.clusterer.raw.at("eps"), "0.4");
  EXPECT_EQ(seed.clusterer.raw.at("min_samples"), "5");
  EXPECT_EQ(constraints_key(seed.constraints), "none");  // the seed had no constraints
  EXPECT_EQ(constraints_key(legacy.constraints), "none");
  EXPECT_TRUE(constraint_options(modern.constraints).cannot_link);
  EXPECT_EQ(constraint_options(modern.constraints).merge_distance, 0.6);
  EXPECT_EQ(legacy.detector.plugin, "haar");
  EXPECT_EQ(legacy.embedder.plugin, "phash");
  EXPECT_EQ(legacy.clusterer.plugin, "hash-groups");
  try {
    preset("vintage");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("presets: modern, seed, legacy"), std::string::npos);
  }
}

TEST(PipelineFile, TheDefaultIsTheModernPresetAndAFileOverridesItTableByTable) {
  PipelineSpec d = default_pipeline(), modern = preset("modern");
  EXPECT_EQ(d.detector.raw, modern.detector.raw);
  EXPECT_EQ(d.clusterer.plugin, modern.clusterer.plugin);
  EXPECT_EQ(d.clusterer.raw, modern.clusterer.raw);
  PipelineSpec p = parse_pipeline("[clusterer]\nplugin = \"dbscan\"\n", "file");
  EXPECT_EQ(p.clusterer.plugin, "dbscan");
  EXPECT_TRUE(p.clusterer.raw.empty());
  EXPECT_EQ(p.detector.raw, modern.detector.raw);  // a table not given keeps the default's
  EXPECT_EQ(constraints_key(p.constraints), "none") << "a clusterer named without [constraints] runs bare";
  PipelineSpec q = parse_pipeline("[clusterer]\nplugin = \"dbscan\"\n[constraints]\nmerge_distance = 0.5\n", "file");
  EXPECT_EQ(constraints_key(q.constraints),
            "constraints:cannot_link=true,merge_distance=0.5,must_link=true,same_person=0.6,track_overlap=0.5");
  PipelineSpec r = parse_pipeline("[detector]\nplugin = \"haar\"\n", "file");
  EXPECT_EQ(constraints_key(r.constraints), constraints_key(modern.constraints)) << "the default's clustering, constraints and all";
}

TEST(PipelineFile, ConstraintsAreAStageOfTheirOwnWithOneSentenceForBadValues) {
  EXPECT_EQ(constraints_key(parse_constraints_spec("none")), "none");
  EXPECT_EQ(constraints_key(parse_constraints_spec("off")), "none");
  EXPECT_EQ(constraints_key(parse_constraints_spec("on")),
            "constraints:cannot_link=true,merge_distance=0.6,must_link=true,same_person=0.6,track_overlap=0.5");
  EXPECT_EQ(constraints_key(parse_constraints_spec("cannot_link=false,must_link=false,merge_distance=0")), "none");
  for (const char* bad : {"maybe", "cannot_link=maybe", "track_overlap=0", "eps=0.4"}) {
    try {
      parse_constraints_spec(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage) << bad;
    }
  }
  try {
    parse_pipeline("[constraints]\nmerge_distance = -1\n", "file.toml");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("merge_distance"), std::string::npos) << e.what();
  }
}

TEST(PipelineFile, TheRecordOfARunReadsBackAsTheSameStages) {
  std::ostringstream out;
  write_pipeline_file(out, "dlib-hog:upsample=1", "dlib-resnet:batch=16,padding=0.25",
                      "hdbscan:allow_single_cluster=false,cluster_selection_method=leaf,min_cluster_size=5",
                      "constraints:cannot_link=true,merge_distance=0.5,must_link=false,same_person=0.6,track_overlap=0.5",
                      "cooccurrence:min_count=2,window=1");
  PipelineSpec p = parse_pipeline(out.str(), "record");
  EXPECT_EQ(p.embedder.raw.at("padding"), "0.25");
  EXPECT_EQ(p.clusterer.raw.at("cluster_selection_method"), "leaf");
  EXPECT_EQ(p.clusterer.raw.at("allow_single_cluster"), "false");
  EXPECT_EQ(p.edges.raw.at("window"), "1");
  EXPECT_EQ(p.constraints.raw.at("merge_distance"), "0.5");
  EXPECT_EQ(p.constraints.raw.at("must_link"), "false");
  std::ostringstream bare;
  write_pipeline_file(bare, "dlib-hog:upsample=1", "dlib-resnet:batch=16,padding=0.25", "dbscan:eps=0.4,min_samples=5", "none",
                      "cooccurrence:min_count=2,window=1");
  EXPECT_EQ(constraints_key(parse_pipeline(bare.str(), "record").constraints), "none");
}

}  // namespace
}  // namespace castnet
