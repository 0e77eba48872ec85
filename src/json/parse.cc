// Two parsers: simdjson On-Demand as the fast path for well-formed containers,
// and an exact hand-written parser that reproduces jq 1.8's leniencies, error
// messages and error positions. Anything simdjson rejects, or any detail it
// would handle differently from jq, goes to the exact parser.
#include "json/parse.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "json/number_syntax.h"

namespace netinspect::json {

namespace {

// ---------------------------------------------------------------------------
// UTF-8 repair, as jq does it: each invalid byte, truncated sequence,
// overlong form, surrogate or out-of-range code point becomes one U+FFFD.

constexpr char kReplacement[] = "\xEF\xBF\xBD";

std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xC2) return 0;  // continuation byte or overlong-only lead
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  if (lead < 0xF5) return 4;
  return 0;
}

std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    std::size_t length = utf8_sequence_length(c);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (i + length > s.size()) {
      // The string ends inside the sequence: jq swallows the rest.
      out += kReplacement;
      i = s.size();
      continue;
    }
    std::uint32_t cp = c & (0x7F >> length);
    std::size_t k = 1;
    for (; k < length; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) break;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (k < length) {
      out += kReplacement;
      i += k;
      continue;
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[length] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      out += kReplacement;
    } else {
      out.append(s.data() + i, length);
    }
    i += length;
  }
  return out;
}

bool is_valid_utf8(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return simdjson::validate_utf8(s.data(), s.size());
  }
  return true;
}

// ---------------------------------------------------------------------------
// Numbers

Value make_number(std::string_view token, const NumberSyntax& syntax) {
  if (syntax.special == NumberSyntax::Special::NaN) return Value::number(std::nan(""));
  if (syntax.special == NumberSyntax::Special::Infinity) {
    return Value::number(syntax.negative ? -HUGE_VAL : HUGE_VAL);
  }
  return Value::number_literal(number_syntax_to_double(token, syntax), token);
}

// ---------------------------------------------------------------------------
// The exact parser: a token-level rendition of jq's character state machine.

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_structural(char c) {
  return c == '[' || c == ']' || c == '{' || c == '}' || c == ':' || c == ',';
}
bool is_delimiter(char c) { return is_whitespace(c) || is_structural(c) || c == '"'; }

struct Frame {
  bool is_object = false;
  bool has_key = false;
  Array items;
  Object fields;
  std::string key;
};

class ExactParser {
 public:
  ExactParser(std::string_view text, const ParseOptions& options) : text_(text), options_(options) {
    // jq skips a UTF-8 BOM at the start; a partial one is an error.
    if (!text_.empty() && text_[0] == '\xEF') {
      if (text_.size() >= 3 && text_[1] == '\xBB' && text_[2] == '\xBF') {
        base_ = pos_ = 3;
      } else {
        malformed_bom_ = true;
      }
    }
  }

  bool malformed_bom() const { return malformed_bom_; }
  std::size_t position() const { return pos_; }
  void set_position(std::size_t pos) { pos_ = pos; }
  std::string_view text() const { return text_; }

  // The next top-level value, or nullopt at the end of input.
  std::optional<Value> next() {
    if (malformed_bom_) {
      malformed_bom_ = false;
      pos_ = text_.size();
      throw ParseError("Malformed BOM", 0, 0);
    }
    for (;;) {
      while (pos_ < text_.size() && is_whitespace(text_[pos_])) ++pos_;
      if (pos_ >= text_.size()) return at_eof();
      char c = text_[pos_];
      if (c == '"') {
        std::size_t close = 0;
        std::string s = scan_string(close);
        pos_ = close + 1;
        value(Value::string(std::move(s)), close);
      } else if (is_structural(c)) {
        token(c, pos_);
        ++pos_;
      } else {
        std::size_t start = pos_;
        while (pos_ < text_.size() && !is_delimiter(text_[pos_])) ++pos_;
        std::string_view literal = text_.substr(start, pos_ - start);
        if (pos_ >= text_.size()) {
          // jq checks a trailing literal only at EOF.
          Value v = check_literal(literal, true);
          value(std::move(v), pos_, true);
        } else {
          Value v = check_literal(literal, false);
          value(std::move(v), pos_);
          // The delimiter is processed after a completed top-level value
          // is handed out (jq emits `1` in `1[2]` before seeing `[`).
          if (stack_.empty()) return take_next();
          if (is_whitespace(text_[pos_])) ++pos_;
          continue;
        }
      }
      if (stack_.empty() && next_) return take_next();
    }
  }

