// plain_file_size: the total a progress bar can promise for one input.
#include <sys/stat.h>

#include <cstdio>

#include "source/internal.h"
#include "source/source.h"

namespace netinspect::source {

std::uint64_t plain_file_size(const std::string& path) {
  struct stat info {};
  if (path == "-" || ::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return 0;
  // Compressed inputs are detected by content, as open() does: their
  // decompressed size is not known in advance.
  char head[4] = {};
  std::size_t got = 0;
  if (std::FILE* file = std::fopen(path.c_str(), "rb")) {
    got = std::fread(head, 1, sizeof head, file);
    std::fclose(file);
  } else {
    return 0;
  }
  const std::string_view bytes(head, got);
  if (detail::is_gzip(bytes) || detail::is_zip(bytes)) return 0;
  return static_cast<std::uint64_t>(info.st_size);
}

}  // namespace netinspect::source
