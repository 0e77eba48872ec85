// netinspect::jq — helpers shared by the builtins_*.cc files (not a public interface).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "jq/builtins.h"
#include "json/parse.h"
#include "json/value.h"

namespace netinspect::jq::builtins_detail {

// Throws RuntimeError carrying `message` as a jq string error.
[[noreturn]] void fail(std::string message);

// jq's short preview of a value in error messages: its compact JSON, cut to
// about 30 bytes (never inside a UTF-8 sequence) and marked with "...".
std::string preview(const json::Value& value);
// "number (1)", "string (\"abc\")", as jq prefixes its type errors.
std::string describe(const json::Value& value);
[[noreturn]] void type_error(const json::Value& value, std::string_view message);
[[noreturn]] void type_error2(const json::Value& a, const json::Value& b, std::string_view message);

// jq's `+` on two values (null is the identity), with its error message.
json::Value add_values(const json::Value& a, const json::Value& b);
// `total = total + b`, appending in place when `total` holds the only reference.
void add_in_place(json::Value& total, const json::Value& b);

[[noreturn]] void cannot_iterate(const json::Value& value);

// Calls fn on each value `.[]` would produce (array items, object values).
template <typename Fn>
void for_each_element(const json::Value& input, Fn&& fn) {
  if (input.is_array()) {
    for (const json::Value& item : input.as_array()) fn(item);
  } else if (input.is_object()) {
    for (const auto& entry : input.as_object()) fn(entry.second);
  } else {
    cannot_iterate(input);
  }
}

inline json::Value number_of(std::size_t n) { return json::Value::number(static_cast<double>(n)); }

// UTF-8 helpers. Strings inside Values are valid UTF-8.
// Decodes the codepoint at `pos` and advances `pos`; invalid bytes decode as U+FFFD.
char32_t next_codepoint(std::string_view text, std::size_t& pos);
using json::append_utf8;  // json/parse.h
std::size_t codepoint_count(std::string_view text);
// Replaces invalid UTF-8 sequences by U+FFFD, as jq does for strings built from bytes.
std::string sanitize_utf8(std::string_view bytes);
// Whether `bytes` is well-formed UTF-8.
bool is_valid_utf8(std::string_view bytes);

// The natives of each builtins_*.cc file, gathered by native_functions().
std::span<const NativeFunction> core_natives();
std::span<const NativeFunction> string_natives();
std::span<const NativeFunction> math_natives();
std::span<const NativeFunction> regex_natives();
std::span<const NativeFunction> date_natives();

}  // namespace netinspect::jq::builtins_detail