 private:
  std::optional<Value> take_next() {
    std::optional<Value> out = std::move(next_);
    next_.reset();
    return out;
  }

  std::optional<Value> at_eof() {
    if (!stack_.empty()) fail_eof("Unfinished JSON term");
    return take_next();
  }

  // Error at the position jq reports after consuming the byte at `index`.
  [[noreturn]] void fail(const char* message, std::size_t index) {
    auto [line, column] = line_column(index + 1);
    pos_ = text_.size();
    throw ParseError(std::string(message) + " at line " + std::to_string(line) + ", column " +
                         std::to_string(column),
                     line, column);
  }

  [[noreturn]] void fail_eof(const char* message) {
    auto [line, column] = line_column(text_.size());
    pos_ = text_.size();
    throw ParseError(std::string(message) + " at EOF at line " + std::to_string(line) + ", column " +
                         std::to_string(column),
                     line, column);
  }

  std::pair<std::size_t, std::size_t> line_column(std::size_t consumed) const {
    std::size_t line = 1;
    std::size_t line_start = base_;
    for (std::size_t i = base_; i < consumed; ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    return {line, consumed - line_start};
  }

  std::size_t depth() const { return stack_.size() + keys_; }

  void value(Value v, std::size_t index, bool at_eof = false) {
    if (next_) {
      if (at_eof) fail_eof("Expected separator between values");
      fail("Expected separator between values", index);
    }
    next_ = std::move(v);
  }

  void token(char c, std::size_t index) {
    switch (c) {
      case '[':
      case '{':
        if (depth() >= options_.max_depth) fail("Exceeds depth limit for parsing", index);
        if (next_) fail("Expected separator between values", index);
        stack_.emplace_back();
        stack_.back().is_object = c == '{';
        break;
      case ':': {
        if (!next_) fail("Expected string key before ':'", index);
        if (stack_.empty() || !stack_.back().is_object || stack_.back().has_key) {
          fail("':' not as part of an object", index);
        }
        if (!next_->is_string()) fail("Object keys must be strings", index);
        Frame& top = stack_.back();
        top.key = next_->as_string();
        top.has_key = true;
        ++keys_;
        next_.reset();
        break;
      }
      case ',': {
        if (!next_) fail("Expected value before ','", index);
        if (stack_.empty()) fail("',' not as part of an object or array", index);
        Frame& top = stack_.back();
        if (!top.is_object) {
          top.items.push_back(std::move(*next_));
        } else if (top.has_key) {
          top.fields.set(std::move(top.key), std::move(*next_));
          top.has_key = false;
          --keys_;
        } else {
          fail("Objects must consist of key:value pairs", index);
        }
        next_.reset();
        break;
      }
      case ']': {
        if (stack_.empty() || stack_.back().is_object) fail("Unmatched ']'", index);
        Frame& top = stack_.back();
        if (next_) {
          top.items.push_back(std::move(*next_));
        } else if (!top.items.empty()) {
          fail("Expected another array element", index);
        }
        next_ = Value::array(std::move(top.items));
        stack_.pop_back();
        break;
      }
      case '}': {
        if (stack_.empty()) fail("Unmatched '}'", index);
        Frame& top = stack_.back();
        if (next_) {
          if (!top.is_object || !top.has_key) fail("Objects must consist of key:value pairs", index);
          top.fields.set(std::move(top.key), std::move(*next_));
          top.has_key = false;
          --keys_;
        } else {
          if (!top.is_object || top.has_key) fail("Unmatched '}'", index);
          if (!top.fields.empty()) fail("Expected another key-value pair", index);
        }
        next_ = Value::object(std::move(top.fields));
        stack_.pop_back();
        break;
      }
    }
  }

  Value check_literal(std::string_view literal, bool at_eof) {
    const char* pattern = nullptr;
    Value v;
    switch (literal[0]) {
      case 't': pattern = "true"; v = Value::boolean(true); break;
      case 'f': pattern = "false"; v = Value::boolean(false); break;
      case 'n':
        if (literal.size() == 3) {
          pattern = "nan";
          v = Value::number(std::nan(""));
        } else {
          pattern = "null";
        }
        break;
      case '\'':
        literal_error("Invalid string literal; expected \", but got '", at_eof);
      default: break;
    }
    if (pattern) {
      if (literal != pattern) literal_error("Invalid literal", at_eof);
      return v;
    }
    NumberSyntax syntax;
    if (!parse_number_syntax(literal, syntax)) literal_error("Invalid numeric literal", at_eof);
    return make_number(literal, syntax);
  }

  [[noreturn]] void literal_error(const char* message, bool at_eof) {
    if (at_eof) fail_eof(message);
    fail(message, pos_);
  }

  // Scans the string starting at pos_ (the opening quote); `close` receives
  // the index of the closing quote. Errors are reported there, as jq does.
  std::string scan_string(std::size_t& close) {
    std::size_t i = pos_ + 1;
    const std::size_t n = text_.size();
    bool simple = true;  // no escapes, no control bytes
    for (;;) {
      // Fast scan for the interesting bytes.
      while (i < n) {
        unsigned char c = static_cast<unsigned char>(text_[i]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++i;
      }
      if (i >= n) fail_eof("Unfinished string");
      char c = text_[i];
      if (c == '"') break;
      simple = false;
      if (c == '\\') {
        i += 2;
        if (i > n) fail_eof("Unfinished string");
      } else {
        ++i;
      }
    }
    close = i;
    std::string_view body = text_.substr(pos_ + 1, close - pos_ - 1);
    std::string out;
    if (simple) {
      out.assign(body);
    } else {
      out = decode_string(body, close);
    }
    if (!is_valid_utf8(out)) out = repair_utf8(out);
    return out;
  }

  std::string decode_string(std::string_view body, std::size_t close) {
    std::string out;
    out.reserve(body.size());
    std::size_t i = 0;
    while (i < body.size()) {
      unsigned char c = static_cast<unsigned char>(body[i]);
      if (c != '\\') {
        // jq rejects raw U+0001..U+001E (sic: NUL and U+001F pass).
        if (c > 0 && c < 0x1F) {
          fail("Invalid string: control characters from U+0000 through U+001F must be escaped", close);
        }
        out += static_cast<char>(c);
        ++i;
        continue;
      }
      char e = body[i + 1];
      i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t unit = read_hex4(body, i, close);
          i += 4;
          if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < body.size() && body[i] == '\\' &&
              body[i + 1] == 'u') {
            std::uint32_t low = read_hex4(body, i + 2, close);
            if (low >= 0xDC00 && low <= 0xDFFF) {
              append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
              i += 6;
              break;
            }
          }
          // jq 1.8 turns lone surrogates into U+FFFD.
          append_utf8(out, (unit >= 0xD800 && unit <= 0xDFFF) ? 0xFFFD : unit);
          break;
        }
        default: fail("Invalid escape", close);
      }
    }
    return out;
  }

  std::uint32_t read_hex4(std::string_view body, std::size_t i, std::size_t close) {
    if (i + 4 > body.size()) fail("Invalid \\uXXXX escape", close);
    std::uint32_t unit = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char h = body[i + k];
      unit <<= 4;
      if (h >= '0' && h <= '9') {
        unit |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        unit |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        unit |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        fail("Invalid characters in \\uXXXX escape", close);
      }
    }
    return unit;
  }

  std::string_view text_;
  ParseOptions options_;  // a copy: callers often pass a temporary
  std::size_t base_ = 0;  // first byte after a BOM
  std::size_t pos_ = 0;
  bool malformed_bom_ = false;
  std::vector<Frame> stack_;
  std::size_t keys_ = 0;  // pending keys count towards the depth, as in jq
  std::optional<Value> next_;
};

