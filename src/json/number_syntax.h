// Number token syntax as jq 1.8 accepts it (decNumber's grammar): JSON
// numbers plus a leading '+', leading zeros, "1." and ".5", and the special
// values Infinity/Inf/NaN in any case with an optional sign. NaN payloads
// ("NaN1") are rejected, as jq 1.8 does.
#pragma once

#include <string_view>

namespace netinspect::json {

struct NumberSyntax {
  enum class Special { None, NaN, Infinity };
  Special special = Special::None;
  bool negative = false;
  bool strict_json = false;  // also valid under RFC 8259's grammar
};

// jq's grammar; false if `token` is not a number.
bool parse_number_syntax(std::string_view token, NumberSyntax& syntax);

// RFC 8259's grammar only (what the fast path may accept without help).
bool parse_strict_json_number(std::string_view token, NumberSyntax& syntax);

// The double nearest to a token accepted by parse_number_syntax (±inf on
// overflow, 0 on underflow). Not for special values.
double number_syntax_to_double(std::string_view token, const NumberSyntax& syntax);

}  // namespace netinspect::json
