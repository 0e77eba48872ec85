// Internal: the structural scanner behind EntryStream and peek_moniker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace netinspect::source::detail {

struct ScanResult {
  static constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);
  std::size_t stop = kNotFound;  // offset in text of the byte that stopped the scan
  bool in_string = false;        // at the end of text, when not found
};

// Scans text from `start` (outside any string, at relative depth 0) for the
// first byte that, outside strings, is a closing bracket at depth 0 or, when
// `stop_at_comma`, a comma at depth 0. `[`/`{` and `]`/`}` are not told apart:
// a mismatch is left for the parser of the entry to report.
// Processes 64 bytes per step with SIMD masks; never reads outside `text`.
ScanResult scan_to_separator(std::string_view text, std::size_t start, bool stop_at_comma);

// The portable build (tests compare it with the AVX2 one).
ScanResult scan_to_separator_baseline(std::string_view text, std::size_t start, bool stop_at_comma);

#if defined(__x86_64__)
// The AVX2 build of scan_to_separator (scan_avx2.cc); call only when the CPU has
// AVX2, PCLMUL and POPCNT. scan_to_separator dispatches to it by itself.
ScanResult scan_to_separator_avx2(std::string_view text, std::size_t start, bool stop_at_comma);
#endif

// Offset just past the closing quote of the string whose opening quote is at
// text[open_quote]; kNotFound when the text ends first.
std::size_t end_of_string(std::string_view text, std::size_t open_quote);

inline bool is_json_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace netinspect::source::detail
