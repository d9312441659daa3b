#include <gtest/gtest.h>

#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/params.hpp"

namespace castnet {
namespace {

std::vector<ParamSpec> specs() {
  return {ParamSpec{"eps", ParamType::real, 0.4, "radius", 0.0, std::nullopt}.above_min(),
          {"min_samples", ParamType::integer, std::int64_t{5}, "core size", 1.0, std::nullopt},
          {"method", ParamType::text, std::string("eom"), "selection", std::nullopt, std::nullopt, {"eom", "leaf"}},
          {"single", ParamType::boolean, false, "allow one cluster"},
          ParamSpec{"threads", ParamType::integer, std::int64_t{0}, "workers (0: all cores)", 0.0, 64.0}.execution()};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  return "";
}

TEST(Params, StageSpecParsesNameAndValues) {
  StageSpec s = parse_stage_spec("dbscan:eps=0.45,min_samples=3");
  EXPECT_EQ(s.plugin, "dbscan");
  EXPECT_EQ(s.raw.at("eps"), "0.45");
  EXPECT_EQ(s.raw.at("min_samples"), "3");
  EXPECT_TRUE(parse_stage_spec("dlib-hog").raw.empty());
  EXPECT_NE(error_of([] { parse_stage_spec("dbscan:eps"); }).find("param=value"), std::string::npos);
  EXPECT_FALSE(error_of([] { parse_stage_spec(":eps=1"); }).empty());
}

TEST(Params, DefaultsFilledAndValuesTyped) {
  Params p = validate_params("dbscan", specs(), {{"eps", "0.45"}, {"single", "true"}});
  EXPECT_DOUBLE_EQ(p.real("eps"), 0.45);
  EXPECT_EQ(p.integer("min_samples"), 5);
  EXPECT_EQ(p.text("method"), "eom");
  EXPECT_TRUE(p.boolean("single"));
  EXPECT_EQ(canonical_spec("dbscan", specs(), p), "dbscan:eps=0.45,method=eom,min_samples=5,single=true");
}

TEST(Params, ExecutionSettingsStayOutOfTheKey) {
  auto key = [](const std::map<std::string, std::string>& raw) {
    return canonical_spec("dbscan", specs(), validate_params("dbscan", specs(), raw));
  };
  EXPECT_EQ(key({{"threads", "1"}}), key({{"threads", "8"}}));
  EXPECT_EQ(key({{"threads", "1"}}).find("threads"), std::string::npos);
  EXPECT_NE(key({{"eps", "0.5"}}), key({{"eps", "0.45"}}));
}

TEST(Params, AnOpenMinimumRefusesTheMinimumItself) {
  auto msg = error_of([] { validate_params("dbscan", specs(), {{"eps", "0"}}); });
  EXPECT_NE(msg.find("'eps' takes number above 0, not '0'"), std::string::npos) << msg;
  EXPECT_DOUBLE_EQ(validate_params("dbscan", specs(), {{"eps", "1e-9"}}).real("eps"), 1e-9);
  EXPECT_EQ(validate_params("dbscan", specs(), {{"threads", "0"}}).integer("threads"), 0);  // closed: 0 is fine
}

TEST(Params, RemembersWhichParametersWereRead) {
  Params p = validate_params("dbscan", specs(), {});
  EXPECT_EQ(p.unread().size(), specs().size());
  p.real("eps");
  p.integer("min_samples");
  EXPECT_EQ(p.unread(), (std::vector<std::string>{"method", "single", "threads"}));
  Params copy = p;  // a copy starts afresh: what a factory reads is its own
  EXPECT_EQ(copy.unread().size(), specs().size());
}

TEST(Params, UnknownParameterNamesPluginAndWhatItTakes) {
  auto msg = error_of([] { validate_params("dbscan", specs(), {{"epsilon", "1"}}); });
  EXPECT_NE(msg.find("dbscan has no parameter 'epsilon'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("eps, min_samples, method, single"), std::string::npos) << msg;
}

TEST(Params, WrongTypeAndOutOfRangeAreRefused) {
  auto msg = error_of([] { validate_params("dbscan", specs(), {{"min_samples", "2.5"}}); });
  EXPECT_NE(msg.find("'min_samples' takes integer of at least 1, not '2.5'"), std::string::npos) << msg;
  msg = error_of([] { validate_params("dbscan", specs(), {{"eps", "-1"}}); });
  EXPECT_NE(msg.find("'eps' takes number above 0"), std::string::npos) << msg;
  msg = error_of([] { validate_params("dbscan", specs(), {{"eps", "nan"}}); });
  EXPECT_FALSE(msg.empty());
  msg = error_of([] { validate_params("dbscan", specs(), {{"method", "flat"}}); });
  EXPECT_NE(msg.find("one of eom, leaf"), std::string::npos) << msg;
  msg = error_of([] { validate_params("dbscan", specs(), {{"single", "maybe"}}); });
  EXPECT_FALSE(msg.empty());
}

}  // namespace
}  // namespace castnet
