// netinspect::jq — `@format` string formatters (@csv, @base64, @uri, ...).
#include <cmath>
#include <string>

#include "jq/builtins.h"
#include "jq/builtins_common.h"
#include "json/write.h"

namespace netinspect::jq {
namespace {

using builtins_detail::fail;
using builtins_detail::type_error;
using json::Kind;
using json::Value;

std::string text_of(const Value& input) {
  if (input.is_string()) return input.as_string();
  return json::to_json(input);
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\'': out += "&apos;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

bool is_uri_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string uri_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_uri_unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string uri_decode(const Value& input) {
  std::string text = text_of(input);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) type_error(Value::string(text), "is not a valid uri encoding");
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  if (!builtins_detail::is_valid_utf8(out)) type_error(Value::string(text), "is not a valid uri encoding");
  return out;
}

// One @csv / @tsv cell for a non-string scalar, or the row error.
void append_plain_cell(std::string& line, const Value& cell) {
  switch (cell.kind()) {
    case Kind::Null: break;
    case Kind::False:
    case Kind::True: line += json::to_json(cell); break;
    case Kind::Number:
      if (!std::isnan(cell.as_number())) line += json::to_json(cell);
      break;
    default: type_error(cell, "is not valid in a csv row");
  }
}

std::string csv_row(const Value& input) {
  if (!input.is_array()) type_error(input, "cannot be csv-formatted, only array");
  std::string line;
  bool first = true;
  for (const Value& cell : input.as_array()) {
    if (!first) line += ',';
    first = false;
    if (!cell.is_string()) {
      append_plain_cell(line, cell);
      continue;
    }
    line += '"';
    for (char c : cell.as_string()) {
      if (c == '"') line += '"';
      line += c;
    }
    line += '"';
  }
  return line;
}

std::string tsv_row(const Value& input) {
  if (!input.is_array()) type_error(input, "cannot be tsv-formatted, only array");
  std::string line;
  bool first = true;
  for (const Value& cell : input.as_array()) {
    if (!first) line += '\t';
    first = false;
    if (!cell.is_string()) {
      append_plain_cell(line, cell);
      continue;
    }
    for (char c : cell.as_string()) {
      switch (c) {
        case '\t': line += "\\t"; break;
        case '\r': line += "\\r"; break;
        case '\n': line += "\\n"; break;
        case '\\': line += "\\\\"; break;
        default: line += c;
      }
    }
  }
  return line;
}

void append_shell_word(std::string& line, const Value& word) {
  switch (word.kind()) {
    case Kind::Null:
    case Kind::False:
    case Kind::True:
    case Kind::Number: line += json::to_json(word); break;
    case Kind::String:
      line += '\'';
      for (char c : word.as_string()) {
        if (c == '\'') {
          line += "'\\''";
        } else {
          line += c;
        }
      }
      line += '\'';
      break;
    default: type_error(word, "can not be escaped for shell");
  }
}

std::string shell_words(const Value& input) {
  std::string line;
  if (!input.is_array()) {
    append_shell_word(line, input);
    return line;
  }
  bool first = true;
  for (const Value& word : input.as_array()) {
    if (!first) line += ' ';
    first = false;
    append_shell_word(line, word);
  }
  return line;
}

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(const std::string& data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < data.size(); i += 3) {
    std::size_t n = std::min<std::size_t>(3, data.size() - i);
    std::uint32_t bits = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      bits = (bits << 8) | (j < n ? static_cast<unsigned char>(data[i + j]) : 0u);
    }
    for (std::size_t j = 0; j < 4; ++j) {
      out += j <= n ? kBase64Alphabet[(bits >> (18 - 6 * j)) & 63] : '=';
    }
  }
  return out;
}

int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Lenient like jq 1.8: decoding stops at the first '=', padding is optional.
std::string base64_decode(const Value& input) {
  std::string text = text_of(input);
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  std::uint32_t bits = 0;
  int pending = 0;
  for (unsigned char c : text) {
    if (c == '=') break;
    int v = base64_value(c);
    if (v < 0) type_error(Value::string(text), "is not valid base64 data");
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    if (++pending == 4) {
      out += static_cast<char>((bits >> 16) & 0xFF);
      out += static_cast<char>((bits >> 8) & 0xFF);
      out += static_cast<char>(bits & 0xFF);
      bits = 0;
      pending = 0;
    }
  }
  if (pending == 1) type_error(Value::string(text), "trailing base64 byte found");
  if (pending == 2) out += static_cast<char>((bits >> 4) & 0xFF);
  if (pending == 3) {
    out += static_cast<char>((bits >> 10) & 0xFF);
    out += static_cast<char>((bits >> 2) & 0xFF);
  }
  return builtins_detail::sanitize_utf8(out);
}

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string base32_encode(const std::string& data) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); i += 5) {
    std::size_t n = std::min<std::size_t>(5, data.size() - i);
    std::uint64_t bits = 0;
    for (std::size_t j = 0; j < 5; ++j) {
      bits = (bits << 8) | (j < n ? static_cast<unsigned char>(data[i + j]) : 0u);
    }
    // Output characters that carry input bits; the rest of the 8 are padding.
    std::size_t significant = (n * 8 + 4) / 5;
    for (std::size_t j = 0; j < 8; ++j) {
      out += j < significant ? kBase32Alphabet[(bits >> (35 - 5 * j)) & 31] : '=';
    }
  }
  return out;
}

std::string base32_decode(const Value& input) {
  std::string text = text_of(input);
  std::string out;
  std::uint64_t bits = 0;
  int bit_count = 0;
  for (unsigned char c : text) {
    if (c == '=') break;
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a';
    } else if (c >= '2' && c <= '7') {
      v = c - '2' + 26;
    } else {
      type_error(Value::string(text), "is not valid base32 data");
    }
    bits = (bits << 5) | static_cast<std::uint64_t>(v);
    bit_count += 5;
    if (bit_count >= 8) {
      bit_count -= 8;
      out += static_cast<char>((bits >> bit_count) & 0xFF);
    }
  }
  return builtins_detail::sanitize_utf8(out);
}

}  // namespace

std::string apply_format(std::string_view format, const Value& input) {
  std::string_view name = format;
  if (!name.empty() && name.front() == '@') name.remove_prefix(1);
  if (name == "text") return text_of(input);
  if (name == "json") return json::to_json(input);
  if (name == "html") return html_escape(text_of(input));
  if (name == "uri") return uri_encode(text_of(input));
  if (name == "urid") return uri_decode(input);
  if (name == "csv") return csv_row(input);
  if (name == "tsv") return tsv_row(input);
  if (name == "sh") return shell_words(input);
  if (name == "base64") return base64_encode(text_of(input));
  if (name == "base64d") return base64_decode(input);
  if (name == "base32") return base32_encode(text_of(input));
  if (name == "base32d") return base32_decode(input);
  fail(std::string(name) + " is not a valid format");
}

}  // namespace netinspect::jq
