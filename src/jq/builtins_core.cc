// netinspect::jq — core native builtins (length, keys, sort, add, ...) and the
// shared helpers every builtins_*.cc file uses.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "jq/builtins.h"
#include "jq/builtins_common.h"
#include "json/parse.h"
#include "json/write.h"

namespace netinspect::jq {
namespace builtins_detail {

using json::Array;
using json::Kind;
using json::Object;
using json::Value;

void fail(std::string message) { throw RuntimeError(Value::string(std::move(message))); }

std::string preview(const Value& value) {
  std::string text = json::to_json(value);
  // jq dumps into a 30-byte buffer; strings keep 25 bytes of their dump (the
  // opening quote included), other values 26, then "..." marks the cut.
  if (text.size() <= 29) return text;
  std::size_t cut = value.is_string() ? 25 : 26;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text += "...";
  return text;
}

std::string describe(const Value& value) {
  std::string out(value.type_name());
  out += " (";
  out += preview(value);
  out += ')';
  return out;
}

void type_error(const Value& value, std::string_view message) {
  std::string text = describe(value);
  text += ' ';
  text += message;
  fail(std::move(text));
}

void type_error2(const Value& a, const Value& b, std::string_view message) {
  std::string text = describe(a);
  text += " and ";
  text += describe(b);
  text += ' ';
  text += message;
  fail(std::move(text));
}

void add_in_place(Value& total, const Value& b) {
  if (total.is_null()) {
    total = b;
    return;
  }
  if (b.is_null()) return;
  if (total.kind() == b.kind()) {
    switch (b.kind()) {
      case Kind::Number: total = Value::number(total.as_number() + b.as_number()); return;
      case Kind::String: total.mutable_string() += b.as_string(); return;
      case Kind::Array: {
        Array& items = total.mutable_array();
        items.insert(items.end(), b.as_array().begin(), b.as_array().end());
        return;
      }
      case Kind::Object: {
        Object& fields = total.mutable_object();
        for (const auto& [key, value] : b.as_object()) fields.set(key, value);
        return;
      }
      default: break;
    }
  }
  type_error2(total, b, "cannot be added");
}

Value add_values(const Value& a, const Value& b) {
  Value total = a;
  add_in_place(total, b);
  return total;
}

char32_t next_codepoint(std::string_view text, std::size_t& pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  int extra;
  char32_t cp;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    ++pos;
    return 0xFFFD;
  }
  if (pos + extra >= text.size()) {
    ++pos;
    return 0xFFFD;
  }
  for (int i = 1; i <= extra; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr char32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++pos;
    return 0xFFFD;
  }
  pos += extra + 1;
  return cp;
}

std::size_t codepoint_count(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

bool is_valid_utf8(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::size_t start = pos;
    char32_t cp = next_codepoint(bytes, pos);
    if (cp == 0xFFFD && bytes.substr(start, 3) != "\xEF\xBF\xBD") return false;
  }
  return true;
}

std::string sanitize_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size());
  std::size_t pos = 0;
  while (pos < bytes.size()) append_utf8(out, next_codepoint(bytes, pos));
  return out;
}

void cannot_iterate(const Value& value) { fail("Cannot iterate over " + describe(value)); }

