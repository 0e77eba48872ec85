// netinspect::diagnose — JSON5, the syntax of Fuchsia `.triage` files:
// comments, unquoted identifier keys, single-quoted strings, trailing commas,
// hex numbers, leading '+' and '.', Infinity/NaN.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "json/value.h"

namespace netinspect::diagnose {

class Json5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;  // "line L, column C: what"
};

json::Value parse_json5(std::string_view text);

}  // namespace netinspect::diagnose
