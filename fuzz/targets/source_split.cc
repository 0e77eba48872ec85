// libFuzzer target: the entry splitter (source::EntryStream over text, with
// and without array splitting), peek_moniker and parse_entry on each entry.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "json/parse.h"
#include "source/source.h"

using namespace netinspect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const unsigned flags = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  source::EntryStream::Options options;
  options.split_arrays = (flags & 1u) == 0;
  options.empty_arrays_as_values = (flags & 2u) != 0;
  // Small reads and releases so the refill paths run on small inputs.
  options.read_size = (flags & 4u) ? 7 : 4096;
  options.release_every = (flags & 8u) ? 16 : (64u << 20);
  options.parse.max_depth = 512;  // parse_entry takes the stream's options
  try {
    std::string copy(text);  // the stream keeps a view: give it its own bytes
    source::EntryStream stream(copy, "fuzz", options);
    source::Entry entry;
    for (int n = 0; n < 10000 && stream.next(entry); ++n) {
      (void)source::peek_moniker(entry.raw);
      // locate() counts newlines from the start: calling it for every entry
      // made a run quadratic in the input (~250 runs/s). Entries 0, 1, 2, 4,
      // 8, ... still cover every line/column path.
      if ((n & (n - 1)) == 0) (void)stream.locate(entry.offset);
      // Parsing (and, on garbage, throwing: costly under ASan) is json_parse's
      // job: here the first 64 entries cover parse_entry's position fix-up.
      if (n >= 64) continue;
      try {
        (void)source::parse_entry(stream, entry);
      } catch (const std::exception&) {
      }
    }
  } catch (const std::exception&) {
  }
  return 0;
}
