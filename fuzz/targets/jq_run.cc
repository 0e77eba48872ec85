// libFuzzer target: compile and run a small jq program on a small input.
// Input layout: program, a NUL byte, then the JSON input. The evaluation
// limits (jq::Limits: steps, string bytes, array length) and a call depth
// keep every program finite and small, so generators (range, repeat,
// recurse, while, limit), recursion and string repetition are fuzzed too;
// hitting a limit is a LimitError, not a finding.
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

// Programs whose outcome depends on this machine rather than on the input:
// module imports read ~/.jq and friends.
bool touches_files(std::string_view program) {
  static constexpr std::string_view kSkipped[] = {"import", "include"};
  for (std::string_view word : kSkipped)
    if (program.find(word) != std::string_view::npos) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 512) return 0;
  std::string_view all(reinterpret_cast<const char*>(data), size);
  std::size_t nul = all.find('\0');
  std::string_view program = all.substr(0, nul);
  std::string_view input_text = nul == std::string_view::npos ? "null" : all.substr(nul + 1);
  if (program.size() > 128 || touches_files(program)) return 0;

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
  env.limits.max_steps = 20000;
  env.limits.max_string_bytes = 4096;
  env.limits.max_array_length = 1000;
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
