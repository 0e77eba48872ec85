// netinspect::report — the bar chart of sockets by protocol and state, as an
// inline SVG element (no script, no external font).
#pragma once

#include <string>
#include <vector>

#include "netstack/views.h"

namespace netinspect::report {

// One horizontal bar per protocol (largest first), split by state, with a
// legend; every segment has a <title> with its count. Empty input gives a
// short paragraph instead.
std::string sockets_chart(const std::vector<netstack::Socket>& sockets);

}  // namespace netinspect::report
