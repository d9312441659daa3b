// The CSVs users hand castnet: truth files (`castnet eval`) and labeled photo lists.
#include "castnet/eval/synth.hpp"
#include "castnet/eval/truth.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto path = castnet::fuzz::scratch_file("truth.csv", data, size);
  castnet::fuzz::expect_only_castnet_errors([&] { castnet::load_truth(path); });
  castnet::fuzz::expect_only_castnet_errors([&] { castnet::load_labeled_photos(path); });
  return 0;
}
