#include "inspect/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

#include "inspect/tree.h"
#include "json/write.h"

namespace netinspect::inspect {
namespace {

constexpr std::size_t kIndent = 2;

bool is_float_literal(const json::Value& number) {
  std::string text = json::number_text(number);
  return text.find_first_of(".eE") != std::string::npos;
}

std::optional<std::string> decode_base64(std::string_view text) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int v = value_of(c);
    if (v < 0) return std::nullopt;
    bits = bits << 6 | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

// Rust's String::from_utf8_lossy: each maximal invalid subpart becomes U+FFFD.
std::string utf8_lossy(std::string_view bytes) {
  std::string out;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  while (i < bytes.size()) {
    unsigned char c = byte(i);
    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
      continue;
    }
    std::size_t j = 1;
    for (; j <= need && i + j < bytes.size(); ++j) {
      unsigned char next = byte(i + j);
      unsigned char min = j == 1 ? lo : 0x80, max = j == 1 ? hi : 0xbf;
      if (next < min || next > max) break;
    }
    if (j == need + 1) {
      out.append(bytes.substr(i, need + 1));
      i += need + 1;
    } else {
      out += "\xef\xbf\xbd";
      i += j;
    }
  }
  return out;
}

std::string trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Rust's `{:?}` of a &str.
std::string rust_debug_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\0': out += "\\0"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buffer[12];
          std::snprintf(buffer, sizeof buffer, "\\u{%x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buffer;
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

// A number as Rust prints an i64/u64 (`{}`), or a double with `{}`.
std::string number_display(const json::Value& number) {
  if (is_float_literal(number) || !number.is_literal_number()) {
    double d = number.as_number();
    if (!is_float_literal(number) && d == std::floor(d) && std::fabs(d) < 1e18) return json::number_text(number);
    return rust_display_double(d);
  }
  return json::number_text(number);
}

std::string bound_text(const json::Value& bound) {
  if (bound.is_string()) {
    if (bound.as_string() == "Infinity") return "inf";
    if (bound.as_string() == "-Infinity") return "-inf";
    return bound.as_string();
  }
  if (!bound.is_number()) return json::to_json(bound);
  if (is_float_literal(bound)) {
    double d = bound.as_number();
    if (d == std::numeric_limits<double>::max() || std::isinf(d)) return d > 0 ? "inf" : "-inf";
    if (d == std::numeric_limits<double>::lowest()) return "-inf";
    return rust_display_double(d);
  }
  std::string text = json::number_text(bound);
  if (text == "9223372036854775807" || text == "18446744073709551615") return "<max>";
  if (text == "-9223372036854775808") return "<min>";
  return text;
}

void render_histogram(const std::string& indent, const std::string& name, const json::Value& histogram,
                      std::string& out) {
  const json::Array& buckets = histogram.get("buckets").as_array();
  // JSON keeps no histogram type: equal interior widths read as linear.
  std::string type = "linear";
  std::vector<double> widths;
  for (std::size_t i = 1; i + 1 < buckets.size(); ++i) {
    json::Value floor = buckets[i].get("floor"), upper = buckets[i].get("upper_bound");
    if (floor.is_number() && upper.is_number()) widths.push_back(upper.as_number() - floor.as_number());
  }
  for (double w : widths) {
    if (w != widths.front()) type = "exponential";
  }
  std::string value_indent = indent + std::string(kIndent, ' ');
  out += indent + name + ":\n" + value_indent + "type = " + type + "\n" + value_indent +
         "size = " + std::to_string(buckets.size()) + "\n" + value_indent + "buckets = [";
  bool first = true;
  for (const json::Value& bucket : buckets) {
    json::Value count = bucket.get("count");
    if (!count.is_number() || !(count.as_number() > 0)) continue;
    if (!first) out += ", ";
    first = false;
    out += "[" + bound_text(bucket.get("floor")) + "," + bound_text(bucket.get("upper_bound")) + ")=" +
           number_display(count);
  }
  out += "]\n";
}

void render_property(const std::string& indent, const std::string& name, const json::Value& value,
                     std::string& out) {
  switch (value.kind()) {
    case json::Kind::String: {
      const std::string& text = value.as_string();
      if (text.starts_with("b64:")) {
        if (auto bytes = decode_base64(std::string_view(text).substr(4))) {
          out += indent + name + " = Binary:\n" + hex_dump(*bytes) + "\n";
          return;
        }
      }
      out += indent + name + " = " + text + "\n";
      return;
    }
    case json::Kind::Number:
      if (is_float_literal(value)) {
        char buffer[400];
        std::snprintf(buffer, sizeof buffer, "%.6f", value.as_number());
        out += indent + name + " = " + buffer + "\n";
      } else {
        out += indent + name + " = " + json::number_text(value) + "\n";
      }
      return;
    case json::Kind::True:
    case json::Kind::False:
      out += indent + name + " = " + (value.truthy() ? "true" : "false") + "\n";
      return;
    case json::Kind::Null:
      out += indent + name + " = null\n";
      return;
    case json::Kind::Array: {
      const json::Array& items = value.as_array();
      bool numbers = std::all_of(items.begin(), items.end(), [](const json::Value& v) { return v.is_number(); });
      bool strings = std::all_of(items.begin(), items.end(), [](const json::Value& v) { return v.is_string(); });
      if (numbers) {
        bool doubles = std::any_of(items.begin(), items.end(), is_float_literal);
        out += indent + name + " = [";
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (i) out += ", ";
          out += doubles ? rust_display_double(items[i].as_number()) : json::number_text(items[i]);
        }
        out += "]\n";
      } else if (strings) {
        out += indent + name + " = [";
        for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + rust_debug_string(items[i].as_string());
        out += "]\n";
      } else {
        out += indent + name + " = " + json::to_json(value) + "\n";
      }
      return;
    }
    case json::Kind::Object:
      if (is_histogram(value)) {
        render_histogram(indent, name, value, out);
      } else {
        out += indent + name + " = " + json::to_json(value) + "\n";
      }
      return;
  }
}

void render_node(const std::string& name, const json::Value& node, std::size_t level, std::string& out) {
  std::string name_indent(kIndent * level, ' ');
  std::string value_indent(kIndent * (level + 1), ' ');
  out += name_indent + name + ":\n";
  std::vector<const json::Object::Entry*> properties, children;
  for (const auto& entry : node.as_object()) (is_node(entry.second) ? children : properties).push_back(&entry);
  auto by_name = [](const json::Object::Entry* a, const json::Object::Entry* b) {
    return name_less(a->first, b->first);
  };
  std::stable_sort(properties.begin(), properties.end(), by_name);
  std::stable_sort(children.begin(), children.end(), by_name);
  for (const auto* property : properties) render_property(value_indent, property->first, property->second, out);
  for (const auto* child : children) render_node(child->first, child->second, level + 1, out);
}

std::string scalar_text(const json::Value& value) {
  if (value.is_string()) return value.as_string();
  if (value.is_number()) return json::number_text(value);
  return json::to_json(value);
}

}  // namespace

