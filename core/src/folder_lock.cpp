#include "castnet/core/folder_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"

namespace castnet {

namespace {

// The process holding a lock on the file `fd` is open on, from the kernel's table of locks
// (/proc/locks: "1: FLOCK  ADVISORY  WRITE 4242 08:01:1311 0 EOF"); "" where it cannot be told.
// The lock file stays empty, so that OUT holds the same bytes after every run.
std::string holder_of(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return "";
  const std::string inode = fmt::format(":{}", st.st_ino);
  std::ifstream locks("/proc/locks");
  for (std::string line; std::getline(locks, line);) {
    std::istringstream fields(line);
    std::string number, kind, mode, access, pid, device;
    fields >> number >> kind >> mode >> access >> pid >> device;
    if (kind == "FLOCK" && device.size() > inode.size() && device.compare(device.size() - inode.size(), inode.size(), inode) == 0) return pid;
  }
  return "";
}

}  // namespace

FolderLock::FolderLock(const std::filesystem::path& folder) {
  const std::filesystem::path file = folder / ".castnet.lock";
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);  // the outputs' folder, made now rather than by the first writer
  fd_ = ::open(file.c_str(), O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(ExitCode::output, fmt::format("{} cannot be created ({}).", file.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = holder_of(fd_);
    ::close(fd_);
    fd_ = -1;
    throw Error(ExitCode::output, fmt::format("{} is being written by another castnet{}; run again when it has finished.", folder.string(),
                                              holder.empty() ? "" : " (process " + holder + ")"));
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace castnet
