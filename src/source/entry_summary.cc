// summarize_entry / peek_entry_summary: what `netinspect list` needs of an
// entry, from a parsed entry or cheaply from its raw text.
#include <string>

#include "source/scan.h"
#include "source/source.h"

namespace netinspect::source {
namespace {

using detail::ScanResult;
constexpr std::size_t kFail = ScanResult::kNotFound;

void skip_space(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && detail::is_json_space(text[pos])) ++pos;
}

// The string whose quoted text is `token`, as the full parser decodes it.
// Plain printable ASCII is taken as is; anything else (escapes, control bytes,
// UTF-8 that might be invalid) goes through json::parse, so the answer is the
// parser's by construction. nullopt when the parser rejects it.
std::optional<std::string> decode_string(std::string_view token) {
  const std::string_view inner = token.substr(1, token.size() - 2);
  bool plain = true;
  for (const char c : inner) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x80 || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(inner);
  try {
    json::Value value = json::parse(token);
    if (value.is_string()) return value.as_string();
  } catch (const json::ParseError&) {
  }
  return std::nullopt;
}

bool is_number_byte(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Offset just past the value starting at text[pos] (not a space), without
// building it. Strings are checked fully, other scalars by their characters,
// arrays and objects only for balanced brackets (their contents are not
// validated: that is the point).
std::size_t skip_value(std::string_view text, std::size_t pos) {
  const char first = text[pos];
  if (first == '"') return detail::end_of_string(text, pos);
  const ScanResult scan = detail::scan_to_separator(text, pos, /*stop_at_comma=*/true);
  if (scan.stop == kFail) return kFail;
  std::size_t end = scan.stop;
  while (end > pos && detail::is_json_space(text[end - 1])) --end;
  const std::string_view value = text.substr(pos, end - pos);
  if (value.empty()) return kFail;
  if (first == '{' || first == '[') {
    // The scanner does not tell '}' from ']': check the pair here.
    return value.back() == (first == '{' ? '}' : ']') ? end : kFail;
  }
  if (value == "null" || value == "true" || value == "false") return end;
  for (const char c : value) {
    if (!is_number_byte(c)) return kFail;
  }
  return end;
}

// Walks the members of the object whose '{' is at text[pos]: for each one,
// `member(key, value_pos)` returns the offset just past the value, or kFail to
// give up. On success returns the offset just past the closing '}'.
template <class Member>
std::size_t walk_object(std::string_view text, std::size_t pos, Member&& member) {
  ++pos;
  skip_space(text, pos);
  if (pos < text.size() && text[pos] == '}') return pos + 1;
  for (;;) {
    skip_space(text, pos);
    if (pos >= text.size() || text[pos] != '"') return kFail;
    const std::size_t key_end = detail::end_of_string(text, pos);
    if (key_end == kFail) return kFail;
    const std::optional<std::string> key = decode_string(text.substr(pos, key_end - pos));
    if (!key) return kFail;
    pos = key_end;
    skip_space(text, pos);
    if (pos >= text.size() || text[pos] != ':') return kFail;
    ++pos;
    skip_space(text, pos);
    if (pos >= text.size()) return kFail;
    pos = member(*key, pos);
    if (pos == kFail) return kFail;
    skip_space(text, pos);
    if (pos >= text.size()) return kFail;
    if (text[pos] == ',') {
      ++pos;
      continue;
    }
    return text[pos] == '}' ? pos + 1 : kFail;
  }
}

// A string value at text[pos]: sets `out` to it (nullopt for any other kind),
// as a later duplicate key replaces an earlier one.
std::size_t take_string(std::string_view text, std::size_t pos, std::optional<std::string>& out,
                        bool& ok) {
  out.reset();
  if (text[pos] != '"') return skip_value(text, pos);
  const std::size_t end = detail::end_of_string(text, pos);
  if (end == kFail) return kFail;
  out = decode_string(text.substr(pos, end - pos));
  if (!out) ok = false;
  return end;
}

}  // namespace

const std::string& EntrySummary::tree() const {
  static const std::string kNone;
  if (metadata_name) return *metadata_name;
  if (metadata_filename) return *metadata_filename;
  return kNone;
}

std::optional<EntrySummary> summarize_entry(const json::Value& entry) {
  if (!entry.is_object()) return std::nullopt;
  const json::Value moniker = entry.get("moniker");
  if (!moniker.is_string()) return std::nullopt;
  EntrySummary summary;
  summary.moniker = moniker.as_string();
  const json::Value metadata = entry.get("metadata");
  if (const json::Value name = metadata.get("name"); name.is_string()) summary.metadata_name = name.as_string();
  if (const json::Value file = metadata.get("filename"); file.is_string()) {
    summary.metadata_filename = file.as_string();
  }
  summary.payload_null = entry.get("payload").is_null();
  return summary;
}

std::optional<EntrySummary> peek_entry_summary(std::string_view raw) {
  std::size_t pos = 0;
  skip_space(raw, pos);
  if (pos >= raw.size() || raw[pos] != '{') return std::nullopt;
  EntrySummary summary;
  std::optional<std::string> moniker;
  bool ok = true;  // false once a string the parser would reject was met
  const auto metadata_member = [&](const std::string& key, std::size_t at) {
    if (key == "name") return take_string(raw, at, summary.metadata_name, ok);
    if (key == "filename") return take_string(raw, at, summary.metadata_filename, ok);
    return skip_value(raw, at);
  };
  pos = walk_object(raw, pos, [&](const std::string& key, std::size_t at) -> std::size_t {
    if (key == "moniker") return take_string(raw, at, moniker, ok);
    if (key == "metadata") {
      // Only the last "metadata" counts, and a non-object one has no name.
      summary.metadata_name.reset();
      summary.metadata_filename.reset();
      if (raw[at] != '{') return skip_value(raw, at);
      return walk_object(raw, at, metadata_member);
    }
    if (key == "payload") {
      const std::size_t end = skip_value(raw, at);
      summary.payload_null = end != kFail && raw.substr(at, end - at) == "null";
      return end;
    }
    return skip_value(raw, at);
  });
  if (pos == kFail || !ok || !moniker) return std::nullopt;
  skip_space(raw, pos);
  if (pos != raw.size()) return std::nullopt;  // something follows the object
  summary.moniker = std::move(*moniker);
  return summary;
}

}  // namespace netinspect::source