namespace {

Value length(const Value& input, std::span<const Value>) {
  switch (input.kind()) {
    case Kind::Null: return Value::number(0);
    case Kind::Number:
      // The absolute value; a literal keeps its digits (jq 1.8 with decNumber).
      if (!std::signbit(input.as_number())) return input;
      if (const std::string* literal = input.number_literal_text();
          literal != nullptr && !literal->empty() && literal->front() == '-') {
        return Value::number_literal(std::fabs(input.as_number()), std::string_view(*literal).substr(1));
      }
      return Value::number(std::fabs(input.as_number()));
    case Kind::String: return number_of(codepoint_count(input.as_string()));
    case Kind::Array: return number_of(input.as_array().size());
    case Kind::Object: return number_of(input.as_object().size());
    default: type_error(input, "has no length");
  }
}

Value utf8bytelength(const Value& input, std::span<const Value>) {
  if (!input.is_string()) type_error(input, "only strings have UTF-8 byte length");
  return number_of(input.as_string().size());
}

Value keys_of(const Value& input, bool sorted) {
  Array out;
  if (input.is_object()) {
    const Object& object = input.as_object();
    out.reserve(object.size());
    if (sorted) {
      for (std::string& key : object.sorted_keys()) out.push_back(Value::string(std::move(key)));
    } else {
      for (const auto& entry : object) out.push_back(Value::string(entry.first));
    }
  } else if (input.is_array()) {
    std::size_t n = input.as_array().size();
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(number_of(i));
  } else {
    type_error(input, "has no keys");
  }
  return Value::array(std::move(out));
}

Value keys(const Value& input, std::span<const Value>) { return keys_of(input, true); }
Value keys_unsorted(const Value& input, std::span<const Value>) { return keys_of(input, false); }

Value has(const Value& input, std::span<const Value> args) {
  const Value& key = args[0];
  if (input.is_object() && key.is_string()) {
    return Value::boolean(input.as_object().find(key.as_string()) != nullptr);
  }
  if (input.is_array() && key.is_number()) {
    double d = key.as_number();
    if (std::isnan(d)) return Value::boolean(false);
    double index = std::trunc(d);
    return Value::boolean(index >= 0 && index < static_cast<double>(input.as_array().size()));
  }
  fail("Cannot check whether " + std::string(input.type_name()) + " has a " +
       std::string(key.type_name()) + " key");
}

constexpr int kMaxContainsDepth = 10000;

bool contains_value(const Value& a, const Value& b, int depth) {
  if (depth > kMaxContainsDepth) fail("Containment check too deep");
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::Object:
      for (const auto& [key, wanted] : b.as_object()) {
        const Value* have = a.as_object().find(key);
        if (have == nullptr || !contains_value(*have, wanted, depth + 1)) return false;
      }
      return true;
    case Kind::Array:
      for (const Value& wanted : b.as_array()) {
        bool found = false;
        for (const Value& have : a.as_array()) {
          if (contains_value(have, wanted, depth + 1)) {
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    case Kind::String:
      return a.as_string().find(b.as_string()) != std::string::npos;
    default:
      return a == b;
  }
}

Value contains(const Value& input, std::span<const Value> args) {
  if (input.kind() != args[0].kind()) {
    type_error2(input, args[0], "cannot have their containment checked");
  }
  return Value::boolean(contains_value(input, args[0], 1));
}

Value add(const Value& input, std::span<const Value>) {
  Value total;
  // Growing one total in place keeps `add` linear for strings and arrays.
  for_each_element(input, [&](const Value& item) { add_in_place(total, item); });
  return total;
}

Value tostring(const Value& input, std::span<const Value>) {
  if (input.is_string()) return input;
  return Value::string(json::to_json(input));
}

Value tojson(const Value& input, std::span<const Value>) {
  return Value::string(json::to_json(input));
}

Value fromjson(const Value& input, std::span<const Value>) {
  if (!input.is_string()) type_error(input, "only strings can be parsed");
  const std::string& text = input.as_string();
  try {
    return json::parse(text);
  } catch (const json::ParseError& error) {
    fail(std::string(error.what()) + " (while parsing '" + text + "')");
  }
}

// The strict JSON number grammar; only such text is kept as a number literal.
bool is_json_number_literal(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// jq 1.8's tonumber: the whole string must be a number ('+' and a bare
// leading or trailing '.' allowed, no surrounding whitespace), or nan.
bool parse_number_text(std::string_view s, double& out) {
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "nan" || body == "NaN") {
    out = std::nan("");
    return true;
  }
  std::size_t i = 0, mantissa_digits = 0;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++mantissa_digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return false;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    std::size_t start = i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i != body.size()) return false;
  std::string copy(body);
  double d = std::strtod(copy.c_str(), nullptr);
  out = negative ? -d : d;
  return true;
}

Value tonumber(const Value& input, std::span<const Value>) {
  if (input.is_number()) return input;
  if (input.is_string()) {
    const std::string& text = input.as_string();
    double d;
    if (parse_number_text(text, d)) {
      if (is_json_number_literal(text)) return Value::number_literal(d, text);
      return Value::number(d);
    }
  }
  type_error(input, "cannot be parsed as a number");
}

Value toboolean(const Value& input, std::span<const Value>) {
  if (input.is_bool()) return input;
  if (input.is_string()) {
    if (input.as_string() == "true") return Value::boolean(true);
    if (input.as_string() == "false") return Value::boolean(false);
  }
  type_error(input, "cannot be parsed as a boolean");
}

Value type(const Value& input, std::span<const Value>) { return Value::string(input.type_name()); }

Value sort(const Value& input, std::span<const Value>) {
  if (!input.is_array()) type_error(input, "cannot be sorted, as it is not an array");
  Array items = input.as_array();
  std::stable_sort(items.begin(), items.end(),
                   [](const Value& a, const Value& b) { return json::compare(a, b) < 0; });
  return Value::array(std::move(items));
}

// Positions of `input` ordered by `keys` (stable), after checking both are
// arrays of the same length as jq's *_by implementations do.
std::vector<std::size_t> order_by_keys(const Value& input, const Value& keys) {
  if (!input.is_array() || !keys.is_array() || input.as_array().size() != keys.as_array().size()) {
    type_error2(input, keys, "cannot be sorted, as they are not both arrays");
  }
  const Array& key_items = keys.as_array();
  std::vector<std::size_t> order(key_items.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return json::compare(key_items[a], key_items[b]) < 0;
  });
  return order;
}

Value sort_by_impl(const Value& input, std::span<const Value> args) {
  std::vector<std::size_t> order = order_by_keys(input, args[0]);
  Array out;
  out.reserve(order.size());
  for (std::size_t i : order) out.push_back(input.as_array()[i]);
  return Value::array(std::move(out));
}

Value group_by_impl(const Value& input, std::span<const Value> args) {
  std::vector<std::size_t> order = order_by_keys(input, args[0]);
  const Array& items = input.as_array();
  const Array& key_items = args[0].as_array();
  Array groups;
  for (std::size_t n = 0; n < order.size(); ++n) {
    if (n == 0 || json::compare(key_items[order[n - 1]], key_items[order[n]]) != 0) {
      groups.push_back(Value::array());
    }
    groups.back().mutable_array().push_back(items[order[n]]);
  }
  return Value::array(std::move(groups));
}

Value unique_by_impl(const Value& input, std::span<const Value> args) {
  std::vector<std::size_t> order = order_by_keys(input, args[0]);
  const Array& items = input.as_array();
  const Array& key_items = args[0].as_array();
  Array out;
  for (std::size_t n = 0; n < order.size(); ++n) {
    if (n == 0 || json::compare(key_items[order[n - 1]], key_items[order[n]]) != 0) {
      out.push_back(items[order[n]]);
    }
  }
  return Value::array(std::move(out));
}

Value unique(const Value& input, std::span<const Value>) {
  if (!input.is_array()) type_error(input, "cannot be sorted, as it is not an array");
  Array items = input.as_array();
  std::stable_sort(items.begin(), items.end(),
                   [](const Value& a, const Value& b) { return json::compare(a, b) < 0; });
  items.erase(std::unique(items.begin(), items.end(),
                          [](const Value& a, const Value& b) { return json::compare(a, b) == 0; }),
              items.end());
  return Value::array(std::move(items));
}

// min keeps the first of equal minima, max the last of equal maxima, as jq does.
Value extreme_by(const Value& values, const Value& keys, bool want_min) {
  if (!values.is_array() || !keys.is_array()) type_error2(values, keys, "cannot be iterated over");
  const Array& items = values.as_array();
  const Array& key_items = keys.as_array();
  if (items.size() != key_items.size()) type_error2(values, keys, "have wrong length");
  if (items.empty()) return Value();
  std::size_t best = 0;
  for (std::size_t i = 1; i < items.size(); ++i) {
    int cmp = json::compare(key_items[i], key_items[best]);
    if (want_min ? cmp < 0 : cmp >= 0) best = i;
  }
  return items[best];
}

Value min(const Value& input, std::span<const Value>) { return extreme_by(input, input, true); }
Value max(const Value& input, std::span<const Value>) { return extreme_by(input, input, false); }
Value min_by_impl(const Value& input, std::span<const Value> args) {
  return extreme_by(input, args[0], true);
}
Value max_by_impl(const Value& input, std::span<const Value> args) {
  return extreme_by(input, args[0], false);
}

Value reverse(const Value& input, std::span<const Value>) {
  switch (input.kind()) {
    case Kind::Null: return Value::array();
    case Kind::String: {
      const std::string& text = input.as_string();
      std::vector<std::string_view> pieces;
      std::size_t pos = 0;
      while (pos < text.size()) {
        std::size_t start = pos;
        next_codepoint(text, pos);
        pieces.push_back(std::string_view(text).substr(start, pos - start));
      }
      std::string out;
      out.reserve(text.size());
      for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) out += *it;
      return Value::string(std::move(out));
    }
    case Kind::Array: {
      Array items(input.as_array().rbegin(), input.as_array().rend());
      return Value::array(std::move(items));
    }
    // jq reverses other values as `[.[length - 1 - range(0; length)]]`,
    // so only empty ones succeed; the rest fail on the first index.
    case Kind::Object:
      if (input.as_object().empty()) return Value::array();
      fail("Cannot index object with number (" + std::to_string(input.as_object().size() - 1) + ")");
    case Kind::Number:
      if (input.as_number() == 0) return Value::array();
      fail("Cannot index number with number (" +
           json::to_json(Value::number(std::fabs(input.as_number()) - 1)) + ")");
    default: type_error(input, "has no length");
  }
}

