// Stage and parameter strings (`--cluster dbscan:eps=0.4,min_samples=5`), parsed and validated
// against parameters of every type.
#include "castnet/sdk/params.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using castnet::ParamSpec;
  using castnet::ParamType;
  static const std::vector<ParamSpec> specs = {
      ParamSpec{"eps", ParamType::real, 0.4, "radius", 0.0, 10.0}.above_min(),
      ParamSpec{"min_samples", ParamType::integer, std::int64_t(5), "count", 1.0, 100000.0},
      ParamSpec{"recursive", ParamType::boolean, false, "flag"},
      ParamSpec{"algorithm", ParamType::text, std::string("tree"), "choice", std::nullopt, std::nullopt, {"tree", "brute"}},
      ParamSpec{"name", ParamType::text, std::string(""), "free text"},
  };
  std::string text(reinterpret_cast<const char*>(data), size);
  castnet::fuzz::expect_only_castnet_errors([&] {
    castnet::StageSpec spec = castnet::parse_stage_spec(text);
    castnet::Params p = castnet::validate_params(spec.plugin, specs, spec.raw);
    castnet::canonical_spec(spec.plugin, specs, p);
  });
  return 0;
}
