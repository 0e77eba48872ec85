// libFuzzer target: the JSON reader, whole documents (json::parse) and a
// stream of values (json::ValueReader). Errors are expected; crashes are not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "json/parse.h"
#include "json/value.h"

using namespace netinspect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  json::ParseOptions options;
  options.max_depth = 512;  // the depth check itself is exercised; deep stacks are not the point
  try {
    (void)json::parse(text, options);
  } catch (const std::exception&) {
  }
  try {
    json::ValueReader reader(text, options);
    json::Value value;
    for (int n = 0; n < 1000 && reader.next(value); ++n) {
    }
  } catch (const std::exception&) {
  }
  return 0;
}
