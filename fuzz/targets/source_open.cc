// libFuzzer target: gzip and zip inputs through source::open on a temp file
// (the path used by the CLI), then the splitter over what comes out.
// Decompression is capped at 256 KiB so bombs are errors, not OOMs, and a
// run stays cheap: with 4 MiB, most mutated gzip trailers made each run
// reserve and fault in megabytes under ASan (~250 runs/s).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "source/source.h"

using namespace netinspect;

namespace {

const std::string& temp_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir ? dir : "/tmp") + "/ni-fuzz-open-XXXXXX";
    int fd = mkstemp(pattern.data());
    if (fd < 0) std::abort();
    close(fd);
    return pattern;
  }();
  return path;
}

struct Cleanup {
  ~Cleanup() { std::remove(temp_path().c_str()); }
} cleanup;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = temp_path();
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size) std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  source::OpenOptions options;
  options.limits.max_decompressed_bytes = 256u << 10;
  options.limits.max_zip_members = 1000;
  try {
    source::Input input = source::open(path, options);
    source::EntryStream stream(input);
    source::Entry entry;
    for (int n = 0; n < 10000 && stream.next(entry); ++n) {
    }
  } catch (const std::exception&) {
  }
  try {
    auto reader = source::open_reader(path, options);
    // Small reads so the sliding window's refill and growth paths run on
    // small inputs (the 4 MiB default would hold any input in one read).
    source::EntryStream::Options stream_options;
    stream_options.read_size = 1024;
    source::EntryStream stream(std::move(reader), stream_options);
    source::Entry entry;
    for (int n = 0; n < 10000 && stream.next(entry); ++n) {
    }
  } catch (const std::exception&) {
  }
  return 0;
}
