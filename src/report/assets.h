// The report's front end (share/report/report.css and report.js), compiled
// into the program by src/report/CMakeLists.txt so a report never needs a
// file next to the binary, let alone the network.
#pragma once

#include <string_view>

namespace netinspect::report {

std::string_view report_css();
std::string_view report_js();

}  // namespace netinspect::report
