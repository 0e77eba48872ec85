// netinspect::jq — string natives: split, join, trims, case, explode/implode, indices.
#include <cmath>
#include <string>
#include <vector>

#include "jq/builtins_common.h"
#include "json/write.h"

namespace netinspect::jq::builtins_detail {
namespace {

using json::Array;
using json::Kind;
using json::Value;

Value split_string(const Value& input, std::span<const Value> args) {
  const Value& separator = args[0];
  if (!input.is_string() || !separator.is_string()) fail("split input and separator must be strings");
  const std::string& text = input.as_string();
  const std::string& sep = separator.as_string();
  Array out;
  if (text.empty()) return Value::array();
  if (sep.empty()) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t start = pos;
      next_codepoint(text, pos);
      out.push_back(Value::string(text.substr(start, pos - start)));
    }
    return Value::array(std::move(out));
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t found = text.find(sep, start);
    if (found == std::string::npos) break;
    out.push_back(Value::string(text.substr(start, found - start)));
    start = found + sep.size();
  }
  out.push_back(Value::string(text.substr(start)));
  return Value::array(std::move(out));
}

// jq 1.8: null joins as "", numbers and booleans as their JSON text; arrays and
// objects fail with the `+` error.
Value join(const Value& input, std::span<const Value> args) {
  Value joined;
  bool first = true;
  for_each_element(input, [&](const Value& item) {
    if (first) {
      joined = Value::string("");
      first = false;
    } else {
      add_in_place(joined, args[0]);
    }
    switch (item.kind()) {
      case Kind::Null: break;
      case Kind::False:
      case Kind::True:
      case Kind::Number: add_in_place(joined, Value::string(json::to_json(item))); break;
      default: add_in_place(joined, item); break;
    }
  });
  return first ? Value::string("") : joined;
}

Value change_ascii_case(const Value& input, bool upper) {
  if (!input.is_string()) fail("explode input must be a string");
  std::string text = input.as_string();
  for (char& c : text) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return Value::string(std::move(text));
}

Value ascii_downcase(const Value& input, std::span<const Value>) { return change_ascii_case(input, false); }
Value ascii_upcase(const Value& input, std::span<const Value>) { return change_ascii_case(input, true); }

bool starts_with(const Value& input, const Value& prefix) {
  if (!input.is_string() || !prefix.is_string()) fail("startswith() requires string inputs");
  return input.as_string().starts_with(prefix.as_string());
}

bool ends_with(const Value& input, const Value& suffix) {
  if (!input.is_string() || !suffix.is_string()) fail("endswith() requires string inputs");
  return input.as_string().ends_with(suffix.as_string());
}

Value startswith(const Value& input, std::span<const Value> args) {
  return Value::boolean(starts_with(input, args[0]));
}

Value endswith(const Value& input, std::span<const Value> args) {
  return Value::boolean(ends_with(input, args[0]));
}

Value ltrimstr(const Value& input, std::span<const Value> args) {
  if (!starts_with(input, args[0])) return input;
  return Value::string(input.as_string().substr(args[0].as_string().size()));
}

Value rtrimstr(const Value& input, std::span<const Value> args) {
  if (!ends_with(input, args[0])) return input;
  const std::string& text = input.as_string();
  return Value::string(text.substr(0, text.size() - args[0].as_string().size()));
}

Value trimstr(const Value& input, std::span<const Value> args) {
  Value left = ltrimstr(input, args);
  return rtrimstr(left, args);
}

// The codepoints jq's trim family treats as whitespace.
bool is_trim_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

Value trim_string(const Value& input, bool left, bool right) {
  if (!input.is_string()) fail("trim input must be a string");
  const std::string& text = input.as_string();
  std::size_t begin = 0, end = text.size();
  if (left) {
    while (begin < end) {
      std::size_t next = begin;
      if (!is_trim_space(next_codepoint(text, next))) break;
      begin = next;
    }
  }
  if (right) {
    while (end > begin) {
      std::size_t start = end - 1;
      while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
      std::size_t probe = start;
      if (!is_trim_space(next_codepoint(text, probe))) break;
      end = start;
    }
  }
  if (begin == 0 && end == text.size()) return input;
  return Value::string(text.substr(begin, end - begin));
}

Value trim(const Value& input, std::span<const Value>) { return trim_string(input, true, true); }
Value ltrim(const Value& input, std::span<const Value>) { return trim_string(input, true, false); }
Value rtrim(const Value& input, std::span<const Value>) { return trim_string(input, false, true); }

