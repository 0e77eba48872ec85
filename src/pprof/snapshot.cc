#include "pprof/snapshot.h"

#include <algorithm>

namespace netinspect::pprof {

std::vector<EmbeddedProfile> profiles_in_entry(const json::Value& entry) {
  std::vector<EmbeddedProfile> out;
  if (!entry.is_object()) return out;
  const json::Value moniker = entry.get("moniker");
  if (!moniker.is_string() || moniker.as_string() != kNetstackMoniker) return out;
  const json::Value payload = entry.get("payload");
  if (!payload.is_object()) return out;
  const json::Value root = payload.get("root");
  if (!root.is_object()) return out;
  const json::Value pprof = root.get("pprof");
  if (!pprof.is_object()) return out;
  const json::Value metadata = entry.get("metadata");
  std::string filename;
  std::optional<std::int64_t> timestamp;
  if (metadata.is_object()) {
    const json::Value file = metadata.get("filename");
    if (file.is_string()) filename = file.as_string();
    const json::Value time = metadata.get("timestamp");
    if (time.is_number()) timestamp = static_cast<std::int64_t>(time.as_number());
  }
  for (const auto& [key, value] : pprof.as_object()) out.push_back({filename, key, value, timestamp});
  return out;
}

std::string seed_file_name(std::string_view entry, std::string_view name) {
  std::string out;
  constexpr std::string_view kPrefix = "pprof/";
  for (std::size_t i = 0; i < entry.size();) {
    if (entry.substr(i, kPrefix.size()) == kPrefix) {
      i += kPrefix.size();
    } else {
      out += entry[i++];
    }
  }
  out += '_';
  out += name;
  return out;
}

std::optional<std::string> safe_file_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 255) return std::nullopt;
  std::string out(name);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || byte < 0x20 || byte == 0x7f) c = '_';
  }
  if (out[0] == '.') out[0] = '_';  // no hidden files, and never "." or ".."
  return out;
}

std::vector<std::string> latest_entries(const std::vector<std::string>& entry_names) {
  constexpr std::string_view kNow = "pprof/now.inspect";
  if (std::find(entry_names.begin(), entry_names.end(), kNow) != entry_names.end()) return {std::string(kNow)};
  std::optional<std::string> best;
  for (const std::string& name : entry_names) {
    const bool periodic = name.size() > 14 && name.compare(0, 6, "pprof/") == 0 &&
                          name.compare(name.size() - 8, 8, ".inspect") == 0;
    if (periodic && (!best || name > *best)) best = name;
  }
  if (best) return {*best};
  return {};
}

}  // namespace netinspect::pprof
