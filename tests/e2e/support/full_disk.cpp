// A disk that fills: preloaded (LD_PRELOAD) into castnet by the hostile corpus, it lets regular
// files take CASTNET_TEST_DISK_BYTES bytes of writes in all, then fails every further write with
// ENOSPC, as a full file system does. A file size limit (ulimit -f) gives EFBIG, another error;
// a small tmpfs needs the right to mount, which CI may not have.
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace {

std::atomic<long long>& budget() {
  static std::atomic<long long> left{[] {
    const char* text = std::getenv("CASTNET_TEST_DISK_BYTES");
    return text ? std::atoll(text) : (1LL << 62);
  }()};
  return left;
}

// Whether the disk is full for `n` more bytes to `fd` (the terminal and pipes are not the disk).
bool full(int fd, size_t n) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (budget().fetch_sub(static_cast<long long>(n)) >= static_cast<long long>(n)) return false;
  errno = ENOSPC;
  return true;
}

template <class F>
F real(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* buf, size_t n) {
  static auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
  return full(fd, n) ? -1 : next(fd, buf, n);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t at) {
  static auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  return full(fd, n) ? -1 : next(fd, buf, n, at);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off64_t at) {
  static auto next = real<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
  return full(fd, n) ? -1 : next(fd, buf, n, at);
}

}  // extern "C"
