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
  json::ParseOptions parse_options;
  parse_options.max_depth = 512;
  try {
    std::string copy(text);  // the stream keeps a view: give it its own bytes
    source::EntryStream stream(copy, "fuzz", options);
    source::Entry entry;
    for (int n = 0; n < 10000 && stream.next(entry); ++n) {
      (void)source::peek_moniker(entry.raw);
      (void)stream.locate(entry.offset);
      try {
        (void)source::parse_entry(stream, entry, parse_options);
      } catch (const std::exception&) {
      }
    }
  } catch (const std::exception&) {
  }
  return 0;
}
