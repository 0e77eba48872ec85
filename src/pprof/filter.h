// pprof's -focus / -ignore: keep only the samples whose stack has a frame
// matching FOCUS and none matching IGNORE (google/pprof's
// Profile.FilterSamplesByName). A frame matches when the regular expression
// is found anywhere in one of its functions' names or source file names, or
// in its binary's file name. Stacks are not cut: a kept sample keeps all its
// frames, as in pprof.
//
// Expressions are Go RE2 syntax in pprof; netinspect compiles them with
// Oniguruma's Perl syntax, which agrees on ordinary patterns (literals, ., *,
// +, ?, |, groups, classes, anchors, \. escapes).
#pragma once

#include <string>
#include <vector>

#include "pprof/profile.h"

namespace netinspect::pprof {

struct NameFilter {
  std::string focus;   // "" keeps every sample
  std::string ignore;  // "" drops none
  bool empty() const { return focus.empty() && ignore.empty(); }
};

// Whether any frame matched each expression (pprof warns when one did not).
struct NameFilterMatches {
  bool focus = false;
  bool ignore = false;
};

// Throws PprofError "invalid --focus regular expression 'X': why" when an
// expression does not compile.
void check_name_filter(const NameFilter& filter);

// Removes the samples the filter rejects from `profile` (nothing else
// changes). Throws PprofError like check_name_filter.
NameFilterMatches filter_samples_by_name(Profile& profile, const NameFilter& filter);

// pprof's warnings for expressions that matched no frame: "Focus expression
// matched no samples", "Ignore expression matched no samples".
std::vector<std::string> name_filter_warnings(const NameFilter& filter, const NameFilterMatches& matches);

// pprof's "Active filters:" header lines ("   focus=X", "   ignore=Y"), none
// for an empty filter.
std::vector<std::string> active_filter_lines(const NameFilter& filter);

}  // namespace netinspect::pprof
