// Shared by the fuzz targets: castnet::Error is the documented answer to bad input; any other
// exception escaping a reader is a bug (an "unexpected failure", exit 1), and libFuzzer reports
// it as a crash. Readers that take a path get the bytes through a file of this process's own.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "castnet/sdk/errors.hpp"

namespace castnet::fuzz {

inline std::filesystem::path scratch_file(const std::string& name, const std::uint8_t* data, std::size_t size) {
  auto dir = std::filesystem::temp_directory_path() / ("castnet_fuzz_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

template <class Fn>
void expect_only_castnet_errors(Fn&& fn) {
  try {
    fn();
  } catch (const castnet::Error&) {
    // one clear sentence: what bad input should get
  }
}

}  // namespace castnet::fuzz