Value explode(const Value& input, std::span<const Value>) {
  if (!input.is_string()) fail("explode input must be a string");
  const std::string& text = input.as_string();
  Array out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) out.push_back(Value::number(next_codepoint(text, pos)));
  return Value::array(std::move(out));
}

Value implode(const Value& input, std::span<const Value>) {
  if (!input.is_array()) fail("implode input must be an array");
  std::string out;
  for (const Value& item : input.as_array()) {
    if (!item.is_number() || std::isnan(item.as_number())) {
      type_error(item, "can't be imploded, unicode codepoint needs to be numeric");
    }
    double d = std::trunc(item.as_number());
    char32_t cp = 0xFFFD;
    // Out of range and UTF-16 surrogates become U+FFFD, as in jq 1.8.
    if (d >= 0 && d <= 0x10FFFF && !(d >= 0xD800 && d <= 0xDFFF)) cp = static_cast<char32_t>(d);
    append_utf8(out, cp);
  }
  return Value::string(std::move(out));
}

// Codepoint offsets of every (possibly overlapping) occurrence of needle.
Value string_indices(const std::string& text, const std::string& needle) {
  Array out;
  if (needle.empty()) return Value::array();
  std::size_t codepoints_before = 0, counted_to = 0;
  for (std::size_t found = text.find(needle); found != std::string::npos;
       found = text.find(needle, found + 1)) {
    codepoints_before += codepoint_count(std::string_view(text).substr(counted_to, found - counted_to));
    counted_to = found;
    out.push_back(number_of(codepoints_before));
  }
  return Value::array(std::move(out));
}

Value strindices(const Value& input, std::span<const Value> args) {
  if (!input.is_string()) type_error(input, "cannot be searched, as it is not a string");
  if (!args[0].is_string()) type_error(args[0], "is not a string");
  return string_indices(input.as_string(), args[0].as_string());
}

Value array_indices(const Array& items, const Array& needle) {
  Array out;
  if (needle.empty()) return Value::array();
  for (std::size_t i = 0; i + needle.size() <= items.size(); ++i) {
    bool match = true;
    for (std::size_t j = 0; j < needle.size() && match; ++j) match = items[i + j] == needle[j];
    if (match) out.push_back(number_of(i));
  }
  return Value::array(std::move(out));
}

Value indices(const Value& input, std::span<const Value> args) {
  const Value& needle = args[0];
  if (input.is_null()) return Value();
  if (input.is_array()) {
    if (needle.is_array()) return array_indices(input.as_array(), needle.as_array());
    return array_indices(input.as_array(), Array{needle});
  }
  if (input.is_string() && needle.is_string()) return string_indices(input.as_string(), needle.as_string());
  if (input.is_object() && needle.is_string()) return input.get(needle.as_string());
  fail("Cannot index " + std::string(input.type_name()) + " with " + describe(needle));
}

Value index_first(const Value& input, std::span<const Value> args) {
  Value found = indices(input, args);
  if (!found.is_array()) return found.is_null() ? found : Value();
  return found.as_array().empty() ? Value() : found.as_array().front();
}

Value index_last(const Value& input, std::span<const Value> args) {
  Value found = indices(input, args);
  if (!found.is_array()) return found.is_null() ? found : Value();
  return found.as_array().empty() ? Value() : found.as_array().back();
}

constexpr NativeFunction kStringNatives[] = {
    {"split", 1, split_string},
    {"join", 1, join},
    {"ascii_downcase", 0, ascii_downcase},
    {"ascii_upcase", 0, ascii_upcase},
    {"startswith", 1, startswith},
    {"endswith", 1, endswith},
    {"ltrimstr", 1, ltrimstr},
    {"rtrimstr", 1, rtrimstr},
    {"trimstr", 1, trimstr},
    {"trim", 0, trim},
    {"ltrim", 0, ltrim},
    {"rtrim", 0, rtrim},
    {"explode", 0, explode},
    {"implode", 0, implode},
    {"_strindices", 1, strindices},
    {"indices", 1, indices},
    {"_indices", 1, indices},
    {"index", 1, index_first},
    {"rindex", 1, index_last},
};

}  // namespace

std::span<const NativeFunction> string_natives() { return kStringNatives; }

}  // namespace netinspect::jq::builtins_detail
