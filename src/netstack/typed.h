// netinspect::netstack — reading Inspect properties whatever their JSON type.
//
// Netstack2 stores most booleans and numbers of its info nodes as strings
// ("true", "5"), its IntegralStatCounterMap leaves as {"Count": "5"}, and its
// counters as u64 numbers beyond double precision; netstack3 stores them
// typed. These helpers give one typed answer for all of them, or nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "json/value.h"

namespace netinspect::netstack {

// true/false, "true"/"false" (any case); nullopt for anything else.
std::optional<bool> as_bool(const json::Value& value);
// A non-negative integer: a JSON number, a decimal string, or {"Count": ...}.
std::optional<std::uint64_t> as_uint(const json::Value& value);
// A string property as text; numbers and booleans as their JSON text; "" otherwise.
std::string as_text(const json::Value& value);

// JSON values for typed output: a number keeping all 20 digits of a u64, a
// boolean, or null when absent.
json::Value uint_value(std::optional<std::uint64_t> value);
json::Value bool_value(std::optional<bool> value);
json::Value text_value(std::string_view text);  // "" -> null

// Saturating sum of every unsigned leaf under `node` (Count maps included).
std::uint64_t sum_leaves(const json::Value& node);

// A copy of `node` with string-typed numbers and booleans made typed (the
// raw tree for `--detail` and `--json`); other strings unchanged.
json::Value typed_tree(const json::Value& node);

// Numeric-aware ordering of object keys ("2" < "10" < "lo"), as Inspect's sort.
bool key_less(std::string_view a, std::string_view b);

}  // namespace netinspect::netstack