void flatten_into(const Value& input, double depth, Array& out) {
  for_each_element(input, [&](const Value& item) {
    if (item.is_array() && depth != 0) {
      flatten_into(item, depth - 1, out);
    } else {
      out.push_back(item);
    }
  });
}

Value flatten_depth(const Value& input, std::span<const Value> args) {
  const Value& depth = args[0];
  if (!depth.is_number()) type_error2(depth, Value::number(1), "cannot be subtracted");
  if (depth.as_number() < 0) fail("flatten depth must not be negative");
  Array out;
  flatten_into(input, depth.as_number(), out);
  return Value::array(std::move(out));
}

Value flatten(const Value& input, std::span<const Value>) {
  Array out;
  flatten_into(input, 1e9, out);
  return Value::array(std::move(out));
}

Value to_entries(const Value& input, std::span<const Value>) {
  Array out;
  if (input.is_object()) {
    out.reserve(input.as_object().size());
    for (const auto& [key, value] : input.as_object()) {
      Object entry;
      entry.set("key", Value::string(key));
      entry.set("value", value);
      out.push_back(Value::object(std::move(entry)));
    }
  } else if (input.is_array()) {
    const Array& items = input.as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      Object entry;
      entry.set("key", number_of(i));
      entry.set("value", items[i]);
      out.push_back(Value::object(std::move(entry)));
    }
  } else {
    type_error(input, "has no keys");
  }
  return Value::array(std::move(out));
}

