// libFuzzer target: the jq lexer and parser (parse_program), plus the
// debug printer of whatever parses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jq/jq.h"
#include "jq/parser.h"

using namespace netinspect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  std::string_view source(reinterpret_cast<const char*>(data), size);
  try {
    jq::Program program = jq::parse_program(source);
    (void)jq::debug_string(program);
  } catch (const std::exception&) {
  }
  return 0;
}