// ---------------------------------------------------------------------------
// simdjson fast path for one container document.

constexpr std::size_t kFastPathMaxDepth = 512;

// Members of the top-level object to leave unparsed (json::materialize's
// `keep_unparsed`), with what Value::unparsed needs to point into the text.
struct UnparsedMembers {
  std::span<const std::string_view> names;
  std::shared_ptr<const void> owner;
  std::string_view text;      // what is being parsed, kept alive by owner
  const char* padded = nullptr;  // where simdjson reads text: itself or a copy
  std::size_t max_depth = 0;
};

class FastConverter {
 public:
  // Converts the array or object at the start of `doc`; false if simdjson
  // rejected something or any detail needs the exact parser.
  bool convert_document(simdjson::ondemand::document& doc, Value& out, const UnparsedMembers* unparsed) {
    values_.clear();  // a failed conversion may have left some behind
    entries_.clear();
    unparsed_ = unparsed;
    simdjson::ondemand::json_type type;
    if (doc.type().get(type)) return false;
    if (type == simdjson::ondemand::json_type::array) {
      simdjson::ondemand::array array;
      if (doc.get_array().get(array)) return false;
      return convert_array(array, 1, out);
    }
    if (type == simdjson::ondemand::json_type::object) {
      simdjson::ondemand::object object;
      if (doc.get_object().get(object)) return false;
      return convert_object(object, 1, out);
    }
    return false;
  }

