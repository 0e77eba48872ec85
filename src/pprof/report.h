// netinspect::pprof reports: `top` exactly as `go tool pprof -top` (go1.19's
// vendored google/pprof) prints it, Brendan Gregg folded stacks, and a
// self-contained interactive flame graph SVG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pprof/filter.h"
#include "pprof/profile.h"

namespace netinspect::pprof {

struct TopOptions {
  std::size_t sample_index = kNone;  // kNone: default_sample_index()
  bool cum = false;                  // sort by cum instead of flat (-cum)
  std::size_t node_count = 0;        // 0: every node above the node fraction (as -top)
  double node_fraction = 0.005;      // pprof's -nodefraction default
  double edge_fraction = 0.001;      // pprof's -edgefraction default
  NameFilter filter;                 // -focus / -ignore; percentages stay relative to the unfiltered total
};

// The whole `-top` text, header lines included, ending in a newline.
std::string top_report(const Profile& profile, const TopOptions& options = {});
// The same; `warnings` receives pprof's stderr notes (a filter that matched nothing).
std::string top_report(const Profile& profile, const TopOptions& options, std::vector<std::string>& warnings);

// pprof's value formatting: `value` in `unit` shown in `output_unit`
// ("minimum"/"auto" pick a unit), "%.2f" with ".00" trimmed, 0 as "0".
std::string scaled_label(std::int64_t value, std::string_view unit, std::string_view output_unit);
// pprof's percentage column: "  100%", "72.73%", "0.032%", "    0%".
std::string percentage(std::int64_t value, std::int64_t total);

// One folded stack: frames root first.
struct Stack {
  std::vector<std::string> frames;
  std::int64_t value = 0;
};
// The stacks of one sample type, identical stacks summed, zero totals
// dropped, sorted by frames. Inlined frames are expanded caller first; a
// location without symbols shows as its address ("0x104e541").
std::vector<Stack> folded_stacks(const Profile& profile, std::size_t sample_index);
// "root;...;leaf VALUE\n" per stack, lines in byte order. ';' and control
// characters inside a frame name become '_' so every line stays parseable.
std::string folded_text(const std::vector<Stack>& stacks);

struct FlameOptions {
  std::string title = "Flame Graph";
  std::string unit;  // sample unit, for the hover text
  int width = 1200;
};
// An SVG document with one <rect> per node of the call tree (the root "all"
// included), hover details and click-to-zoom in an embedded script.
std::string flame_svg(const std::vector<Stack>& stacks, const FlameOptions& options = {});
// How many nodes flame_svg draws for these stacks (root included).
std::size_t flame_node_count(const std::vector<Stack>& stacks);

}  // namespace netinspect::pprof