// `.name` on an entry, with jq's error for entries that cannot be indexed.
Value entry_field(const Value& entry, std::string_view name) {
  if (entry.is_null()) return Value();
  if (!entry.is_object()) {
    fail("Cannot index " + std::string(entry.type_name()) + " with string (\"" + std::string(name) + "\")");
  }
  return entry.get(name);
}

Value from_entries(const Value& input, std::span<const Value>) {
  Object out;
  for_each_element(input, [&](const Value& entry) {
    Value key = entry_field(entry, "key");
    for (std::string_view alternative : {"Key", "name", "Name"}) {
      if (key.truthy()) break;
      key = entry_field(entry, alternative);
    }
    Value value;
    if (entry.is_object()) {
      value = entry.as_object().find("value") ? entry.get("value") : entry.get("Value");
    } else if (!entry.is_null()) {
      fail("Cannot check whether " + std::string(entry.type_name()) + " has a string key");
    }
    if (!key.is_string()) fail("Cannot use " + describe(key) + " as object key");
    out.set(key.as_string(), std::move(value));
  });
  return Value::object(std::move(out));
}

Value transpose(const Value& input, std::span<const Value>) {
  if (!input.is_array()) cannot_iterate(input);
  std::size_t width = 0;
  for (const Value& row : input.as_array()) {
    if (!row.is_array() && !row.is_null()) type_error(row, "has no length");
    width = std::max(width, row.is_array() ? row.as_array().size() : 0);
  }
  Array out;
  out.reserve(width);
  for (std::size_t col = 0; col < width; ++col) {
    Array column;
    column.reserve(input.as_array().size());
    for (const Value& row : input.as_array()) column.push_back(row.at(col));
    out.push_back(Value::array(std::move(column)));
  }
  return Value::array(std::move(out));
}

