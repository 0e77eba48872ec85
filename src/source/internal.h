// Internal to ni_source: the byte buffer and the Reader implementations shared
// by input.cc (whole inputs) and entry_stream.cc (streamed inputs).
#pragma once

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "source/source.h"

namespace netinspect::source::detail {

// A growable byte buffer that keeps Input::kPadding zero bytes after its
// contents. malloc/realloc rather than std::string: no zero-fill on growth,
// and glibc's realloc moves big blocks with mremap instead of copying.
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    return *this;
  }
  ~Buffer() { std::free(data_); }

  char* data() { return data_; }
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  std::string_view view() const { return {data_ == nullptr ? "" : data_, size_}; }
  void reserve(std::size_t capacity) {
    if (capacity <= capacity_ && data_ != nullptr) return;
    void* grown = std::realloc(data_, capacity + Input::kPadding);
    if (grown == nullptr) throw std::bad_alloc();
    data_ = static_cast<char*>(grown);
    capacity_ = capacity;
  }
  void set_size(std::size_t size) { size_ = size; }
  void append(const char* bytes, std::size_t n) {
    if (size_ + n > capacity_) reserve(std::max(size_ + n, capacity_ * 2));
    if (n > 0) std::memcpy(data_ + size_, bytes, n);
    size_ += n;
  }
  // Zeroes the padding; call once filled.
  void finish() {
    reserve(size_);
    std::memset(data_ + size_, 0, Input::kPadding);
  }
  char* release() {
    size_ = capacity_ = 0;
    return std::exchange(data_, nullptr);
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0, capacity_ = 0;
};

[[noreturn]] void throw_too_big(const std::string& name, const Limits& limits);

bool is_gzip(std::string_view bytes);
bool is_zip(std::string_view bytes);

// Reads a file descriptor with read(2); can look at the first bytes (to
// detect the format) without losing them.
class FdReader : public Reader {
 public:
  FdReader(int fd, bool owned, std::string display_name);
  ~FdReader() override;
  FdReader(const FdReader&) = delete;
  FdReader& operator=(const FdReader&) = delete;
  std::size_t read(char* buffer, std::size_t size) override;
  // Up to n bytes from the start (fewer at the end); call before any read().
  std::string_view peek(std::size_t n);

 private:
  std::size_t read_some(char* buffer, std::size_t size);
  int fd_;
  bool owned_;
  std::string peeked_;
  std::size_t peek_pos_ = 0;
};

// Reads `bytes` (which must outlive the reader).
std::unique_ptr<Reader> memory_reader(std::string_view bytes);
// Inflates a gzip stream (concatenated members allowed) read from `raw`.
std::unique_ptr<Reader> gzip_reader(std::unique_ptr<Reader> raw, const std::string& name,
                                    const Limits& limits);
// Reads the OpenOptions::zip_member of the zip archive in `bytes`; the reader
// owns `owned` (pass the bytes' storage when they must stay alive, else empty).
std::unique_ptr<Reader> zip_reader_from_bytes(std::string_view bytes, Buffer owned,
                                              const std::string& archive_name,
                                              const OpenOptions& options);
// Same, reading the archive file at `path` (bounded memory).
std::unique_ptr<Reader> zip_reader_from_path(const std::string& path, const OpenOptions& options);

// Everything `reader` yields, with Input::kPadding after it; `size_hint`
// presizes the buffer (0: unknown).
Buffer read_all(Reader& reader, std::uint64_t size_hint);

}  // namespace netinspect::source::detail
