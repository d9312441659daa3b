// Loading a dlib model file from the model cache with errors a user can act on.
#pragma once
#include <filesystem>
#include <string>

#include <dlib/serialize.h>
#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"

namespace castnet {

template <class Model>
void load_dlib_model(const std::filesystem::path& models_dir, const std::string& file, Model& model) {
  auto path = models_dir / file;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error(ExitCode::model, fmt::format("The model {} is missing; run scripts/setup (or scripts/fetch-models), or point CASTNET_MODELS at the folder that holds it.",
                                             path.string()));
  try {
    dlib::deserialize(path.string()) >> model;
  } catch (const std::exception& e) {
    throw Error(ExitCode::model, fmt::format("The model {} is damaged or not a dlib model; delete it and run scripts/fetch-models.",
                                             path.string()));
  }
}

}  // namespace castnet
