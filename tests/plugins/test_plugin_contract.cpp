// One check run over every installed plugin, as scikit-learn runs its common estimator checks
// over every estimator: what a descriptor declares is what its factory uses, and holds.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "castnet/core/registry.hpp"
#include "castnet/core/system.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/frame_source.hpp"
#include "support.hpp"

namespace castnet {
namespace {

bool type_matches(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::integer: return std::holds_alternative<std::int64_t>(p.default_value);
    case ParamType::real: return std::holds_alternative<double>(p.default_value);
    case ParamType::boolean: return std::holds_alternative<bool>(p.default_value);
    case ParamType::text: return std::holds_alternative<std::string>(p.default_value);
  }
  return false;
}

double numeric(const ParamValue& v) {
  return std::holds_alternative<std::int64_t>(v) ? double(std::get<std::int64_t>(v)) : std::get<double>(v);
}

bool is_kind(PluginKind kind, const Stage* s) {
  switch (kind) {
    case PluginKind::detector: return dynamic_cast<const Detector*>(s);
    case PluginKind::embedder: return dynamic_cast<const Embedder*>(s);
    case PluginKind::clusterer: return dynamic_cast<const Clusterer*>(s);
    case PluginKind::edge_rule: return dynamic_cast<const EdgeRule*>(s);
    case PluginKind::frame_source: return dynamic_cast<const FrameSource*>(s);
  }
  return false;
}

TEST(PluginContract, EveryPluginIsInstalled) {
  std::vector<std::string> names;
  for (const auto& d : test::registry().descriptors()) names.push_back(d.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"chinese-whispers", "cooccurrence", "dbscan", "dbscan-hnsw", "dlib-hog", "dlib-resnet", "folder",
                                             "haar", "hash-groups", "hdbscan", "mmod", "phash", "video", "zip"}));
  for (const auto& d : test::registry().descriptors())
    EXPECT_EQ(d.kind == PluginKind::frame_source, !d.inputs.empty()) << d.name << ": a frame source says what it reads, no other kind does";
}

TEST(PluginContract, EveryDefaultIsOfItsTypeAndInRange) {
  for (const auto& d : test::registry().descriptors()) {
    EXPECT_FALSE(d.summary.empty()) << d.name;
    for (const auto& p : d.params) {
      SCOPED_TRACE(d.name + ":" + p.name);
      EXPECT_FALSE(p.help.empty());
      ASSERT_TRUE(type_matches(p)) << "the default is not a " << to_string(p.type);
      if (p.type == ParamType::integer || p.type == ParamType::real) {
        double v = numeric(p.default_value);
        if (p.min) {
          EXPECT_TRUE(p.min_open ? v > *p.min : v >= *p.min) << "default below the minimum";
        }
        if (p.max) {
          EXPECT_LE(v, *p.max) << "default above the maximum";
        }
        // Where 0 is allowed it must mean something, and the help says what (threads 0: all
        // cores); where it means nothing (a radius), the range is open: above_min().
        bool admits_zero = (!p.min || *p.min < 0 || (*p.min == 0 && !p.min_open)) && (!p.max || *p.max >= 0);
        if (admits_zero) {
          EXPECT_NE(p.help.find("0:"), std::string::npos) << "0 is allowed, but the help does not say what it means";
        }
      }
      if (!p.choices.empty()) {
        EXPECT_NE(std::find(p.choices.begin(), p.choices.end(), std::get<std::string>(p.default_value)), p.choices.end());
      }
      // The default, written out, is accepted back: `castnet plugins show` and pipeline.toml print it.
      EXPECT_NO_THROW(validate_params(d.name, d.params, {{p.name, format_value(p.default_value)}}));
    }
  }
}

TEST(PluginContract, EveryBoundIsEnforced) {
  for (const auto& d : test::registry().descriptors())
    for (const auto& p : d.params) {
      SCOPED_TRACE(d.name + ":" + p.name);
      auto refused = [&](double v) {
        std::string text = p.type == ParamType::integer ? fmt::format("{}", std::int64_t(v)) : fmt::format("{}", v);
        try {
          validate_params(d.name, d.params, {{p.name, text}});
        } catch (const Error& e) {
          return e.code() == ExitCode::usage;
        }
        return false;
      };
      if (p.min) {
        EXPECT_TRUE(refused(p.min_open ? *p.min : *p.min - 1));
      }
      if (p.max) {
        EXPECT_TRUE(refused(*p.max + 1));
      }
    }
}

TEST(PluginContract, EveryPluginBuildsWithItsDefaultsAndReadsEveryParameter) {
  CASTNET_REQUIRE_MODELS();
  PluginContext ctx{default_models_dir()};
  for (const auto& d : test::registry().descriptors()) {
    SCOPED_TRACE(d.name);
    Params params = validate_params(d.name, d.params, {});
    std::unique_ptr<Stage> stage;
    ASSERT_NO_THROW(stage = d.build(params, ctx));
    ASSERT_TRUE(stage);
    EXPECT_TRUE(is_kind(d.kind, stage.get())) << "declared a " << to_string(d.kind) << " but built something else";
    EXPECT_TRUE(params.unread().empty()) << "declared but never read by the factory: " << fmt::format("{}", fmt::join(params.unread(), ", "));
  }
}

TEST(PluginContract, ExecutionSettingsAreLeftOutOfTheStoredKey) {
  for (const auto& d : test::registry().descriptors()) {
    std::string key = canonical_spec(d.name, d.params, validate_params(d.name, d.params, {}));
    for (const auto& p : d.params) {
      bool in_key = key.find(p.name + "=") != std::string::npos;
      EXPECT_EQ(in_key, p.role == ParamRole::result) << d.name << ":" << p.name << " in " << key;
    }
  }
}

}  // namespace
}  // namespace castnet
