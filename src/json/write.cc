#include "json/write.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace netinspect::json {

// ---------------------------------------------------------------------------
// Numbers

namespace {

void append_exponent(std::string& out, int exponent) {
  out += 'e';
  if (exponent < 0) {
    out += '-';
    exponent = -exponent;
  } else {
    out += '+';
  }
  // At least two digits, as C's %g prints them ("1e-05", "1e+301").
  char buf[8];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + exponent % 10);
    exponent /= 10;
  } while (exponent > 0);
  if (n < 2) buf[n++] = '0';
  while (n > 0) out += buf[--n];
}

void append_integer(std::string& out, std::int64_t v) {
  char buf[24];
  auto result = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, result.ptr);
}

}  // namespace

void append_number(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "null";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-1.7976931348623157e+308" : "1.7976931348623157e+308";
    return;
  }
  if (d == 0) {
    out += std::signbit(d) ? "-0" : "0";
    return;
  }
  // Integers below 1e16 always print in plain notation: the common fast path.
  if (std::fabs(d) < 1e16 && d == std::trunc(d)) {
    append_integer(out, static_cast<std::int64_t>(d));
    return;
  }
  // Shortest round-trip digits, then laid out as jq's dtoa formatter does:
  // exponent form when the decimal point lies left of -3 or far right of the digits.
  char buf[40];
  auto result = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  const char* p = buf;
  bool negative = *p == '-';
  if (negative) ++p;
  char digits[24];
  int ndigits = 0;
  for (; p < result.ptr && *p != 'e'; ++p) {
    if (*p != '.') digits[ndigits++] = *p;
  }
  int exponent = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), result.ptr, exponent);
  int point = exponent + 1;  // digits before the decimal point

  if (negative) out += '-';
  if (point <= -4 || point > ndigits + 15) {
    out += digits[0];
    if (ndigits > 1) {
      out += '.';
      out.append(digits + 1, ndigits - 1);
    }
    append_exponent(out, point - 1);
  } else if (point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out.append(digits, ndigits);
  } else if (point < ndigits) {
    out.append(digits, point);
    out += '.';
    out.append(digits + point, ndigits - point);
  } else {
    out.append(digits, ndigits);
    out.append(static_cast<std::size_t>(point - ndigits), '0');
  }
}

std::string format_number(double d) {
  std::string out;
  append_number(out, d);
  return out;
}

std::string number_text(const Value& number) {
  if (const std::string* literal = number.number_literal_text()) return *literal;
  return format_number(number.as_number());
}

// ---------------------------------------------------------------------------
// Strings

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Bytes that need escaping in non-ASCII mode.
constexpr std::array<bool, 256> make_escape_table() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = table['\\'] = table[0x7f] = true;
  return table;
}
constexpr std::array<bool, 256> kNeedsEscape = make_escape_table();

void append_u_escape(std::string& out, unsigned unit) {
  char buf[6] = {'\\', 'u', kHex[(unit >> 12) & 15], kHex[(unit >> 8) & 15], kHex[(unit >> 4) & 15],
                 kHex[unit & 15]};
  out.append(buf, 6);
}

void append_escaped_ascii(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default: append_u_escape(out, c); break;
  }
}

// Decodes one UTF-8 sequence at s[i]; returns its length, or 1 with
// U+FFFD for an invalid byte.
std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& codepoint) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (length == 0 || i + length > s.size()) {
    codepoint = 0xFFFD;
    return 1;
  }
  std::uint32_t cp = c & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      codepoint = 0xFFFD;
      return 1;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  codepoint = cp;
  return length;
}

void append_string(std::string& out, std::string_view s, bool ascii) {
  out += '"';
  std::size_t run = 0;  // start of the pending unescaped run
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!kNeedsEscape[c] && (c < 0x80 || !ascii)) {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (c < 0x80) {
      append_escaped_ascii(out, c);
      ++i;
    } else {
      std::uint32_t cp;
      i += decode_utf8(s, i, cp);
      if (cp >= 0x10000) {
        cp -= 0x10000;
        append_u_escape(out, 0xD800 + (cp >> 10));
        append_u_escape(out, 0xDC00 + (cp & 0x3FF));
      } else {
        append_u_escape(out, cp);
      }
    }
    run = i;
  }
  out.append(s.data() + run, n - run);
  out += '"';
}

// ---------------------------------------------------------------------------
// Values

// jq 1.8 refuses to print deeper than this and prints a marker instead.
constexpr int kMaxPrintDepth = 10000;

constexpr std::array<const char*, 8> kDefaultColors = {"0;90", "0;39", "0;39", "0;39",
                                                       "0;32", "1;39", "1;39", "34;1"};
constexpr const char* kReset = "\x1b[0m";

// JQ_COLORS: up to 8 colon-separated fields of digits and ';'. Any invalid
// field makes jq ignore the whole spec.
std::array<std::string, 8> resolve_colors(const std::string& spec) {
  std::array<std::string, 8> colors;
  for (std::size_t i = 0; i < colors.size(); ++i) colors[i] = std::string("\x1b[") + kDefaultColors[i] + "m";
  if (spec.empty()) return colors;
  std::array<std::string, 8> custom = colors;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < custom.size() && pos < spec.size(); ++i) {
    std::size_t end = spec.find(':', pos);
    if (end == std::string::npos) end = spec.size();
    std::string_view field(spec.data() + pos, end - pos);
    if (field.size() > 12) return colors;  // jq's fixed-size buffer
    for (char c : field) {
      if (!((c >= '0' && c <= '9') || c == ';')) return colors;
    }
    custom[i] = "\x1b[" + std::string(field) + "m";
    pos = end < spec.size() ? end + 1 : end;
  }
  return custom;
}