 private:
  // Children are gathered on stacks shared by every level, then moved into
  // containers of exactly their size: no regrowth, no spare capacity, no
  // key lookup per member (Object::from_entries checks duplicates once).
  bool convert_array(simdjson::ondemand::array& array, std::size_t depth, Value& out) {
    const std::size_t mark = values_.size();
    for (auto element : array) {
      simdjson::ondemand::value v;
      if (std::move(element).get(v)) return false;
      Value item;
      if (!convert_value(v, depth, item)) return false;
      values_.push_back(std::move(item));
    }
    Array items(std::make_move_iterator(values_.begin() + static_cast<std::ptrdiff_t>(mark)),
                std::make_move_iterator(values_.end()));
    values_.resize(mark);
    out = Value::array(std::move(items));
    return true;
  }

  bool convert_object(simdjson::ondemand::object& object, std::size_t depth, Value& out) {
    const std::size_t mark = entries_.size();
    for (auto field_result : object) {
      simdjson::ondemand::field field;
      if (std::move(field_result).get(field)) return false;
      std::string_view key;
      if (field.unescaped_key().get(key)) return false;
      std::string key_copy(key);
      Value v;
      if (depth == 1 && unparsed_ != nullptr &&
          std::find(unparsed_->names.begin(), unparsed_->names.end(), key) != unparsed_->names.end()) {
        if (!keep_unparsed(field.value(), v)) return false;
      } else if (!convert_value(field.value(), depth, v)) {
        return false;
      }
      entries_.emplace_back(std::move(key_copy), std::move(v));
    }
    std::vector<Object::Entry> fields(std::make_move_iterator(entries_.begin() + static_cast<std::ptrdiff_t>(mark)),
                                      std::make_move_iterator(entries_.end()));
    entries_.resize(mark);
    out = Value::object(Object::from_entries(std::move(fields)));
    return true;
  }

