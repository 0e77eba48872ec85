#include "pprof/extract.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "pprof/profile.h"

namespace netinspect::pprof {

namespace {

std::string errno_text(int error) { return std::strerror(error); }

}  // namespace

OutputDirectory::OutputDirectory(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0 && errno == ENOENT) {
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
      throw PprofError(path + ": cannot create directory: " + errno_text(errno));
    }
    fd_ = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  if (fd_ < 0) throw PprofError(path + ": cannot open directory: " + errno_text(errno));
}

OutputDirectory::~OutputDirectory() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputDirectory::write(std::string_view name, std::string_view bytes, bool force) const {
  const std::string target(name);
  if (target.empty() || target == "." || target == ".." || target.find('/') != std::string::npos) {
    throw PprofError("refusing unsafe file name");
  }
  if (!force) {
    struct stat existing{};
    if (::fstatat(fd_, target.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
      throw PprofError(path_ + "/" + target + ": exists (use --force to replace it)");
    }
  }
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".%016llx.tmp", static_cast<unsigned long long>(random()));
    temp = ".netinspect-" + std::string(suffix + 1);
    fd = ::openat(fd_, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) throw PprofError(path_ + ": cannot create a temporary file: " + errno_text(errno));
  }
  if (fd < 0) throw PprofError(path_ + ": cannot create a temporary file");
  auto fail = [&](const std::string& what) {
    const int error = errno;
    ::close(fd);
    ::unlinkat(fd_, temp.c_str(), 0);
    throw PprofError(path_ + "/" + target + ": " + what + ": " + errno_text(error));
  };
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    fd = -1;
    const int error = errno;
    ::unlinkat(fd_, temp.c_str(), 0);
    throw PprofError(path_ + "/" + target + ": close failed: " + errno_text(error));
  }
  // rename replaces the directory entry itself, so a symlink planted under the
  // target name is replaced (with --force) or kept (without), never followed.
  int status = force ? ::renameat(fd_, temp.c_str(), fd_, target.c_str())
                     : ::renameat2(fd_, temp.c_str(), fd_, target.c_str(), RENAME_NOREPLACE);
  if (status != 0 && !force && errno == EINVAL) {
    // File systems without RENAME_NOREPLACE: link() never replaces either.
    status = ::linkat(fd_, temp.c_str(), fd_, target.c_str(), 0);
    if (status == 0) ::unlinkat(fd_, temp.c_str(), 0);
  }
  if (status != 0) {
    const int error = errno;
    ::unlinkat(fd_, temp.c_str(), 0);
    if (error == EEXIST) throw PprofError(path_ + "/" + target + ": exists (use --force to replace it)");
    throw PprofError(path_ + "/" + target + ": rename failed: " + errno_text(error));
  }
}

}  // namespace netinspect::pprof
