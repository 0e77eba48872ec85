// netinspect::json — parsing JSON text into Values, with jq's leniencies and errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "json/value.h"

namespace netinspect::json {

struct ParseOptions {
  std::size_t max_depth = 10000;  // jq 1.8's limit; deeper input is a parse error
};

// Thrown for malformed input. what() is jq's text without any prefix, e.g.
// "Invalid numeric literal at line 1, column 4" or
// "Unfinished JSON term at EOF at line 2, column 0".
class ParseError : public std::runtime_error {
 public:
  ParseError(const std::string& message, std::size_t line, std::size_t column)
      : std::runtime_error(message), line_(line), column_(column) {}
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }

 private:
  std::size_t line_, column_;
};

// Exactly one JSON value (surrounding whitespace allowed). Used by `fromjson`,
// `--argjson`, tests. Invalid UTF-8 is replaced by U+FFFD as jq does.
Value parse(std::string_view text, const ParseOptions& options = {});

// A stream of whitespace-separated JSON values, as jq reads its input
// (`1 2 [3]`, one value per line, or one big document). Values are handed out
// one at a time, so memory stays bounded by the largest value.
class ValueReader {
 public:
  explicit ValueReader(std::string_view text, const ParseOptions& options = {});
  ~ValueReader();
  ValueReader(const ValueReader&) = delete;
  ValueReader& operator=(const ValueReader&) = delete;
  // Next value; false at the end of input. Throws ParseError on malformed input
  // (values before the error have already been returned).
  bool next(Value& out);
  // 1-based line of the reader's position (for jq's "(at <file>:N)" error prefix).
  std::size_t line() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

namespace detail {
// For Value::unparsed: parses `text` (kept alive with Value::kUnparsedPadding
// readable bytes after it by `owner`) in place, as parse() does, except that
// the members of its top-level object named in `names` stay unparsed when they
// are containers. Falls back to parsing them when the fast path does not apply.
Value parse_keeping_unparsed(const std::shared_ptr<const void>& owner, std::string_view text,
                             std::size_t max_depth, std::span<const std::string_view> names);
}  // namespace detail

// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8: the one encoder
// of the JSON, jq and JSON5 readers and the jq builtins.
void append_utf8(std::string& out, std::uint32_t cp);

}  // namespace netinspect::json
