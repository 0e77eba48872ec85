#include "cli/query_output.h"

#include <cerrno>
#include <cstdio>

namespace netinspect::cli {

void QueryOutput::result_done() {
  if (unbuffered_ || buffer_.size() >= kFlushThreshold) {
    if (!flush() && closed_) throw OutputClosed{};
  }
}

bool QueryOutput::flush() {
  if (closed_ || failed_) {
    buffer_.clear();
    return false;
  }
  if (!buffer_.empty()) {
    std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
    buffer_.clear();
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    error_number_ = errno;
    if (error_number_ == EPIPE) {
      closed_ = true;
    } else {
      failed_ = true;
    }
    return false;
  }
  return true;
}

}  // namespace netinspect::cli
