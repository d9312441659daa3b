// A plugin's model file, checked before it is loaded: present, and the bytes its author
// published (SHA-256). A bit flipped on disk would otherwise load as a subtly wrong network.
#pragma once
#include <filesystem>
#include <string>

namespace castnet {

// Throws Error(model) with one sentence when `path` is missing or its SHA-256 is not
// `sha256_hex`. The hash is computed once per file: the result is kept, by size and modification
// time, in `.castnet-verified` beside the model (when that folder is writable) and in memory.
void verify_model_file(const std::filesystem::path& path, const std::string& sha256_hex);

}  // namespace castnet
