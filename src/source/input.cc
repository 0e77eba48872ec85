#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <utility>

#include "source/internal.h"
#include "source/source.h"

namespace netinspect::source {

using detail::Buffer;

namespace {

std::string errno_text(int error) { return std::strerror(error); }

}  // namespace

struct Input::Storage {
  const char* data = nullptr;
  std::size_t size = 0;
  void* map = nullptr;  // memory-mapped file, or null for a heap buffer
  std::size_t map_length = 0;
  char* heap = nullptr;

  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage() {
    if (map != nullptr) ::munmap(map, map_length);
    std::free(heap);
  }
  static std::unique_ptr<Storage> from(Buffer buffer) {
    auto storage = std::make_unique<Storage>();
    storage->size = buffer.size();
    buffer.finish();
    storage->heap = buffer.release();
    storage->data = storage->heap;
    return storage;
  }
};

Input::Input() = default;
Input::~Input() = default;
Input::Input(Input&&) noexcept = default;
Input& Input::operator=(Input&&) noexcept = default;

std::string_view Input::text() const {
  if (!storage_) return std::string_view("\0", 0);
  return {storage_->data, storage_->size};
}

void Input::release_before(std::size_t offset) const {
  if (!storage_ || storage_->map == nullptr) return;
  static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t length = std::min(offset, storage_->size) / page * page;
  // MADV_DONTNEED on a private read-only file mapping only drops clean pages.
  if (length > 0) ::madvise(storage_->map, length, MADV_DONTNEED);
}

namespace {

// Maps a regular file with Input::kPadding readable zero bytes after it: the
// tail of the last page is zero already; when it is too short, the file is
// mapped over a slightly longer anonymous mapping.
void* map_file(int fd, std::size_t size, std::size_t& map_length, const std::string& name) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t file_pages = (size + page - 1) / page * page;
  map_length = (size + Input::kPadding + page - 1) / page * page;
  void* map;
  if (map_length == file_pages) {
    map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  } else {
    map = ::mmap(nullptr, map_length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map != MAP_FAILED &&
        ::mmap(map, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
      const int error = errno;
      ::munmap(map, map_length);
      throw SourceError(name + ": cannot map file: " + errno_text(error));
    }
  }
  if (map == MAP_FAILED) throw SourceError(name + ": cannot map file: " + errno_text(errno));
  ::madvise(map, size, MADV_SEQUENTIAL);
  return map;
}

// Decompresses `storage`'s bytes in place of it when they are gzip or zip.
void decode(std::shared_ptr<Input::Storage>& storage, std::string& name, Compression& compression,
            const OpenOptions& options) {
  const std::string_view bytes(storage->data, storage->size);
  if (detail::is_gzip(bytes)) {
    compression = Compression::Gzip;
    // The gzip trailer holds the size mod 2^32: a good first guess for one member.
    std::uint64_t guess = bytes.size() * 4;
    if (bytes.size() >= 18) {
      std::uint32_t isize;
      std::memcpy(&isize, bytes.data() + bytes.size() - 4, 4);  // little-endian hosts
      if (isize >= bytes.size()) guess = isize;
    }
    const auto reader = detail::gzip_reader(detail::memory_reader(bytes), name, options.limits);
    storage = Input::Storage::from(detail::read_all(*reader, std::min(guess, options.limits.max_decompressed_bytes)));
  } else if (detail::is_zip(bytes)) {
    compression = Compression::Zip;
    Buffer text;
    {
      // The reader reads from `storage`: done with it before that is replaced.
      const auto reader = detail::zip_reader_from_bytes(bytes, Buffer(), name, options);
      // The declared size comes from the archive: never reserve past the limit.
      text = detail::read_all(*reader, std::min(reader->size_hint(), options.limits.max_decompressed_bytes));
      name = reader->name;
    }
    storage = Input::Storage::from(std::move(text));
  }
}

}  // namespace

Input Input::from_bytes(std::string name, std::string_view bytes, const OpenOptions& options) {
  Input input;
  input.name_ = name;
  input.filename_ = std::move(name);
  Buffer buffer;
  buffer.append(bytes.data(), bytes.size());
  input.storage_ = Storage::from(std::move(buffer));
  decode(input.storage_, input.name_, input.compression_, options);
  return input;
}

Input open(const std::string& path, const OpenOptions& options) {
  Input input;
  if (path == "-") {
    input.name_ = "<stdin>";
    detail::FdReader reader(STDIN_FILENO, /*owned=*/false, input.name_);
    input.storage_ = Input::Storage::from(detail::read_all(reader, 0));
    decode(input.storage_, input.name_, input.compression_, options);
    return input;
  }
  input.name_ = path;
  input.filename_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw SourceError(path + ": " + errno_text(errno));
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) throw SourceError(path + ": " + errno_text(errno));
  if (S_ISDIR(st.st_mode)) throw SourceError(path + ": is a directory");
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    auto storage = std::make_unique<Input::Storage>();
    storage->size = static_cast<std::size_t>(st.st_size);
    storage->map = map_file(fd, storage->size, storage->map_length, path);
    storage->data = static_cast<const char*>(storage->map);
    input.storage_ = std::move(storage);
  } else {
    // Pipes, character devices, /proc files (which report size 0): read them.
    detail::FdReader reader(fd, /*owned=*/false, path);
    input.storage_ = Input::Storage::from(detail::read_all(reader, 0));
  }
  decode(input.storage_, input.name_, input.compression_, options);
  return input;
}

