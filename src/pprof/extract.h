// Writing files into a directory without ever leaving it: names are single
// path components (see safe_file_name), every file is created under a fresh
// temporary name with O_CREAT|O_EXCL|O_NOFOLLOW relative to the directory's
// descriptor, then renamed into place; without `force` an existing name (a
// planted symlink included) is never replaced (renameat2 RENAME_NOREPLACE).
#pragma once

#include <string>
#include <string_view>

namespace netinspect::pprof {

class OutputDirectory {
 public:
  // Opens DIR, creating it (one level, mode 0755) when missing. Throws
  // PprofError naming DIR.
  explicit OutputDirectory(const std::string& path);
  ~OutputDirectory();
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;

  // Writes `bytes` as `name` (a single component, already safe). Throws
  // PprofError: the name exists and !force, or an I/O error; no temporary
  // file is left behind.
  void write(std::string_view name, std::string_view bytes, bool force) const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace netinspect::pprof
