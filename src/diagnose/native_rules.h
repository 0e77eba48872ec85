// Internal to src/diagnose: the native rules' descriptions and thresholds by
// name, shared by native.cc (which evaluates them) and thresholds.cc
// (`--list-rules`, `--set`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnose/triage.h"

namespace netinspect::diagnose::native {

struct RuleDoc {
  std::string_view name;
  std::string_view trigger;  // in words
  std::string_view hint;
  std::vector<std::string_view> thresholds;  // unqualified names
};
const std::vector<RuleDoc>& rule_docs();

// Unqualified names of every native threshold, in declaration order.
const std::vector<std::string_view>& threshold_names();
// The threshold's value as text ("100", "1.5"); nullopt for an unknown name.
std::optional<std::string> threshold_text(const NativeThresholds& thresholds, std::string_view name);
// Sets it; false for an unknown name. `error` says why a value is refused.
bool set_threshold(NativeThresholds& thresholds, std::string_view name, const std::string& value, std::string& error);

}  // namespace netinspect::diagnose::native
