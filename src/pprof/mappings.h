// Internal to ni_pprof (not part of its public API): pprof's view of a
// profile's mappings after profile.Parse's massageMappings, shared by the
// `top` report (File:/Build ID: lines, node names) and the name filters
// (which match the merged mapping's file, as pprof does).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pprof/profile.h"

namespace netinspect::pprof::detail {

// Adjacent mappings of one binary merged, then the main binary moved first.
struct MappingView {
  std::vector<std::string> file_of;  // per original mapping index: the merged mapping's file
  std::optional<Mapping> main;       // the merged list's first mapping
};
MappingView massage_mappings(const std::vector<Mapping>& mappings);

// Go's strings.TrimSpace for ASCII white space.
std::string trim_space(std::string s);

}  // namespace netinspect::pprof::detail
