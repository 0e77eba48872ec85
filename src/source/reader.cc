#include <fcntl.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "source/internal.h"

namespace netinspect::source::detail {

void throw_too_big(const std::string& name, const Limits& limits) {
  throw SourceError(name + ": decompressed size exceeds " + format_size(limits.max_decompressed_bytes) +
                    " limit (use --max-decompressed-size to raise it)");
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && bytes[0] == '\x1f' && bytes[1] == '\x8b';
}

bool is_zip(std::string_view bytes) {
  // Local file header, or the end record of an empty archive.
  return bytes.starts_with("PK\x03\x04") || bytes.starts_with("PK\x05\x06");
}

namespace {

class MemoryReader : public Reader {
 public:
  explicit MemoryReader(std::string_view bytes) : bytes_(bytes) {}
  std::size_t read(char* buffer, std::size_t size) override {
    const std::size_t n = std::min(size, bytes_.size() - pos_);
    if (n > 0) std::memcpy(buffer, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

class GzipReader : public Reader {
 public:
  GzipReader(std::unique_ptr<Reader> raw, const std::string& name, const Limits& limits)
      : raw_(std::move(raw)), limits_(limits), in_(256u << 10) {
    this->name = name;
    compression = Compression::Gzip;
    if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) throw SourceError(name + ": cannot start gzip decoder");
  }
  ~GzipReader() override { inflateEnd(&zs_); }

  std::size_t read(char* buffer, std::size_t size) override {
    if (done_ || size == 0) return 0;
    const auto room = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    zs_.next_out = reinterpret_cast<Bytef*>(buffer);
    zs_.avail_out = room;
    while (zs_.avail_out == room) {  // until something comes out
      if (!fill_input(0)) {
        throw SourceError(name + ": truncated gzip data (input ends after " + std::to_string(read_) +
                          " bytes)");
      }
      const int ret = inflate(&zs_, Z_NO_FLUSH);
      if (ret == Z_STREAM_END) {
        // Concatenated members (`cat a.gz b.gz`) form one stream, as gzip -d reads them.
        if (!fill_input(2)) {
          if (zs_.avail_in == 0) {
            done_ = true;
            break;
          }
        }
        if (!is_gzip({reinterpret_cast<const char*>(zs_.next_in), zs_.avail_in})) {
          throw SourceError(name + ": unexpected data after the end of the gzip stream at byte " +
                            std::to_string(read_ - zs_.avail_in));
        }
        if (inflateReset(&zs_) != Z_OK) throw SourceError(name + ": cannot restart gzip decoder");
        continue;
      }
      if (ret == Z_OK || ret == Z_BUF_ERROR) continue;  // Z_BUF_ERROR: needs input, fetched above
      if (ret == Z_MEM_ERROR) throw std::bad_alloc();
      throw SourceError(name + ": corrupt gzip data at byte " + std::to_string(read_ - zs_.avail_in) +
                        (zs_.msg != nullptr ? std::string(" (") + zs_.msg + ")" : std::string()));
    }
    const std::size_t produced = room - zs_.avail_out;
    total_ += produced;
    if (total_ > limits_.max_decompressed_bytes) throw_too_big(name, limits_);
    return produced;
  }

 private:
  // Makes at least `want` (or, for 0, one) compressed bytes available to zlib
  // unless the raw input ends first; false when fewer are available.
  bool fill_input(std::size_t want) {
    want = std::max<std::size_t>(want, 1);
    if (zs_.avail_in >= want) return true;
    if (raw_eof_) return false;
    // Keep the unconsumed tail at the front (at most `want` - 1 bytes).
    if (zs_.avail_in > 0) std::memmove(in_.data(), zs_.next_in, zs_.avail_in);
    std::size_t have = zs_.avail_in;
    while (have < want) {
      const std::size_t got = raw_->read(in_.data() + have, in_.size() - have);
      if (got == 0) {
        raw_eof_ = true;
        break;
      }
      have += got;
      read_ += got;
    }
    zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
    zs_.avail_in = static_cast<uInt>(have);
    return have >= want;
  }

  std::unique_ptr<Reader> raw_;
  Limits limits_;
  std::vector<char> in_;
  z_stream zs_{};
  std::uint64_t read_ = 0;   // compressed bytes read from raw_
  std::uint64_t total_ = 0;  // decompressed bytes handed out
  bool raw_eof_ = false;
  bool done_ = false;
};

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// Reads one member of an archive (never extracted to disk: member names such
// as "../x" are only compared, never used as paths).
class ZipReader : public Reader {
 public:
  ZipReader(zip_t* archive, Buffer owned, const std::string& archive_name, const OpenOptions& options)
      : owned_(std::move(owned)), archive_(archive), limits_(options.limits) {
    compression = Compression::Zip;
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    if (count < 0 || static_cast<std::uint64_t>(count) > limits_.max_zip_members) {
      throw SourceError(archive_name + ": zip archive has " + std::to_string(count) +
                        " members, more than the limit of " + std::to_string(limits_.max_zip_members) +
                        " (use --max-zip-members to raise it)");
    }
    const std::string& wanted = options.zip_member;
    zip_int64_t index = zip_name_locate(archive, wanted.c_str(), 0);
    if (index < 0) {
      // Accept a single member of that name in a subdirectory ("snapshot/inspect.json").
      for (zip_int64_t i = 0; i < count; ++i) {
        const char* member = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0);
        if (member == nullptr || !std::string_view(member).ends_with("/" + wanted)) continue;
        if (index >= 0) {
          throw SourceError(archive_name + ": several members named " + wanted +
                            " (choose one with --member PATH)");
        }
        index = i;
      }
    }
    if (index < 0) {
      std::string listing;
      constexpr zip_int64_t kListed = 20;
      for (zip_int64_t i = 0; i < std::min(count, kListed); ++i) {
        const char* member = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0);
        listing += (i == 0 ? "" : ", ");
        listing += member != nullptr ? member : "?";
      }
      if (count > kListed) listing += ", ... (" + std::to_string(count - kListed) + " more)";
      if (count == 0) listing = "none";
      throw SourceError(archive_name + ": no member " + wanted + " in zip archive (members: " + listing +
                        "; choose one with --member NAME)");
    }

    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &stat) != 0) {
      throw SourceError(archive_name + ": cannot read zip member: " + zip_strerror(archive));
    }
    name = archive_name + "#" + (stat.name != nullptr ? stat.name : wanted);
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE) {
      throw SourceError(name + ": zip member is encrypted (not supported; decrypt the archive first)");
    }
    // The declared size is only a hint: a lying header is caught while reading.
    if (stat.valid & ZIP_STAT_SIZE) {
      if (stat.size > limits_.max_decompressed_bytes) throw_too_big(name, limits_);
      declared_size_ = stat.size;
    }
    file_.reset(zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0));
    if (!file_) throw SourceError(name + ": cannot open zip member: " + zip_strerror(archive));
  }

  std::size_t read(char* buffer, std::size_t size) override {
    const zip_int64_t got = zip_fread(file_.get(), buffer, std::min<std::size_t>(size, 1u << 30));
    if (got < 0) throw SourceError(name + ": cannot read zip member: " + zip_file_strerror(file_.get()));
    total_ += static_cast<std::uint64_t>(got);
    if (total_ > limits_.max_decompressed_bytes) throw_too_big(name, limits_);
    return static_cast<std::size_t>(got);
  }

  std::uint64_t size_hint() const override { return declared_size_; }

 private:
  Buffer owned_;  // the archive bytes, when the reader must keep them alive
  std::unique_ptr<zip_t, ArchiveCloser> archive_;
  std::unique_ptr<zip_file_t, FileCloser> file_;  // declared last: closed first
  Limits limits_;
  std::uint64_t declared_size_ = 0;
  std::uint64_t total_ = 0;
};