  bool convert_value(simdjson::ondemand::value& v, std::size_t depth, Value& out) {
    simdjson::ondemand::json_type type;
    if (v.type().get(type)) return false;
    switch (type) {
      case simdjson::ondemand::json_type::array: {
        if (depth >= kFastPathMaxDepth) return false;
        simdjson::ondemand::array array;
        if (v.get_array().get(array)) return false;
        return convert_array(array, depth + 1, out);
      }
      case simdjson::ondemand::json_type::object: {
        if (depth >= kFastPathMaxDepth) return false;
        simdjson::ondemand::object object;
        if (v.get_object().get(object)) return false;
        return convert_object(object, depth + 1, out);
      }
      case simdjson::ondemand::json_type::number: {
        std::string_view token = v.raw_json_token();
        while (!token.empty() && is_whitespace(token.back())) token.remove_suffix(1);
        NumberSyntax syntax;
        if (!parse_strict_json_number(token, syntax)) return false;
        out = make_number(token, syntax);
        return true;
      }
      case simdjson::ondemand::json_type::string: {
        std::string_view s;
        if (v.get_string().get(s)) return false;
        out = Value::string(std::string(s));
        return true;
      }
      case simdjson::ondemand::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b)) return false;
        out = Value::boolean(b);
        return true;
      }
      case simdjson::ondemand::json_type::null: {
        bool is_null = false;
        if (v.is_null().get(is_null) || !is_null) return false;
        out = Value();
        return true;
      }
    }
    return false;
  }

  // A member value that is a container becomes Value::unparsed over the
  // original text; scalars are converted as usual.
  bool keep_unparsed(simdjson::ondemand::value v, Value& out) {
    simdjson::ondemand::json_type type;
    if (v.type().get(type)) return false;
    std::string_view raw;
    if (type == simdjson::ondemand::json_type::object) {
      simdjson::ondemand::object object;
      if (v.get_object().get(object) || object.raw_json().get(raw)) return false;
    } else if (type == simdjson::ondemand::json_type::array) {
      simdjson::ondemand::array array;
      if (v.get_array().get(array) || array.raw_json().get(raw)) return false;
    } else {
      return convert_value(v, 1, out);
    }
    while (!raw.empty() && is_whitespace(raw.back())) raw.remove_suffix(1);
    const std::size_t offset = static_cast<std::size_t>(raw.data() - unparsed_->padded);
    if (offset + raw.size() > unparsed_->text.size()) return false;
    // jq counts the enclosing object and its pending key towards the depth.
    if (unparsed_->max_depth <= 2) return false;
    out = Value::unparsed(unparsed_->owner, unparsed_->text.substr(offset, raw.size()), unparsed_->max_depth - 2);
    return true;
  }

  std::vector<Value> values_;
  std::vector<Object::Entry> entries_;
  const UnparsedMembers* unparsed_ = nullptr;
};

// simdjson reads up to SIMDJSON_PADDING bytes past the end of its input
// (their content does not matter). Text that has them readable already is
// parsed in place; other text is copied into a buffer with room for them,
// grown without zero-filling.
class PaddedBuffer {
 public:
  const char* hold(std::string_view text) {
    const std::size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
    if (needed > capacity_) {
      capacity_ = std::max(needed, capacity_ + capacity_ / 2);
      data_ = std::make_unique_for_overwrite<char[]>(capacity_);
    }
    std::memcpy(data_.get(), text.data(), text.size());
    std::memset(data_.get() + text.size(), ' ', simdjson::SIMDJSON_PADDING);
    return data_.get();
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
};

// Parses the container starting at text[0]; on success `consumed` is the
// offset just past it. False means: use the exact parser. `readable_after` is
// how many bytes after `text` may be read (SIMDJSON_PADDING or more: no copy).
bool fast_parse_container(std::string_view text, std::size_t readable_after, simdjson::ondemand::parser& parser,
                          PaddedBuffer& padded, Value& out, std::size_t& consumed,
                          UnparsedMembers* unparsed = nullptr) {
  if (text.size() > 0xFFFFFFFFull) return false;  // simdjson's capacity limit
  const char* base = readable_after >= simdjson::SIMDJSON_PADDING ? text.data() : padded.hold(text);
  simdjson::ondemand::document doc;
  if (parser.iterate(base, text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc)) return false;
  // One converter per thread: its child stacks keep their capacity.
  thread_local FastConverter converter;
  if (unparsed != nullptr) unparsed->padded = base;
  if (!converter.convert_document(doc, out, unparsed)) return false;
  const char* location = nullptr;
  if (doc.current_location().get(location)) {
    // At the end of the input: the whole text was one document.
    consumed = text.size();
    return true;
  }
  consumed = static_cast<std::size_t>(location - base);
  return consumed <= text.size();
}

// Input too small to be worth simdjson's setup.
constexpr std::size_t kFastPathMinBytes = 256;
constexpr std::size_t kProbeWindow = 1 << 16;

}  // namespace

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// ---------------------------------------------------------------------------
// Public API

struct ValueReader::Impl {
  Impl(std::string_view text, const ParseOptions& options) : exact(text, options) {}
  ExactParser exact;
  simdjson::ondemand::parser parser;
  PaddedBuffer padded;
  bool fast_path_enabled = true;
  bool failed = false;
  // Line accounting for line(): newlines counted up to `counted`.
  std::size_t counted = 0;
  std::size_t newlines = 0;
  std::size_t last_value_end = 0;
};

ValueReader::ValueReader(std::string_view text, const ParseOptions& options)
    : impl_(std::make_unique<Impl>(text, options)) {}

