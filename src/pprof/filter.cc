#include "pprof/filter.h"

#include <oniguruma.h>

#include <memory>
#include <string_view>

#include "pprof/mappings.h"

namespace netinspect::pprof {

namespace {

struct RegexFree {
  void operator()(regex_t* regex) const { onig_free(regex); }
};
using Regex = std::unique_ptr<regex_t, RegexFree>;

Regex compile(const std::string& pattern, std::string_view option) {
  if (pattern.empty()) return nullptr;
  static const bool initialized = [] {
    OnigEncoding encodings[] = {ONIG_ENCODING_UTF8};
    onig_initialize(encodings, 1);
    return true;
  }();
  (void)initialized;
  regex_t* raw = nullptr;
  OnigErrorInfo info{};
  const auto* begin = reinterpret_cast<const OnigUChar*>(pattern.data());
  const int status = onig_new(&raw, begin, begin + pattern.size(), ONIG_OPTION_NONE, ONIG_ENCODING_UTF8,
                              ONIG_SYNTAX_PERL, &info);
  if (status != ONIG_NORMAL) {
    OnigUChar message[ONIG_MAX_ERROR_MESSAGE_LEN];
    onig_error_code_to_str(message, status, &info);
    throw PprofError("invalid --" + std::string(option) + " regular expression '" + pattern +
                     "': " + reinterpret_cast<const char*>(message));
  }
  return Regex(raw);
}

bool found_in(regex_t* regex, std::string_view text) {
  const auto* begin = reinterpret_cast<const OnigUChar*>(text.data());
  const auto* end = begin + text.size();
  return onig_search(regex, begin, end, begin, end, nullptr, ONIG_OPTION_NONE) >= 0;
}

// pprof's Location.matchesName.
bool location_matches(regex_t* regex, const Profile& profile, const Location& location,
                      const detail::MappingView& mappings) {
  for (const Line& line : location.lines) {
    if (line.function == kNone) continue;
    const Function& function = profile.functions[line.function];
    if (found_in(regex, function.name) || found_in(regex, function.filename)) return true;
  }
  return location.mapping != kNone && found_in(regex, mappings.file_of[location.mapping]);
}

}  // namespace

void check_name_filter(const NameFilter& filter) {
  compile(filter.focus, "focus");
  compile(filter.ignore, "ignore");
}

NameFilterMatches filter_samples_by_name(Profile& profile, const NameFilter& filter) {
  NameFilterMatches matches;
  if (filter.empty()) return matches;
  const Regex focus = compile(filter.focus, "focus");
  const Regex ignore = compile(filter.ignore, "ignore");
  const detail::MappingView mappings = detail::massage_mappings(profile.mappings);
  // Per location: ignored, focused, or neither (pprof's focusOrIgnore map).
  enum class Verdict { kNeither, kFocus, kIgnore };
  std::vector<Verdict> verdicts(profile.locations.size(), Verdict::kNeither);
  for (std::size_t i = 0; i < profile.locations.size(); ++i) {
    const Location& location = profile.locations[i];
    if (ignore && location_matches(ignore.get(), profile, location, mappings)) {
      matches.ignore = true;
      verdicts[i] = Verdict::kIgnore;
    } else if (!focus || location_matches(focus.get(), profile, location, mappings)) {
      matches.focus = true;
      verdicts[i] = Verdict::kFocus;
    }
  }
  std::vector<Sample> kept;
  for (Sample& sample : profile.samples) {
    bool focused = false, ignored = false;
    for (std::size_t location : sample.locations) {
      focused = focused || verdicts[location] == Verdict::kFocus;
      ignored = ignored || verdicts[location] == Verdict::kIgnore;
    }
    if (focused && !ignored) kept.push_back(std::move(sample));
  }
  profile.samples = std::move(kept);
  return matches;
}

std::vector<std::string> name_filter_warnings(const NameFilter& filter, const NameFilterMatches& matches) {
  std::vector<std::string> warnings;
  if (!filter.focus.empty() && !matches.focus) warnings.push_back("Focus expression matched no samples");
  if (!filter.ignore.empty() && !matches.ignore) warnings.push_back("Ignore expression matched no samples");
  return warnings;
}

std::vector<std::string> active_filter_lines(const NameFilter& filter) {
  std::vector<std::string> lines;
  if (filter.empty()) return lines;
  lines.push_back("Active filters:");
  // pprof cuts a long filter to 80 bytes and appends an ellipsis.
  auto add = [&](std::string_view key, const std::string& value) {
    if (value.empty()) return;
    std::string text = std::string(key) + "=" + value;
    if (text.size() > 80) text = text.substr(0, 80) + "\xe2\x80\xa6";
    lines.push_back("   " + text);
  };
  add("focus", filter.focus);
  add("ignore", filter.ignore);
  return lines;
}

}  // namespace netinspect::pprof
