// Test-only LD_PRELOAD library (never linked into netinspect): slows down the
// writing of snapshot temporary files so capture.snapshot can kill the
// process while the file is half-written, without a test hook in production
// code. A write() to a file whose path contains ".tmp-" writes at most 1 KiB
// and then sleeps SLOW_WRITE_SHIM_MS milliseconds (default 200); every other
// write() goes straight to the next definition (libc, or ASan's interceptor).
//   LD_PRELOAD=libcapture_slow_write_shim.so netinspect snapshot -o x.zip
#include <dlfcn.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using WriteFunction = ssize_t (*)(int, const void*, size_t);

WriteFunction next_write() {
  static WriteFunction next = [] {
    void* symbol = dlsym(RTLD_NEXT, "write");
    WriteFunction function = nullptr;
    std::memcpy(&function, &symbol, sizeof function);  // object to function pointer, without a cast warning
    return function;
  }();
  return next;
}

bool is_temporary_file(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[4096];
  ssize_t length = readlink(link, target, sizeof target - 1);
  if (length <= 0) return false;
  target[length] = '\0';
  return std::strstr(target, ".tmp-") != nullptr;
}

}  // namespace

extern "C" ssize_t write(int fd, const void* buffer, size_t count) {
  WriteFunction real = next_write();
  if (real == nullptr || !is_temporary_file(fd)) return real == nullptr ? -1 : real(fd, buffer, count);
  const char* delay = std::getenv("SLOW_WRITE_SHIM_MS");
  long delay_ms = delay != nullptr ? std::atol(delay) : 200;
  ssize_t written = real(fd, buffer, count < 1024 ? count : 1024);
  usleep(static_cast<useconds_t>(delay_ms) * 1000);
  return written;
}