std::unique_ptr<Reader> open_reader(const std::string& path, const OpenOptions& options) {
  std::unique_ptr<detail::FdReader> raw;
  bool regular = false;
  if (path == "-") {
    raw = std::make_unique<detail::FdReader>(STDIN_FILENO, /*owned=*/false, "<stdin>");
  } else {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw SourceError(path + ": " + errno_text(errno));
    raw = std::make_unique<detail::FdReader>(fd, /*owned=*/true, path);
    struct stat st;
    if (::fstat(fd, &st) != 0) throw SourceError(path + ": " + errno_text(errno));
    if (S_ISDIR(st.st_mode)) throw SourceError(path + ": is a directory");
    regular = S_ISREG(st.st_mode);
  }
  const std::string name = raw->name;
  const std::string_view head = raw->peek(4);
  std::unique_ptr<Reader> reader;
  if (detail::is_gzip(head)) {
    reader = detail::gzip_reader(std::move(raw), name, options.limits);
  } else if (detail::is_zip(head)) {
    if (regular) {
      raw.reset();
      reader = detail::zip_reader_from_path(path, options);
    } else {
      // A zip needs random access: keep the compressed bytes of a pipe in memory.
      Buffer archive = detail::read_all(*raw, 0);
      const std::string_view bytes = archive.view();
      reader = detail::zip_reader_from_bytes(bytes, std::move(archive), name, options);
    }
  } else {
    reader = std::move(raw);
  }
  if (path != "-") reader->filename = path;
  return reader;
}

std::unique_ptr<EntryStream> open_entries(const std::string& path, const OpenOptions& options,
                                          EntryStream::Options stream_options) {
  stream_options.parse = options.parse;
  if (path != "-") {
    // Plain regular files are mapped; anything compressed or unmappable streams.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      struct stat st;
      char head[4] = {};
      const bool plain = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                         [&] {
                           const ssize_t got = ::pread(fd, head, sizeof head, 0);
                           const std::string_view bytes(head, got > 0 ? static_cast<std::size_t>(got) : 0);
                           return !detail::is_gzip(bytes) && !detail::is_zip(bytes);
                         }();
      ::close(fd);
      if (plain) return std::make_unique<EntryStream>(open(path, options), stream_options);
    }
  }
  return std::make_unique<EntryStream>(open_reader(path, options), stream_options);
}

std::vector<std::string> expand_paths(const std::vector<std::string>& paths,
                                      const OpenOptions& options) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code error;
    if (path == "-" || !fs::is_directory(path, error)) {
      out.push_back(path);
      continue;
    }
    const fs::path dir(path);
    if (fs::is_regular_file(dir / options.zip_member, error)) {
      out.push_back((dir / options.zip_member).string());  // an unpacked snapshot
      continue;
    }
    std::vector<std::string> found;
    fs::directory_iterator it(dir, error);
    if (error) throw SourceError(path + ": " + error.message());
    for (const fs::directory_entry& entry : it) {
      const std::string file = entry.path().filename().string();
      if (file.starts_with(".") || !entry.is_regular_file(error)) continue;
      if (file.ends_with(".json") || file.ends_with(".gz") || file.ends_with(".zip")) {
        found.push_back(entry.path().string());
      }
    }
    if (found.empty()) {
      throw SourceError(path + ": no snapshot in directory (expected " + options.zip_member +
                        " or *.json, *.json.gz, *.zip files)");
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

std::vector<Input> open_all(const std::vector<std::string>& paths, const OpenOptions& options) {
  std::vector<Input> inputs;
  for (const std::string& path : expand_paths(paths, options)) inputs.push_back(open(path, options));
  return inputs;
}

std::string format_size(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  std::uint64_t value = bytes;
  while (unit + 1 < std::size(kUnits) && value >= 1024 && value % 1024 == 0) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0 && bytes >= 1024) {
    // Not a round size: one decimal in the largest fitting unit.
    double scaled = static_cast<double>(bytes);
    while (unit + 1 < std::size(kUnits) && scaled >= 1024) {
      scaled /= 1024;
      ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", scaled, kUnits[unit]);
    return text;
  }
  return std::to_string(value) + " " + kUnits[unit];
}

}  // namespace netinspect::source