[[noreturn]] void throw_unreadable_zip(const std::string& name, zip_error_t* error) {
  const std::string text = zip_error_strerror(error);
  zip_error_fini(error);
  throw SourceError(name + ": not a readable zip archive (truncated or corrupt?): " + text);
}

}  // namespace

FdReader::FdReader(int fd, bool owned, std::string display_name) : fd_(fd), owned_(owned) {
  name = std::move(display_name);
}

FdReader::~FdReader() {
  if (owned_) ::close(fd_);
}

std::size_t FdReader::read_some(char* buffer, std::size_t size) {
  for (;;) {
    const ssize_t got = ::read(fd_, buffer, size);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) throw SourceError(name + ": read error: " + std::strerror(errno));
  }
}

std::string_view FdReader::peek(std::size_t n) {
  while (peeked_.size() < n) {
    char chunk[64];
    const std::size_t got = read_some(chunk, std::min(sizeof chunk, n - peeked_.size()));
    if (got == 0) break;
    peeked_.append(chunk, got);
  }
  return std::string_view(peeked_).substr(0, n);
}

std::size_t FdReader::read(char* buffer, std::size_t size) {
  if (peek_pos_ < peeked_.size()) {
    const std::size_t n = std::min(size, peeked_.size() - peek_pos_);
    std::memcpy(buffer, peeked_.data() + peek_pos_, n);
    peek_pos_ += n;
    return n;
  }
  return read_some(buffer, size);
}

std::unique_ptr<Reader> memory_reader(std::string_view bytes) {
  return std::make_unique<MemoryReader>(bytes);
}

std::unique_ptr<Reader> gzip_reader(std::unique_ptr<Reader> raw, const std::string& name,
                                    const Limits& limits) {
  return std::make_unique<GzipReader>(std::move(raw), name, limits);
}

std::unique_ptr<Reader> zip_reader_from_bytes(std::string_view bytes, Buffer owned,
                                              const std::string& archive_name,
                                              const OpenOptions& options) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) throw_unreadable_zip(archive_name, &error);
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    throw_unreadable_zip(archive_name, &error);
  }
  zip_error_fini(&error);
  // If the constructor throws, its members have already closed the archive.
  return std::make_unique<ZipReader>(archive, std::move(owned), archive_name, options);
}

std::unique_ptr<Reader> zip_reader_from_path(const std::string& path, const OpenOptions& options) {
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (archive == nullptr) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    throw_unreadable_zip(path, &error);
  }
  return std::make_unique<ZipReader>(archive, Buffer(), path, options);
}

Buffer read_all(Reader& reader, std::uint64_t size_hint) {
  Buffer out;
  // The hint may come from the input itself (gzip's trailing size field), so it
  // only sets a modest first reservation; the buffer grows as data arrives.
  out.reserve(static_cast<std::size_t>(std::clamp<std::uint64_t>(size_hint + 1, 4096, 64ULL << 20)));
  for (;;) {
    if (out.size() == out.capacity()) out.reserve(out.capacity() * 2);
    const std::size_t got = reader.read(out.data() + out.size(), out.capacity() - out.size());
    if (got == 0) break;
    out.set_size(out.size() + got);
  }
  out.finish();
  return out;
}

}  // namespace netinspect::source::detail
