#include "castnet/core/input_listing.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "castnet/sdk/frame_names.hpp"

namespace castnet {

namespace fs = std::filesystem;

namespace {

struct Entry {
  std::string name;  // relative to the input
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
};

std::int64_t mtime_ns(const fs::path& p, std::error_code& ec) {
  auto t = fs::last_write_time(p, ec);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::vector<Entry> folder_entries(const fs::path& dir, const fs::path& outputs) {
  std::error_code ec;
  const fs::path skip = outputs.empty() ? fs::path() : fs::weakly_canonical(fs::absolute(outputs), ec);
  std::vector<Entry> out;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code e;
    if (it->is_directory(e)) {
      if (!skip.empty() && fs::equivalent(it->path(), skip, e)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(e)) continue;
    Entry entry{it->path().lexically_relative(dir).string(), it->file_size(e), 0};
    if (e) continue;
    entry.mtime_ns = mtime_ns(it->path(), e);
    if (!e) out.push_back(std::move(entry));
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return out;
}

std::string digest(const std::string& text) {
  return fmt::format("{:016x}", fnv1a64(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

}  // namespace

InputListing list_input(const fs::path& input, const fs::path& outputs) {
  std::error_code ec;
  std::vector<Entry> entries;
  if (fs::is_directory(input, ec)) {
    entries = folder_entries(input, outputs);
  } else if (fs::is_regular_file(input, ec)) {
    Entry file{"", fs::file_size(input, ec), 0};
    if (!ec) file.mtime_ns = mtime_ns(input, ec);
    if (!ec) entries.push_back(file);  // a file's own name is not its shape: a moved file may be renamed
  }
  if (entries.empty()) return {};
  // NUL never occurs in a file name: the fields cannot run into each other.
  std::string state, shape;
  for (const auto& e : entries) {
    shape += fmt::format("{}{}{}{}", e.name, '\0', e.size, '\0');
    state += fmt::format("{}{}{}{}{}{}", e.name, '\0', e.size, '\0', e.mtime_ns, '\0');
  }
  return {digest(state), digest(shape)};
}

}  // namespace castnet
