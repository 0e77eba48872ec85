// netinspect::json — writing Values byte-for-byte as jq 1.8 prints them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "json/value.h"

namespace netinspect::json {

struct WriteOptions {
  int indent = 2;           // spaces per level; 0 = compact (`-c`); jq allows up to 7
  bool use_tab = false;     // `--tab`: one tab per level
  bool ascii = false;       // `-a`: escape non-ASCII as \uXXXX (surrogate pairs)
  bool sort_keys = false;   // `-S`
  bool color = false;       // `-C`
  std::string colors;       // JQ_COLORS spec; empty = jq 1.8 defaults
};

// Appends the JSON text of `value` to `out` (no trailing newline).
void write(const Value& value, const WriteOptions& options, std::string& out);

// Compact form, as `tojson` / `-c` print it.
std::string to_json(const Value& value);

// How jq 1.8 prints a computed number: shortest round-trip form with 17
// significant digits at most, integers without exponent up to 1e17,
// +-1.7976931348623157e+308 for infinities, `null` for NaN.
std::string format_number(double d);
// Same, appended to `out` (no temporary string on hot paths).
void append_number(std::string& out, double d);

// A number as jq prints it: its literal when it still has one, else format_number.
std::string number_text(const Value& number);

// The compact JSON text of `value` for jq's error messages, cut to at most
// `max_bytes` bytes: when longer, the first max_bytes-3 bytes (backed up to a
// UTF-8 character boundary) followed by "...". jq 1.8 dumps into a 30-byte
// buffer: max_bytes 29 gives "12345678901234567890123456..." for a number;
// its string operands in jq.test come out one byte shorter (max_bytes 28:
// "\"very-long-long-long-long...").
std::string truncated_json(const Value& value, std::size_t max_bytes);

}  // namespace netinspect::json
