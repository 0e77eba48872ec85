// Exact decimal helpers for jq 1.8's literal numbers (what decNumber does for
// jq): canonical printing of a parsed literal and exact comparison.
// Internal to the json module.
#pragma once

#include <string>
#include <string_view>

namespace netinspect::json::decimal {

// True for `-?[1-9][0-9]{0,14}` and "0": such literals print exactly as
// format_number prints their double, so nothing has to be stored.
bool is_plain_short_integer(std::string_view literal);

// decNumber's to-scientific-string of the decimal written in `literal`
// (trailing zeros kept: "1.000" -> "1.000", "100e-2" -> "1.00", "1e2" -> "1E+2").
std::string canonical_text(std::string_view literal);

// Exact comparison of two decimal texts (any of: literal syntax, canonical
// text, format_number output): <0, 0, >0. -0 equals 0.
int compare(std::string_view a, std::string_view b);

}  // namespace netinspect::json::decimal
