// netinspect::inspect — iquery's text layout (`iquery show`, text_formatter.rs):
//   <moniker>:
//     metadata:
//       errors = ...            (when present)
//       filename = ... | name = ...
//       component_url = ...
//       timestamp = ...
//     payload:
//       <root>:
//         <property> = <value>  (sorted; doubles {:.6}; bytes as a hex dump)
//         <child>:              (sorted, after the properties)
// or `  payload: null`.
#pragma once

#include <string>

#include "json/value.h"

namespace netinspect::inspect {

// Appends the text of one entry (an object with moniker, metadata, payload).
void render_entry_text(const json::Value& entry, std::string& out);

// Rust's `{}` for an f64: shortest round-trip digits, never an exponent.
std::string rust_display_double(double value);

// nom's HexDisplay::to_hex(16) of `bytes`, made valid UTF-8 lossily and trimmed,
// as iquery prints bytes properties.
std::string hex_dump(std::string_view bytes);

}  // namespace netinspect::inspect
