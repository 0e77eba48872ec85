// netinspect::json — writing Values byte-for-byte as jq 1.8 prints them.
#pragma once

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

// A number as jq prints it: its literal when it still has one, else format_number.
std::string number_text(const Value& number);

}  // namespace netinspect::json
