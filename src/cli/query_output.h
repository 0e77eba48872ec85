// Output side of `netinspect query`: one large buffer written with fwrite,
// flushed when it grows past a threshold, after each result with
// --unbuffered, and at exit.
#pragma once

#include <string>

namespace netinspect::cli {

// Thrown out of the output callback when stdout is gone (EPIPE): the query
// stops quietly, as a pipeline reader that closed early is not an error.
struct OutputClosed {};

class QueryOutput {
 public:
  explicit QueryOutput(bool unbuffered) : unbuffered_(unbuffered) { buffer_.reserve(kFlushThreshold + 4096); }

  std::string& buffer() { return buffer_; }
  // Call after each complete result. Throws OutputClosed on EPIPE.
  void result_done();
  // Writes what is buffered. False (errno set) on a write error other than EPIPE.
  bool flush();
  bool failed() const { return failed_; }
  int error_number() const { return error_number_; }
  bool closed() const { return closed_; }

 private:
  static constexpr std::size_t kFlushThreshold = 1 << 20;
  std::string buffer_;
  bool unbuffered_;
  bool failed_ = false;
  bool closed_ = false;
  int error_number_ = 0;
};

}  // namespace netinspect::cli
