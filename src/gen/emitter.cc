#include "gen/emitter.h"

#include <charconv>

namespace netinspect::gen {

Emitter::Emitter(Sink sink, bool pretty, std::size_t flush_bytes)
    : sink_(std::move(sink)), pretty_(pretty), flush_bytes_(flush_bytes) {
  buffer_.reserve(flush_bytes_ + (64u << 10));
}

Emitter::~Emitter() = default;

void Emitter::flush() {
  if (buffer_.empty()) return;
  sink_(buffer_);
  flushed_ += buffer_.size();
  buffer_.clear();
}

void Emitter::newline_indent() {
  buffer_.push_back('\n');
  buffer_.append(2 * stack_.size(), ' ');
  layout_bytes_ += 1 + 2 * stack_.size();
}

void Emitter::before_value() {
  if (stack_.empty() || stack_.back().object) return;  // top level, or after key()
  Level& level = stack_.back();
  if (!level.first) buffer_.push_back(',');
  level.first = false;
  if (pretty_) newline_indent();
}

void Emitter::key(std::string_view name) {
  Level& level = stack_.back();
  if (!level.first) buffer_.push_back(',');
  level.first = false;
  if (pretty_) newline_indent();
  quoted(name);
  buffer_.append(pretty_ ? ": " : ":");
  layout_bytes_ += pretty_ ? 1 : 0;
}

void Emitter::begin_object() {
  before_value();
  buffer_.push_back('{');
  stack_.push_back({true, true});
}

void Emitter::begin_array() {
  before_value();
  buffer_.push_back('[');
  stack_.push_back({false, true});
}

void Emitter::end_object() {
  bool empty = stack_.back().first;
  stack_.pop_back();
  if (pretty_ && !empty) newline_indent();
  buffer_.push_back('}');
}

void Emitter::end_array() {
  bool empty = stack_.back().first;
  stack_.pop_back();
  if (pretty_ && !empty) newline_indent();
  buffer_.push_back(']');
}

void Emitter::string(std::string_view text) {
  before_value();
  quoted(text);
}

void Emitter::quoted(std::string_view text) {
  buffer_.push_back('"');
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && c != '"' && c != '\\') {
      buffer_.push_back(c);
    } else if (c == '"' || c == '\\') {
      buffer_.push_back('\\');
      buffer_.push_back(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      buffer_.append("\\u00");
      buffer_.push_back(kHex[u >> 4]);
      buffer_.push_back(kHex[u & 15]);
    }
  }
  buffer_.push_back('"');
}

void Emitter::uint(std::uint64_t value) {
  before_value();
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof digits, value);
  buffer_.append(digits, result.ptr);
}

void Emitter::integer(std::int64_t value) {
  before_value();
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof digits, value);
  buffer_.append(digits, result.ptr);
}

void Emitter::number_text(std::string_view literal) {
  before_value();
  buffer_.append(literal);
}

void Emitter::boolean(bool value) {
  before_value();
  buffer_.append(value ? "true" : "false");
}

void Emitter::null() {
  before_value();
  buffer_.append("null");
}

void Emitter::raw(std::string_view text) { buffer_.append(text); }

}  // namespace netinspect::gen
