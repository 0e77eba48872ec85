// libFuzzer target: parse -> write -> parse must give an equal value, with
// every writer option combination picked by the first input byte.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "json/parse.h"
#include "json/value.h"
#include "json/write.h"

using namespace netinspect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const unsigned flags = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  json::ParseOptions parse_options;
  parse_options.max_depth = 512;
  json::Value first;
  try {
    first = json::parse(text, parse_options);
  } catch (const std::exception&) {
    return 0;  // not JSON: nothing to round-trip
  }
  json::WriteOptions options;
  options.indent = static_cast<int>(flags & 7u);
  options.use_tab = (flags & 8u) != 0;
  options.ascii = (flags & 16u) != 0;
  options.sort_keys = (flags & 32u) != 0;
  std::string written;
  json::write(first, options, written);
  json::Value second;
  try {
    second = json::parse(written, parse_options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "written JSON does not parse back: %s\n%s\n", e.what(), written.c_str());
    std::abort();
  }
  // NaN and infinities are written as null and +-DBL_MAX (as jq does), so a
  // value holding them changes once; what comes back must then be stable.
  if (!(first == second)) {
    std::string again;
    json::write(second, options, again);
    json::Value third = json::parse(again, parse_options);
    if (!(second == third)) {
      std::fprintf(stderr, "round trip is not stable:\n%s\n%s\n", written.c_str(), again.c_str());
      std::abort();
    }
  }
  return 0;
}
