#include "castnet/formats/output_batch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>

#include "castnet/sdk/errors.hpp"

namespace castnet::formats {

namespace fs = std::filesystem;

namespace {

fs::path part_of(const fs::path& p) { return fs::path(p.string() + ".part"); }

void rename_into_place(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) throw Error(ExitCode::output, fmt::format("{} cannot be replaced ({}); check the output folder's permissions.", to.string(), ec.message()));
}

}  // namespace

void write_file_anew(const fs::path& path, const std::string& bytes, const fs::path& shown) {
  std::error_code ec;
  fs::remove(path, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ExitCode::output, fmt::format("{} cannot be written ({}); the earlier outputs are kept.", shown.string(), std::strerror(errno)));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += std::size_t(n);
  }
  const int write_errno = done == bytes.size() ? 0 : errno ? errno : ENOSPC;
  const bool closed = ::close(fd) == 0;
  const int close_errno = errno;
  if (write_errno || !closed) fs::remove(path, ec);  // no half file left behind
  if (write_errno || !closed)
    throw Error(ExitCode::output, fmt::format("{} could not be written completely ({}); the earlier outputs are kept.", shown.string(),
                                              std::strerror(write_errno ? write_errno : close_errno)));
}

OutputBatch::OutputBatch(fs::path out) : out_(std::move(out)) {}

OutputBatch::~OutputBatch() {
  if (committed_) return;
  std::error_code ec;
  for (const auto& f : files_) fs::remove(part_of(out_ / f), ec);
  for (const auto& d : folders_) fs::remove_all(part_of(out_ / d), ec);
}

void OutputBatch::folder(const std::string& name) {
  const fs::path staging = part_of(out_ / name);
  std::error_code ec;
  fs::remove_all(staging, ec);  // a killed run's, or a link: removed, not followed
  fs::create_directory(staging, ec);
  if (ec) throw Error(ExitCode::output, fmt::format("The folder {} cannot be created ({}).", staging.string(), ec.message()));
  folders_.insert(name);
}

fs::path OutputBatch::staged(const fs::path& relative) const {
  const std::string top = relative.begin()->string();
  if (folders_.count(top)) return part_of(out_ / top) / relative.lexically_relative(top);
  return part_of(out_ / relative);
}

void OutputBatch::file(const fs::path& relative, const std::string& bytes) {
  // Listed first: a write that fails half way leaves a .part the destructor must remove.
  if (!folders_.count(relative.begin()->string()) && !written_.count(relative)) files_.push_back(relative);
  write_file_anew(staged(relative), bytes, out_ / relative);
  written_.insert(relative);
}

void OutputBatch::image(const fs::path& relative, const cv::Mat& bgr, const std::vector<int>& params) {
  std::vector<unsigned char> encoded;
  if (bgr.empty() || !cv::imencode(relative.extension().string(), bgr, encoded, params))
    throw Error(ExitCode::output, fmt::format("{} cannot be encoded.", (out_ / relative).string()));
  file(relative, std::string(encoded.begin(), encoded.end()));
}

void OutputBatch::remove(const fs::path& relative) { removals_.push_back(relative); }

fs::path OutputBatch::current(const fs::path& relative) const { return written_.count(relative) ? staged(relative) : out_ / relative; }

void OutputBatch::commit() {
  for (const auto& d : folders_) {
    const fs::path final = out_ / d, old = fs::path(final.string() + ".old");
    std::error_code ec;
    fs::remove_all(old, ec);
    if (fs::is_symlink(fs::symlink_status(final))) fs::remove(final, ec);  // a link is replaced, its target untouched
    if (fs::exists(fs::symlink_status(final))) rename_into_place(final, old);
    rename_into_place(part_of(final), final);
    fs::remove_all(old, ec);
  }
  for (const auto& f : files_) rename_into_place(part_of(out_ / f), out_ / f);
  for (const auto& r : removals_) {
    std::error_code ec;
    fs::remove(out_ / r, ec);
    if (ec) throw Error(ExitCode::output, fmt::format("The earlier {} cannot be removed ({}).", (out_ / r).string(), ec.message()));
  }
  committed_ = true;
}

}  // namespace castnet::formats
