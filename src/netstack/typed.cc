#include "netstack/typed.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "json/write.h"

namespace netinspect::netstack {

namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::optional<bool> as_bool(const json::Value& value) {
  if (value.is_bool()) return value.truthy();
  if (value.is_string()) {
    if (equals_ignore_case(value.as_string(), "true")) return true;
    if (equals_ignore_case(value.as_string(), "false")) return false;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> as_uint(const json::Value& value) {
  switch (value.kind()) {
    case json::Kind::Number: {
      // The literal keeps u64 values beyond double precision exact.
      if (const std::string* literal = value.number_literal_text()) {
        if (auto exact = parse_decimal(*literal)) return exact;
      }
      double d = value.as_number();
      if (!(d >= 0) || d != std::floor(d) || d >= 18446744073709551616.0) return std::nullopt;
      return static_cast<std::uint64_t>(d);
    }
    case json::Kind::String:
      return parse_decimal(value.as_string());
    case json::Kind::Object: {
      if (value.size() == 1) {
        if (const json::Value* count = value.as_object().find("Count")) return as_uint(*count);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::string as_text(const json::Value& value) {
  switch (value.kind()) {
    case json::Kind::String:
      return value.as_string();
    case json::Kind::True:
      return "true";
    case json::Kind::False:
      return "false";
    case json::Kind::Number: {
      if (auto u = as_uint(value)) return std::to_string(*u);
      return json::number_text(value);
    }
    default:
      return {};
  }
}

json::Value uint_value(std::optional<std::uint64_t> value) {
  if (!value) return json::Value::null();
  std::string literal = std::to_string(*value);
  return json::Value::number_literal(static_cast<double>(*value), literal);
}

json::Value bool_value(std::optional<bool> value) {
  if (!value) return json::Value::null();
  return json::Value::boolean(*value);
}

json::Value text_value(std::string_view text) {
  if (text.empty()) return json::Value::null();
  return json::Value::string(text);
}

std::uint64_t sum_leaves(const json::Value& node) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  if (auto leaf = as_uint(node)) return *leaf;
  if (!node.is_object()) return 0;
  std::uint64_t total = 0;
  for (const auto& [key, child] : node.as_object()) {
    std::uint64_t part = sum_leaves(child);
    total = part > kMax - total ? kMax : total + part;
  }
  return total;
}

json::Value typed_tree(const json::Value& node) {
  if (node.is_object()) {
    json::Object out;
    out.reserve(node.size());
    for (const auto& [key, child] : node.as_object()) out.set(key, typed_tree(child));
    return json::Value::object(std::move(out));
  }
  if (node.is_string()) {
    if (auto b = as_bool(node)) return json::Value::boolean(*b);
    if (auto u = as_uint(node)) return uint_value(u);
  }
  return node;
}

bool key_less(std::string_view a, std::string_view b) {
  bool a_num = all_digits(a), b_num = all_digits(b);
  if (a_num && b_num) {
    std::string_view a_trim = a.substr(std::min(a.find_first_not_of('0'), a.size()));
    std::string_view b_trim = b.substr(std::min(b.find_first_not_of('0'), b.size()));
    if (a_trim.size() != b_trim.size()) return a_trim.size() < b_trim.size();
    if (a_trim != b_trim) return a_trim < b_trim;
    return a < b;
  }
  if (a_num != b_num) return a_num;  // numeric keys first
  return a < b;
}

}  // namespace netinspect::netstack
