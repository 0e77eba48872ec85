#include "diagnose/json5.h"

#include <cmath>
#include <cstdlib>

#include "json/parse.h"

namespace netinspect::diagnose {

namespace {

constexpr int kMaxDepth = 512;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  json::Value document() {
    skip();
    json::Value v = value(0);
    skip();
    if (pos_ < text_.size()) fail("unexpected text after the value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw Json5Error("line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what);
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip() {
    while (!at_end()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        while (!at_end() && text_[pos_] != '\n') ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        std::size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) fail("unterminated /* comment");
        pos_ = end + 2;
      } else if (static_cast<unsigned char>(c) == 0xC2 && pos_ + 1 < text_.size() &&
                 static_cast<unsigned char>(text_[pos_ + 1]) == 0xA0) {
        pos_ += 2;  // no-break space
      } else {
        return;
      }
    }
  }

  static bool ident_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
  }
  static bool ident_part(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

  json::Value value(int depth) {
    if (depth > kMaxDepth) fail("nested too deeply");
    char c = peek();
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"' || c == '\'') return json::Value::string(string());
    if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) return number();
    if (ident_start(c)) {
      std::size_t start = pos_;
      while (!at_end() && ident_part(text_[pos_])) ++pos_;
      std::string_view word = text_.substr(start, pos_ - start);
      if (word == "true") return json::Value::boolean(true);
      if (word == "false") return json::Value::boolean(false);
      if (word == "null") return json::Value();
      if (word == "Infinity") return json::Value::number(INFINITY);
      if (word == "NaN") return json::Value::number(NAN);
      pos_ = start;
      fail("unexpected word '" + std::string(word) + "'");
    }
    if (at_end()) fail("unexpected end of input");
    fail(std::string("unexpected character '") + c + "'");
  }

  json::Value object(int depth) {
    ++pos_;
    json::Object o;
    skip();
    while (peek() != '}') {
      std::string key;
      char c = peek();
      if (c == '"' || c == '\'') {
        key = string();
      } else if (ident_start(c)) {
        std::size_t start = pos_;
        while (!at_end() && ident_part(text_[pos_])) ++pos_;
        key = std::string(text_.substr(start, pos_ - start));
      } else {
        fail(at_end() ? "unterminated object" : "expected a key");
      }
      skip();
      if (peek() != ':') fail("expected ':' after key '" + key + "'");
      ++pos_;
      skip();
      json::Value v = value(depth + 1);
      if (o.find(key)) fail("duplicate key '" + key + "'");
      o.set(std::move(key), std::move(v));
      skip();
      if (peek() == ',') {
        ++pos_;
        skip();
      } else if (peek() != '}') {
        fail(at_end() ? "unterminated object" : "expected ',' or '}'");
      }
    }
    ++pos_;
    return json::Value::object(std::move(o));
  }

  json::Value array(int depth) {
    ++pos_;
    json::Array a;
    skip();
    while (peek() != ']') {
      if (at_end()) fail("unterminated array");
      a.push_back(value(depth + 1));
      skip();
      if (peek() == ',') {
        ++pos_;
        skip();
      } else if (peek() != ']') {
        fail(at_end() ? "unterminated array" : "expected ',' or ']'");
      }
    }
    ++pos_;
    return json::Value::array(std::move(a));
  }

  unsigned hex(std::size_t digits) {
    unsigned v = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      char c = peek();
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else fail("bad hex digit in escape");
      ++pos_;
    }
    return v;
  }

  std::string string() {
    char quote = text_[pos_++];
    std::string out;
    for (;;) {
      if (at_end()) fail("unterminated string");
      char c = text_[pos_++];
      if (c == quote) return out;
      if (c == '\n') fail("newline in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) fail("unterminated string");
      char e = text_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case '0': out += '\0'; break;
        case '\n': break;  // line continuation
        case 'x': json::append_utf8(out, hex(2)); break;
        case 'u': {
          unsigned cp = hex(4);
          if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            unsigned low = hex(4);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          json::append_utf8(out, cp);
          break;
        }
        default: out += e; break;  // \\ \' \" \/ and any other character stands for itself
      }
    }
  }

  json::Value number() {
    std::size_t start = pos_;
    bool negative = false;
    if (peek() == '+' || peek() == '-') negative = text_[pos_++] == '-';
    if (text_.substr(pos_, 8) == "Infinity") {
      pos_ += 8;
      return json::Value::number(negative ? -INFINITY : INFINITY);
    }
    if (text_.substr(pos_, 3) == "NaN") {
      pos_ += 3;
      return json::Value::number(NAN);
    }
    if (text_.substr(pos_, 2) == "0x" || text_.substr(pos_, 2) == "0X") {
      pos_ += 2;
      std::size_t digits = pos_;
      double v = 0;
      while (std::isxdigit(static_cast<unsigned char>(peek()))) {
        char c = text_[pos_++];
        v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
      }
      if (pos_ == digits) fail("bad hex number");
      return json::Value::number(negative ? -v : v);
    }
    std::size_t digits_start = pos_;
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    bool any = pos_ > digits_start;
    if (peek() == '.') {
      ++pos_;
      std::size_t frac = pos_;
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
      any |= pos_ > frac;
    }
    if (!any) fail("bad number");
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      std::size_t exp = pos_;
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
      if (pos_ == exp) fail("bad number exponent");
    }
    std::string literal(text_.substr(start, pos_ - start));
    if (!literal.empty() && literal[0] == '+') literal.erase(0, 1);
    double v = std::strtod(literal.c_str(), nullptr);
    return json::Value::number_literal(v, literal);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

json::Value parse_json5(std::string_view text) { return Parser(text).document(); }

}  // namespace netinspect::diagnose