Value bsearch(const Value& input, std::span<const Value> args) {
  if (!input.is_array()) type_error(input, "cannot be searched from");
  const Array& items = input.as_array();
  std::size_t low = 0, high = items.size();
  while (low < high) {
    std::size_t mid = low + (high - low) / 2;
    int cmp = json::compare(items[mid], args[0]);
    if (cmp == 0) return number_of(mid);
    if (cmp < 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return Value::number(-1.0 - static_cast<double>(low));
}

constexpr NativeFunction kCoreNatives[] = {
    {"length", 0, length},
    {"utf8bytelength", 0, utf8bytelength},
    {"keys", 0, keys},
    {"keys_unsorted", 0, keys_unsorted},
    {"has", 1, has},
    {"contains", 1, contains},
    {"add", 0, add},
    {"tostring", 0, tostring},
    {"tojson", 0, tojson},
    {"fromjson", 0, fromjson},
    {"tonumber", 0, tonumber},
    {"toboolean", 0, toboolean},
    {"type", 0, type},
    {"sort", 0, sort},
    {"_sort_by_impl", 1, sort_by_impl},
    {"_group_by_impl", 1, group_by_impl},
    {"_unique_by_impl", 1, unique_by_impl},
    {"_min_by_impl", 1, min_by_impl},
    {"_max_by_impl", 1, max_by_impl},
    {"unique", 0, unique},
    {"min", 0, min},
    {"max", 0, max},
    {"reverse", 0, reverse},
    {"flatten", 0, flatten},
    {"flatten", 1, flatten_depth},
    {"to_entries", 0, to_entries},
    {"from_entries", 0, from_entries},
    {"transpose", 0, transpose},
    {"bsearch", 1, bsearch},
};

}  // namespace

std::span<const NativeFunction> core_natives() { return kCoreNatives; }

}  // namespace builtins_detail

std::span<const NativeFunction> native_functions() {
  static const std::vector<NativeFunction> all = [] {
    std::vector<NativeFunction> out;
    for (auto part : {builtins_detail::core_natives(), builtins_detail::string_natives(),
                      builtins_detail::math_natives(), builtins_detail::regex_natives(),
                      builtins_detail::date_natives()}) {
      out.insert(out.end(), part.begin(), part.end());
    }
    return out;
  }();
  return all;
}

}  // namespace netinspect::jq