ValueReader::~ValueReader() = default;

bool ValueReader::next(Value& out) {
  Impl& impl = *impl_;
  if (impl.failed) return false;
  std::string_view text = impl.exact.text();
  std::size_t pos = impl.exact.position();
  while (pos < text.size() && is_whitespace(text[pos])) ++pos;
  impl.exact.set_position(pos);
  try {
    if (impl.fast_path_enabled && !impl.exact.malformed_bom() && pos < text.size() &&
        (text[pos] == '[' || text[pos] == '{') && text.size() - pos >= kFastPathMinBytes) {
      // simdjson indexes everything it is given, so it first gets a small
      // window: a value that fits there is small, and so are probably the
      // ones after it (NDJSON), which the exact parser handles without setup
      // cost. A value that does not fit gets the whole rest of the input.
      std::size_t rest = text.size() - pos;
      for (std::size_t window : {std::min(rest, kProbeWindow), rest}) {
        std::size_t consumed = 0;
        Value v;
        if (fast_parse_container(text.substr(pos, window), 0, impl.parser, impl.padded, v, consumed)) {
          impl.exact.set_position(pos + consumed);
          impl.last_value_end = pos + consumed;
          if (consumed < kProbeWindow) impl.fast_path_enabled = false;
          out = std::move(v);
          return true;
        }
        if (window == rest) break;
      }
      // Whatever simdjson disliked, the exact parser handles it.
      impl.fast_path_enabled = false;
    }
    std::optional<Value> v = impl.exact.next();
    if (!v) return false;
    impl.last_value_end = impl.exact.position();
    out = std::move(*v);
    return true;
  } catch (...) {
    impl.failed = true;
    throw;
  }
}

std::size_t ValueReader::line() const {
  // jq feeds its parser line by line: a value's error is reported with the
  // number of complete lines read when it was parsed.
  Impl& impl = *impl_;
  std::string_view text = impl.exact.text();
  std::size_t limit = impl.last_value_end;
  if (limit > 0 && limit <= text.size() && text[limit - 1] != '\n') {
    std::size_t nl = text.find('\n', limit);
    limit = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  if (limit < impl.counted) {
    impl.counted = 0;
    impl.newlines = 0;
  }
  for (std::size_t i = impl.counted; i < limit; ++i) {
    if (text[i] == '\n') ++impl.newlines;
  }
  impl.counted = limit;
  return impl.newlines;
}

namespace {

Value parse_text(std::string_view text, std::size_t readable_after, const ParseOptions& options,
                 UnparsedMembers* unparsed) {
  // Fast path: one container, nothing but whitespace after it.
  std::size_t start = 0;
  while (start < text.size() && is_whitespace(text[start])) ++start;
  if (start < text.size() && (text[start] == '[' || text[start] == '{') &&
      text.size() - start >= kFastPathMinBytes) {
    thread_local simdjson::ondemand::parser parser;
    thread_local PaddedBuffer padded;
    Value v;
    std::size_t consumed = 0;
    if (unparsed != nullptr) unparsed->text = text.substr(start);
    if (fast_parse_container(text.substr(start), readable_after, parser, padded, v, consumed, unparsed)) {
      std::size_t end = start + consumed;
      while (end < text.size() && is_whitespace(text[end])) ++end;
      if (end == text.size()) return v;
    }
  }
  ExactParser exact(text, options);
  std::optional<Value> first = exact.next();
  if (!first) throw ParseError("Expected JSON value", 0, 0);
  if (exact.next()) throw ParseError("Unexpected extra JSON values", 0, 0);
  return std::move(*first);
}

}  // namespace

Value parse(std::string_view text, const ParseOptions& options) { return parse_text(text, 0, options, nullptr); }

namespace detail {

Value parse_keeping_unparsed(const std::shared_ptr<const void>& owner, std::string_view text,
                             std::size_t max_depth, std::span<const std::string_view> names) {
  static_assert(Value::kUnparsedPadding >= simdjson::SIMDJSON_PADDING);
  UnparsedMembers unparsed{names, owner, text, nullptr, max_depth};
  return parse_text(text, Value::kUnparsedPadding, ParseOptions{max_depth}, names.empty() ? nullptr : &unparsed);
}

}  // namespace detail

}  // namespace netinspect::json
