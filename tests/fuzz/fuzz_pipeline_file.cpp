// Pipeline files (TOML) as users write them: `castnet run --pipeline FILE`.
#include "castnet/core/pipeline_file.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  castnet::fuzz::expect_only_castnet_errors([&] { castnet::parse_pipeline(text, "fuzz.toml"); });
  return 0;
}