std::string rust_display_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string sci(buffer, result.ptr);
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  std::size_t e = sci.find('e');
  int exponent = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  std::string out;
  int point = exponent + 1;  // digits before the decimal point
  if (point <= 0) {
    out = "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (static_cast<std::size_t>(point) >= digits.size()) {
    out = digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    out = digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
  }
  if (out == "0" && negative) return "-0";
  return negative ? "-" + out : out;
}

std::string hex_dump(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  constexpr std::size_t kChunk = 16;
  std::string raw;
  for (std::size_t offset = 0; offset < bytes.size(); offset += kChunk) {
    std::string_view chunk = bytes.substr(offset, kChunk);
    char label[24];
    std::snprintf(label, sizeof label, "%08zx", offset);
    raw += label;
    for (char c : chunk) {
      auto b = static_cast<unsigned char>(c);
      raw.push_back(kHex[b >> 4]);
      raw.push_back(kHex[b & 15]);
      raw.push_back(' ');
    }
    raw.append(3 * (kChunk - chunk.size()), ' ');
    for (char c : chunk) {
      auto b = static_cast<unsigned char>(c);
      raw.push_back((b >= 32 && b != 127) ? c : '.');
    }
    raw.push_back('\n');
  }
  return trim(utf8_lossy(raw));
}

void render_entry_text(const json::Value& entry, std::string& out) {
  out += scalar_text(entry.get("moniker")) + ":\n";
  out += "  metadata:\n";
  json::Value metadata = entry.get("metadata");
  json::Value errors = metadata.get("errors");
  if (errors.is_array()) {
    std::string joined;
    for (const json::Value& error : errors.as_array()) {
      if (!joined.empty()) joined += ", ";
      json::Value message = error.get("message");
      joined += message.is_string() ? message.as_string() : json::to_json(error);
    }
    out += "    errors = " + joined + "\n";
  }
  if (json::Value name = metadata.get("name"); name.is_string()) {
    out += "    name = " + name.as_string() + "\n";
  } else if (json::Value filename = metadata.get("filename"); filename.is_string()) {
    out += "    filename = " + filename.as_string() + "\n";
  }
  json::Value url = metadata.get("component_url");
  out += "    component_url = " + (url.is_null() ? std::string("null") : scalar_text(url)) + "\n";
  out += "    timestamp = " + scalar_text(metadata.get("timestamp")) + "\n";
  json::Value payload = entry.get("payload");
  if (!payload.is_object()) {
    out += "  payload: null\n";
    return;
  }
  out += "  payload:\n";
  std::vector<const json::Object::Entry*> roots;
  for (const auto& root : payload.as_object()) roots.push_back(&root);
  std::stable_sort(roots.begin(), roots.end(),
                   [](const auto* a, const auto* b) { return name_less(a->first, b->first); });
  for (const auto* root : roots) {
    if (is_node(root->second)) {
      render_node(root->first, root->second, 2, out);
    } else {
      render_property(std::string(2 * kIndent, ' '), root->first, root->second, out);
    }
  }
}

}  // namespace netinspect::inspect
