// Folded stacks (Brendan Gregg's collapsed format), the input of
// flamegraph.pl, inferno and speedscope, and of our own flame graph.
#include <algorithm>
#include <cstdio>
#include <map>

#include "pprof/report.h"

namespace netinspect::pprof {

namespace {

std::string address_name(std::uint64_t address) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(address));
  return buffer;
}

// Frames of one location, caller first: Location::lines runs from the
// innermost inlined function out to the caller.
void append_frames(const Profile& profile, const Location& location, std::vector<std::string>& frames) {
  if (location.lines.empty()) {
    frames.push_back(address_name(location.address));
    return;
  }
  for (std::size_t i = location.lines.size(); i-- > 0;) {
    const Line& line = location.lines[i];
    if (line.function != kNone && !profile.functions[line.function].name.empty()) {
      frames.push_back(profile.functions[line.function].name);
    } else {
      frames.push_back(address_name(location.address));
    }
  }
}

}  // namespace

std::vector<Stack> folded_stacks(const Profile& profile, std::size_t sample_index) {
  std::map<std::vector<std::string>, std::int64_t> sums;
  for (const Sample& sample : profile.samples) {
    const std::int64_t value = sample.values.at(sample_index);
    if (value == 0) continue;
    std::vector<std::string> frames;
    for (std::size_t i = sample.locations.size(); i-- > 0;) {
      append_frames(profile, profile.locations[sample.locations[i]], frames);
    }
    sums[std::move(frames)] += value;
  }
  std::vector<Stack> stacks;
  for (auto& [frames, value] : sums) {
    if (value != 0) stacks.push_back({frames, value});
  }
  return stacks;
}

std::string folded_text(const std::vector<Stack>& stacks) {
  std::vector<std::string> lines;
  lines.reserve(stacks.size());
  for (const Stack& stack : stacks) {
    std::string line;
    for (std::size_t i = 0; i < stack.frames.size(); ++i) {
      if (i > 0) line += ';';
      for (char c : stack.frames[i]) {
        const bool unsafe = c == ';' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        line += unsafe ? '_' : c;
      }
    }
    line += ' ';
    line += std::to_string(stack.value);
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace netinspect::pprof
