#include "castnet/sdk/model_file.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"

namespace castnet {

namespace fs = std::filesystem;

namespace {

std::string sha256_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), std::streamsize(buf.size()));
    EVP_DigestUpdate(ctx, buf.data(), std::size_t(in.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  for (unsigned i = 0; i < n; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

// "name size mtime sha256" per line: a model is hashed again only when it changed.
std::string stamp(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  auto mtime = fs::last_write_time(path, ec).time_since_epoch().count();
  return fmt::format("{} {} {}", path.filename().string(), size, mtime);
}

std::set<std::string> read_cache(const fs::path& file) {
  std::set<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.insert(line);
  return lines;
}

void add_to_cache(const fs::path& file, const std::string& line) {
  std::set<std::string> lines = read_cache(file);
  lines.insert(line);
  fs::path tmp = file;
  tmp += fmt::format(".{}.part", ::getpid());
  {
    std::ofstream out(tmp);
    for (const auto& l : lines) out << l << '\n';
    if (!out) {  // a read-only model folder: the hash is computed again next time, nothing worse
      std::error_code ec;
      fs::remove(tmp, ec);
      return;
    }
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace

void verify_model_file(const fs::path& path, const std::string& sha256_hex) {
  static std::mutex mu;
  static std::set<std::string> verified;  // this process: workers build one model each
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw Error(ExitCode::model, fmt::format("The model {} is missing; run scripts/setup (or scripts/fetch-models), or point CASTNET_MODELS at the folder that holds it.",
                                             path.string()));
  const std::string line = stamp(path) + " " + sha256_hex;
  std::lock_guard lock(mu);
  if (verified.count(line)) return;
  const fs::path cache = path.parent_path() / ".castnet-verified";
  if (!read_cache(cache).count(line)) {
    std::string actual = sha256_of(path);
    if (actual != sha256_hex)
      throw Error(ExitCode::model, fmt::format("The model {} is damaged (its SHA-256 is {}, not the published {}); delete it and run scripts/fetch-models.",
                                               path.string(), actual.empty() ? "unreadable" : actual.substr(0, 12) + "...", sha256_hex.substr(0, 12) + "..."));
    add_to_cache(cache, line);
  }
  verified.insert(line);
}

}  // namespace castnet
