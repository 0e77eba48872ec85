// netinspect::report — text made safe for the places a report puts it.
//
// Everything a snapshot holds (NIC names, addresses, counter names, rule
// messages) is attacker-controlled as far as the report is concerned: a name
// such as `</script><img src=x onerror=...>` must come out as text, never as
// markup, and must not end the <script> element that holds embedded data.
#pragma once

#include <string>
#include <string_view>

#include "json/value.h"

namespace netinspect::report {

// Text for HTML element content and quoted attribute values: & < > " ' become
// character references; invalid UTF-8 and control characters other than tab
// and newline become U+FFFD, so the page always parses the same way.
std::string html_escape(std::string_view text);

// Compact JSON for a <script type="application/json"> data block: '<', '>'
// and '&' are written as \u003c, \u003e, \u0026 (valid JSON, identical once
// parsed), so no "</script" or "<!--" can appear inside the element.
std::string script_json(const json::Value& value);

}  // namespace netinspect::report
