// One writer of a folder's outputs at a time: two `castnet graph` on one OUT would write the
// same files at once. An advisory lock (flock) on FOLDER/.castnet.lock, which the kernel releases
// when the process ends, however it ends: a killed run leaves no lock behind.
#pragma once
#include <filesystem>

namespace castnet {

class FolderLock {
 public:
  // Makes `folder` where it is missing. Throws Error(output) naming the process that holds the lock.
  explicit FolderLock(const std::filesystem::path& folder);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace castnet
