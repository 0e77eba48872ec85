// libFuzzer target: compile and run a small jq program on a small input.
// Input layout: program, a NUL byte, then the JSON input. Programs that can
// legitimately run for ever or build huge values (range, repeat, recursion,
// big literals, string repetition) are skipped: the engine has no step limit,
// so they would be reported as timeouts, which are not bugs.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "jq/jq.h"
#include "json/parse.h"
#include "json/value.h"

using namespace netinspect;

namespace {

struct TooManyOutputs {};

bool may_not_terminate(std::string_view program) {
  static constexpr std::string_view kSkipped[] = {
      "range", "repeat", "while", "until", "recurse", "limit", "until", "..",
      "def",   "import", "include", "input", "walk", "splits", "gsub", "sub(",
      "combinations", "pow", "exp", "ldexp", "scalb", "significand", "*",
      "implode", "tojson", "getpath", "paths", "leaf_paths", "env", "$__prog",
      "@base32d", "foreach", "reduce", "test", "match", "capture", "scan",
      "ltrimstr", "splits", "sleep", "now", "mktime", "strftime", "strptime",
  };
  for (std::string_view word : kSkipped)
    if (program.find(word) != std::string_view::npos) return true;
  int digits = 0;
  for (char c : program) {
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits > 2) return true;  // big literals: [range(1e9)] or "x"*1e9
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 512) return 0;
  std::string_view all(reinterpret_cast<const char*>(data), size);
  std::size_t nul = all.find('\0');
  std::string_view program = all.substr(0, nul);
  std::string_view input_text = nul == std::string_view::npos ? "null" : all.substr(nul + 1);
  if (program.size() > 96 || may_not_terminate(program)) return 0;

  json::Value input;
  try {
    json::ParseOptions parse_options;
    parse_options.max_depth = 64;
    input = json::parse(input_text.empty() ? std::string_view("null") : input_text, parse_options);
  } catch (const std::exception&) {
    return 0;
  }
  std::optional<jq::Compiled> compiled;
  try {
    compiled.emplace(jq::Compiled::compile(program));
  } catch (const std::exception&) {
    return 0;
  }
  jq::Environment env;
  env.max_call_depth = 200;
  env.write_stderr = [](std::string_view) {};
  env.next_input = []() -> std::optional<json::Value> { return std::nullopt; };
  int outputs = 0;
  try {
    compiled->run(input, env, [&](const json::Value&) {
      if (++outputs > 1000) throw TooManyOutputs{};
    });
  } catch (const std::exception&) {
  } catch (const TooManyOutputs&) {
  } catch (const jq::Halt&) {
  }
  return 0;
}
