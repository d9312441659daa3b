// A ZIP of frames, as the Visual Explorer publishes each broadcast, read in place with libzip:
// no member is extracted to disk. Members are ordered as a folder's files are (by frame number).
// A member whose path is absolute or climbs out with `..` is skipped with a warning: nothing is
// written from it, but such an archive was not made by the Visual Explorer.
#include <zip.h>

#include <algorithm>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/frame_names.hpp"
#include "castnet/sdk/frame_source.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

// No frame of a broadcast is this large; a member that claims more is refused, not allocated.
constexpr zip_uint64_t kMaxMemberBytes = 256ull << 20;

bool escapes(const std::string& member) {
  if (member.empty() || member.front() == '/' || member.find('\\') != std::string::npos) return true;
  for (const auto& part : fs::path(member))
    if (part == "..") return true;
  return false;
}

// The first bytes of the image formats a frame may be in.
bool image_signature(const unsigned char* b, std::size_t n) {
  if (n >= 2 && b[0] == 0xFF && b[1] == 0xD8) return true;                             // JPEG
  if (n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return true;           // PNG
  if (n >= 2 && b[0] == 'B' && b[1] == 'M') return true;                               // BMP
  return n >= 12 && std::memcmp(b, "RIFF", 4) == 0 && std::memcmp(b + 8, "WEBP", 4) == 0;  // WebP
}

class ZipSource final : public FrameSource {
 public:
  ~ZipSource() override { close(); }

  void open(const fs::path& input) override {
    close();
    int err = 0;
    // ZIP_CHECKCONS: a truncated or corrupt archive is refused here, not halfway through. It also
    // refuses two members of one name (ZIP_ER_EXISTS), which costs no frame: opened without it,
    // the first of the two is read and the other is warned about (list_members).
    archive_ = zip_open(input.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!archive_ && err == ZIP_ER_EXISTS) archive_ = zip_open(input.c_str(), ZIP_RDONLY, &err);
    if (!archive_) {
      zip_error_t e;
      zip_error_init_with_code(&e, err);
      std::string why = zip_error_strerror(&e);
      zip_error_fini(&e);
      throw Error(ExitCode::input, fmt::format("{} cannot be read as a ZIP of frames ({}).", input.string(), why));
    }
    input_ = fs::absolute(input).string();
    list_members();
    if (members_.empty())
      throw Error(ExitCode::input, fmt::format("The ZIP {} holds no image files (.jpg, .jpeg, .png, .bmp, .webp).", input.string()));
  }

  std::optional<SourceFrame> next() override {
    return next_if([](const std::string&) { return true; });
  }

  std::optional<SourceFrame> next_if(const std::function<bool(const std::string&)>& wanted) override {
    if (next_ >= members_.size()) return std::nullopt;
    const auto& [name, index] = members_[next_++];
    SourceFrame f;
    f.name = name;
    f.location = input_ + "!/" + name;
    if (!wanted(f.location)) return f;  // not decompressed at all
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive_, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
      f.error = "its size cannot be read from the ZIP";
      return f;
    }
    if (st.size > kMaxMemberBytes) {
      f.error = fmt::format("{} bytes, more than a frame can be", st.size);
      return f;
    }
    zip_file_t* file = zip_fopen_index(archive_, index, 0);
    if (!file) {
      f.error = fmt::format("cannot be opened in the ZIP ({})", zip_strerror(archive_));
      return f;
    }
    // The first bytes first: a member that is no image (250 MB of zeros named .jpg) is refused
    // without inflating the rest.
    f.encoded.resize(st.size);
    const zip_uint64_t head = std::min<zip_uint64_t>(st.size, 16);
    zip_int64_t got = zip_fread(file, f.encoded.data(), head);
    if (got == zip_int64_t(head) && !image_signature(f.encoded.data(), head)) {
      zip_fclose(file);
      f.encoded.clear();
      f.error = "not an image (it begins with no JPEG, PNG, BMP or WebP header)";
      return f;
    }
    if (got == zip_int64_t(head) && st.size > head) {
      zip_int64_t rest = zip_fread(file, f.encoded.data() + head, st.size - head);
      got = rest < 0 ? rest : got + rest;
    }
    zip_fclose(file);
    if (got < 0 || zip_uint64_t(got) != st.size) {
      f.encoded.clear();
      f.error = "cannot be read from the ZIP (damaged member)";
    }
    return f;
  }

  std::optional<std::size_t> size_hint() const override { return members_.size(); }
  std::vector<std::string> warnings() const override { return warnings_; }

 private:
  void list_members() {
    std::vector<std::string> names;
    std::map<std::string, zip_uint64_t> index_of;
    zip_int64_t n = zip_get_num_entries(archive_, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
      const char* raw = zip_get_name(archive_, zip_uint64_t(i), ZIP_FL_ENC_GUESS);
      if (!raw) continue;
      std::string name = raw;
      if (name.empty() || name.back() == '/' || !is_image_name(name)) continue;
      if (escapes(name)) {
        warnings_.push_back(fmt::format("{}: the member {} has a path outside the archive; skipped.", input_, name));
        continue;
      }
      if (index_of.emplace(name, zip_uint64_t(i)).second) names.push_back(name);
      else warnings_.push_back(fmt::format("{}: two members are named {}; the first is read.", input_, name));
    }
    for (const auto& name : order_frame_names(std::move(names))) members_.emplace_back(name, index_of.at(name));
  }

  void close() {
    if (archive_) zip_discard(archive_);
    archive_ = nullptr;
    members_.clear();
    warnings_.clear();
    next_ = 0;
  }

  zip_t* archive_ = nullptr;
  std::string input_;
  std::vector<std::pair<std::string, zip_uint64_t>> members_;  // (name, index), in frame order
  std::vector<std::string> warnings_;
  std::size_t next_ = 0;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::frame_source, "zip", "1.0", "a ZIP of frames (a Visual Explorer broadcast), read in place with libzip",
           {},
           [](const Params&, const PluginContext&) -> std::unique_ptr<Stage> { return std::make_unique<ZipSource>(); },
           {".zip"}}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
