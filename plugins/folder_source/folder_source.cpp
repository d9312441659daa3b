// A folder of images, as castnet has always read frames: jpg, jpeg, png, bmp, webp. Order: the
// number before the extension (`RUSSIA1_20230313_083000_60_minut-000123.jpg` is frame 123) when
// every name has one, otherwise the sorted names. `recursive` also takes images in subfolders
// (a labeled photo set, faces/<person>/<photo>), named by their path below the folder.
#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/frame_names.hpp"
#include "castnet/sdk/frame_source.hpp"
#include "castnet/sdk/plugin.hpp"

namespace castnet {
namespace {

namespace fs = std::filesystem;

// No frame is this large (a 50-megapixel BMP is 150 MB); a file that is, is refused unread.
constexpr std::uintmax_t kMaxFrameBytes = 256ull << 20;

class FolderSource final : public FrameSource {
 public:
  explicit FolderSource(bool recursive) : recursive_(recursive) {}

  void open(const fs::path& dir) override {
    std::error_code ec;
    if (!fs::exists(dir, ec))
      throw Error(ExitCode::input, fmt::format("The frames folder {} does not exist; pass a folder of JPEG/PNG frames.", dir.string()));
    if (!fs::is_directory(dir, ec))
      throw Error(ExitCode::input, fmt::format("{} is not a folder; pass a folder of JPEG/PNG frames.", dir.string()));
    std::vector<std::string> names;
    // An entry that cannot even be looked at (a symlink loop, a dangling link) is skipped with a
    // warning: it is not a frame, and the others still are.
    auto take = [&](const fs::directory_entry& e) {
      std::error_code bad;
      bool file = e.is_regular_file(bad);
      if (bad && is_image_name(e.path().string()))
        warnings_.push_back(fmt::format("{} is skipped: {}.", e.path().string(), bad.message()));
      if (file && !bad && is_image_name(e.path().string())) names.push_back(e.path().lexically_relative(dir).string());
    };
    if (recursive_) {
      fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end; it.increment(ec)) take(*it);
    } else {
      fs::directory_iterator it(dir, ec), end;
      for (; !ec && it != end; it.increment(ec)) take(*it);
    }
    if (names.empty())
      throw Error(ExitCode::input, fmt::format("The frames folder {} holds no image files (.jpg, .jpeg, .png, .bmp, .webp).", dir.string()));
    names_ = order_frame_names(std::move(names));
    dir_ = fs::absolute(dir);
    next_ = 0;
  }

  std::optional<SourceFrame> next() override {
    return next_if([](const std::string&) { return true; });
  }

  std::optional<SourceFrame> next_if(const std::function<bool(const std::string&)>& wanted) override {
    if (next_ >= names_.size()) return std::nullopt;
    SourceFrame f;
    f.name = names_[next_++];
    f.location = (dir_ / f.name).string();
    if (!wanted(f.location)) return f;  // not read at all
    std::error_code ec;
    if (auto bytes = fs::file_size(f.location, ec); !ec && bytes > kMaxFrameBytes) {
      f.error = fmt::format("{} bytes, more than a frame can be", bytes);  // not read into memory
      return f;
    }
    std::ifstream in(f.location, std::ios::binary);
    if (!in) f.error = "cannot be opened";
    else f.encoded.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return f;
  }

  std::optional<std::size_t> size_hint() const override { return names_.size(); }
  std::vector<std::string> warnings() const override { return warnings_; }

 private:
  bool recursive_;
  fs::path dir_;
  std::vector<std::string> names_;
  std::vector<std::string> warnings_;
  std::size_t next_ = 0;
};

PluginDescriptorList descriptors() {
  return {{PluginKind::frame_source, "folder", "1.0", "a folder of image files (jpg, png, bmp, webp), in frame-number order",
           {{"recursive", ParamType::boolean, false, "also read images in subfolders (a labeled photo set)"}},
           [](const Params& p, const PluginContext&) -> std::unique_ptr<Stage> { return std::make_unique<FolderSource>(p.boolean("recursive")); },
           {"/"}}};
}

}  // namespace
}  // namespace castnet

CASTNET_PLUGIN(castnet::descriptors)
