// Loading a dlib model file from the model cache with errors a user can act on.
#pragma once
#include <filesystem>
#include <string>

#include <dlib/serialize.h>
#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/model_file.hpp"

namespace castnet {

// The SHA-256 of dlib's published models, as scripts/fetch-models verifies them (keep in step).
inline std::string published_sha256(const std::string& file) {
  if (file == "dlib_face_recognition_resnet_model_v1.dat") return "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30";
  if (file == "shape_predictor_5_face_landmarks.dat") return "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888";
  if (file == "mmod_human_face_detector.dat") return "be467b1a76f482693de3b0f6a1ff91d092319be71523d4d4b0628f6a53fcb87a";
  return {};
}

template <class Model>
void load_dlib_model(const std::filesystem::path& models_dir, const std::string& file, Model& model) {
  auto path = models_dir / file;
  verify_model_file(path, published_sha256(file));
  try {
    dlib::deserialize(path.string()) >> model;
  } catch (const std::bad_alloc&) {
    throw Error(ExitCode::model, fmt::format("There is not enough memory to load the model {} ({} MB); close other programs or use fewer --threads.",
                                             path.string(), std::filesystem::file_size(path) >> 20));
  } catch (const std::exception& e) {
    // The bytes are the published ones, so the file is sound: this dlib cannot read it.
    throw Error(ExitCode::model, fmt::format("The model {} could not be loaded by this dlib ({}).", path.string(), e.what()));
  }
}

}  // namespace castnet