// Writes iteratively with an explicit stack of open containers, so values
// nested as deep as jq allows (and deeper) never exhaust the C++ stack, ASan
// builds included.
class Writer {
 public:
  Writer(const WriteOptions& options, std::string& out) : options_(options), out_(out) {
    pretty_ = options.use_tab || options.indent > 0;
    if (options.color) colors_ = resolve_colors(options.colors);
  }

  void write(const Value& root) {
    open(root, 0);
    while (!stack_.empty()) {
      Open& top = stack_.back();
      if (top.next == top.size) {
        close(top);
        stack_.pop_back();
        // The parent re-emits its colour after each child.
        if (options_.color && !stack_.empty()) out_ += color_of(stack_.back().value->kind());
        continue;
      }
      const std::size_t i = top.next++;
      const int child_depth = top.depth + 1;
      const Kind parent_kind = top.value->kind();
      if (i > 0) out_ += ',';
      newline(child_depth);
      const Value* child;
      if (parent_kind == Kind::Array) {
        child = &top.value->as_array()[i];
      } else {
        const Object::Entry& entry = top.sorted.empty() ? top.value->as_object().entries()[i] : *top.sorted[i];
        write_key(entry.first, parent_kind);
        child = &entry.second;
      }
      // `top` may dangle once open() pushes.
      if (!open(*child, child_depth) && options_.color) out_ += color_of(parent_kind);
    }
  }

 private:
  // A container whose children are being written. Values are immutable and
  // owned by their parents (the root by the caller), so pointers stay valid.
  struct Open {
    const Value* value;
    std::size_t size;
    std::size_t next;
    int depth;
    std::vector<const Object::Entry*> sorted;  // -S: entries in key order
  };

  // Writes a scalar, an empty container or the skip marker completely and
  // returns false; for a non-empty container writes its opening and pushes it.
  // Mirrors jq's escape placement byte for byte in colour mode: every value
  // opens with its colour and ends with a reset; containers re-emit their
  // colour after each child and before the closing bracket.
  bool open(const Value& v, int depth) {
    if (options_.color) out_ += color_of(v.kind());
    if (depth > kMaxPrintDepth) {
      out_ += "<skipped: too deep>";
      if (options_.color) out_ += kReset;
      return false;
    }
    switch (v.kind()) {
      case Kind::Null: out_ += "null"; break;
      case Kind::False: out_ += "false"; break;
      case Kind::True: out_ += "true"; break;
      case Kind::Number: write_number(v); break;
      case Kind::String: append_string(out_, v.as_string(), options_.ascii); break;
      case Kind::Array:
      case Kind::Object: {
        const bool is_array = v.kind() == Kind::Array;
        const std::size_t size = v.size();
        if (size == 0) {
          out_ += is_array ? "[]" : "{}";
          break;
        }
        out_ += is_array ? '[' : '{';
        stack_.push_back(Open{&v, size, 0, depth, {}});
        if (!is_array && options_.sort_keys) sort_entries(v.as_object(), stack_.back().sorted);
        return true;
      }
    }
    if (options_.color) out_ += kReset;
    return false;
  }

  void close(const Open& top) {
    newline(top.depth);
    if (options_.color) out_ += color_of(top.value->kind());
    out_ += top.value->kind() == Kind::Array ? ']' : '}';
    if (options_.color) out_ += kReset;
  }

  void write_key(const std::string& key, Kind parent_kind) {
    if (!options_.color) {
      append_string(out_, key, options_.ascii);
      out_ += ':';
      if (pretty_) out_ += ' ';
      return;
    }
    out_ += kReset;
    out_ += colors_[7];
    append_string(out_, key, options_.ascii);
    out_ += kReset;
    out_ += color_of(parent_kind);
    out_ += ':';
    if (pretty_) out_ += ' ';
    out_ += kReset;
  }

  const std::string& color_of(Kind kind) const { return colors_[static_cast<std::size_t>(kind)]; }

  void write_number(const Value& v) {
    if (const std::string* literal = v.number_literal_text()) {
      out_ += *literal;
    } else {
      append_number(out_, v.as_number());
    }
  }

  static void sort_entries(const Object& fields, std::vector<const Object::Entry*>& sorted) {
    sorted.reserve(fields.size());
    for (const Object::Entry& e : fields) sorted.push_back(&e);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Object::Entry* a, const Object::Entry* b) { return a->first < b->first; });
  }

  void newline(int depth) {
    if (!pretty_) return;
    out_ += '\n';
    if (options_.use_tab) {
      out_.append(static_cast<std::size_t>(depth), '\t');
    } else {
      out_.append(static_cast<std::size_t>(depth) * static_cast<std::size_t>(options_.indent), ' ');
    }
  }

  const WriteOptions& options_;
  std::string& out_;
  bool pretty_ = false;
  std::array<std::string, 8> colors_;
  std::vector<Open> stack_;
};

}  // namespace

void write(const Value& value, const WriteOptions& options, std::string& out) {
  Writer(options, out).write(value);
}

std::string to_json(const Value& value) {
  std::string out;
  WriteOptions compact;
  compact.indent = 0;
  write(value, compact, out);
  return out;
}

std::string truncated_json(const Value& value, std::size_t max_bytes) {
  std::string text = to_json(value);
  if (text.size() <= max_bytes || max_bytes < 3) return text;
  std::size_t cut = max_bytes - 3;
  // Never split a UTF-8 character: back up to its first byte.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text += "...";
  return text;
}

}  // namespace netinspect::json
