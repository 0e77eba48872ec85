#include <algorithm>
#include <cstring>

#include "source/internal.h"
#include "source/scan.h"
#include "source/source.h"

namespace netinspect::source {

using detail::is_json_space;
using detail::ScanResult;

Position locate(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  Position position;
  const std::string_view before = text.substr(0, offset);
  position.line += static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n');
  position.column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return position;
}

EntryStream::EntryStream(const Input& input, Options options)
    : EntryStream(input.text(), input.name(), options) {
  input_ = &input;
  filename_ = input.filename();
}

EntryStream::EntryStream(Input&& input, Options options)
    : owned_input_(std::make_unique<Input>(std::move(input))) {
  options_ = options;
  input_ = owned_input_.get();
  window_ = input_->text();
  name_ = input_->name();
  filename_ = input_->filename();
}

EntryStream::EntryStream(std::unique_ptr<Reader> reader, Options options)
    : name_(reader->name),
      filename_(reader->filename),
      options_(options),
      reader_(std::move(reader)),
      buffer_(std::make_unique<detail::Buffer>()),
      eof_(false) {
  options_.read_size = std::max<std::size_t>(options_.read_size, 1);
}

EntryStream::EntryStream(std::string_view text, std::string name, Options options)
    : name_(std::move(name)), options_(options), window_(text) {}

EntryStream::~EntryStream() = default;

Position EntryStream::locate(std::size_t offset) const {
  // Bytes before the window are gone: only their newline count was kept.
  const std::size_t relative = std::min(offset < base_ ? 0 : offset - base_, window_.size());
  const std::string_view before = window_.substr(0, relative);
  Position position;
  position.line = 1 + newlines_before_ + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t newline = before.rfind('\n');
  const std::size_t line_start = newline == std::string_view::npos ? line_start_before_ : base_ + newline + 1;
  position.column = base_ + relative - line_start + 1;
  return position;
}

std::string_view EntryStream::available_from(std::size_t offset) const {
  if (offset < base_ || offset - base_ > window_.size()) return {};
  return window_.substr(offset - base_);
}

void EntryStream::fail(std::size_t relative, std::string_view what) const {
  const Position at = locate(base_ + relative);
  throw StructureError(name_ + ": " + std::string(what) + " at line " + std::to_string(at.line) +
                    ", column " + std::to_string(at.column));
}

std::string EntryStream::entries_so_far() const {
  return " (after " + std::to_string(count_) + (count_ == 1 ? " entry)" : " entries)");
}

// Reader mode: drops window_[0, keep_from) and reads more after what is kept,
// at least as much as is kept, so a big entry is rescanned O(1) times on
// average. When the window moves, keep_from becomes 0 and pos_ moves with it.
// False when nothing more could be read (text mode: always, nothing moves).
bool EntryStream::refill(std::size_t& keep_from) {
  if (eof_) return false;
  const std::string_view dropped = window_.substr(0, keep_from);
  newlines_before_ += static_cast<std::size_t>(std::count(dropped.begin(), dropped.end(), '\n'));
  const std::size_t newline = dropped.rfind('\n');
  if (newline != std::string_view::npos) line_start_before_ = base_ + newline + 1;

  detail::Buffer& buffer = *buffer_;
  const std::size_t kept = window_.size() - keep_from;
  if (kept > 0) std::memmove(buffer.data(), buffer.data() + keep_from, kept);
  base_ += keep_from;
  pos_ = pos_ > keep_from ? pos_ - keep_from : 0;
  keep_from = 0;

  const std::size_t want = std::max(options_.read_size, kept);
  buffer.reserve(kept + want);
  std::size_t have = kept;
  while (have < kept + want) {
    const std::size_t got = reader_->read(buffer.data() + have, kept + want - have);
    if (got == 0) {
      eof_ = true;
      break;
    }
    have += got;
  }
  window_ = std::string_view(buffer.data(), have);
  return have > kept;
}

bool EntryStream::skip_whitespace(std::size_t& pos) {
  for (;;) {
    while (pos < window_.size() && is_json_space(window_[pos])) ++pos;
    if (pos < window_.size()) return true;
    if (!refill(pos)) return false;
  }
}

std::size_t EntryStream::end_of_value(std::size_t& start) {
  const char c = window_[start];
  if (c == '[' || c == '{') {
    for (;;) {
      const ScanResult r = detail::scan_to_separator(window_, start + 1, /*stop_at_comma=*/false);
      if (r.stop != ScanResult::kNotFound) return r.stop + 1;
      if (!refill(start)) {
        fail(window_.size(), r.in_string ? "unfinished string at end of input"
                                         : "unfinished JSON value at end of input");
      }
    }
  }
  if (c == '"') {
    for (;;) {
      const std::size_t end = detail::end_of_string(window_, start);
      if (end != ScanResult::kNotFound) return end;
      if (!refill(start)) fail(window_.size(), "unfinished string at end of input");
    }
  }
  if (c == ']' || c == '}' || c == ',' || c == ':') {
    fail(start, std::string("unexpected '") + c + "'");
  }
  // A bare token (number, literal, or garbage the parser will name).
  std::size_t end = start;
  for (;;) {
    while (end < window_.size() && !is_json_space(window_[end]) &&
           std::strchr("[]{},:\"", window_[end]) == nullptr) {
      ++end;
    }
    if (end < window_.size()) return end;
    const std::size_t length = end - start;
    const bool more = refill(start);
    end = start + length;
    if (!more) return end;
  }
}

bool EntryStream::next(Entry& out) {
  for (;;) {
    switch (state_) {
      case State::Done:
        return false;

      case State::Start: {
        // jq skips a UTF-8 byte order mark at the start of its input.
        std::size_t from = 0;
        while (window_.size() < 3 && refill(from)) {
        }
        if (window_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
        state_ = State::TopLevel;
        continue;
      }

      case State::TopLevel: {
        if (!skip_whitespace(pos_)) {
          state_ = State::Done;
          return false;
        }
        if (window_[pos_] == '[' && options_.split_arrays) {
          array_open_ = base_ + pos_;
          ++pos_;
          state_ = State::ArrayFirst;
          continue;
        }
        std::size_t start = pos_;
        const std::size_t end = end_of_value(start);
        pos_ = end;
        out = Entry{window_.substr(start, end - start), false, count_++, base_ + start, base_ + end, false, 0};
        return true;
      }

      case State::ArrayFirst:
      case State::ArrayNext: {
        std::size_t start = pos_;
        if (!skip_whitespace(start)) fail(window_.size(), "unfinished JSON array at end of input" + entries_so_far());
        if (window_[start] == ']') {
          if (state_ == State::ArrayNext) fail(start, "expected a value after ','");
          pos_ = start + 1;
          state_ = State::TopLevel;
          if (options_.empty_arrays_as_values) {
            out = Entry{"[]", false, count_++, array_open_, base_ + pos_, false, 0};
            return true;
          }
          continue;
        }
        ScanResult r;
        for (;;) {
          r = detail::scan_to_separator(window_, start, /*stop_at_comma=*/true);
          if (r.stop != ScanResult::kNotFound || !refill(start)) break;
        }
        if (r.stop == ScanResult::kNotFound) {
          fail(window_.size(), std::string(r.in_string ? "unfinished string" : "unfinished JSON array") +
                                   " at end of input" + entries_so_far());
        }
        std::size_t end = r.stop;
        while (end > start && is_json_space(window_[end - 1])) --end;
        if (end == start) fail(start, "expected a value");
        switch (window_[r.stop]) {
          case ',': state_ = State::ArrayNext; break;
          case ']': state_ = State::TopLevel; break;
          default: fail(r.stop, "unexpected '}'");
        }
        pos_ = r.stop + 1;
        out = Entry{window_.substr(start, end - start), true, count_++, base_ + start, base_ + end,
                    state_ == State::TopLevel, base_ + pos_};
        if (input_ != nullptr && pos_ - released_ >= options_.release_every) {
          // Only what lies before this entry: its view must stay cheap to read.
          input_->release_before(start);
          released_ = start;
        }
        return true;
      }
    }
  }
}

std::string explain_parse_error(std::string message) {
  static constexpr std::string_view kHint = " (raise it with --max-depth)";
  if (message.starts_with("Exceeds depth limit for parsing") && !message.ends_with(kHint)) message += kHint;
  return message;
}

json::Value parse_entry(const EntryStream& stream, const Entry& entry) {
  return parse_entry(stream, entry, stream.parse_options());
}

json::Value parse_entry(const EntryStream& stream, const Entry& entry,
                        const json::ParseOptions& options) {
  try {
    return json::parse(entry.raw, options);
  } catch (const json::ParseError& e) {
    if (e.line() == 0) throw json::ParseError(explain_parse_error(e.what()), e.line(), e.column());
    const Position start = stream.locate(entry.offset);
    const std::size_t line = start.line + e.line() - 1;
    const std::size_t column = e.line() == 1 ? start.column - 1 + e.column() : e.column();
    std::string message = e.what();
    const std::string suffix = " at line " + std::to_string(e.line()) + ", column " + std::to_string(e.column());
    if (message.ends_with(suffix)) {
      message.resize(message.size() - suffix.size());
      message += " at line " + std::to_string(line) + ", column " + std::to_string(column);
    }
    throw json::ParseError(explain_parse_error(std::move(message)), line, column);
  }
}

namespace {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    if ((length == 3 && cp < 0x800) || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> peek_moniker(std::string_view raw) {
  std::size_t pos = 0;
  const auto skip_space = [&] {
    while (pos < raw.size() && is_json_space(raw[pos])) ++pos;
  };
  skip_space();
  if (pos >= raw.size() || raw[pos] != '{') return std::nullopt;
  ++pos;
  std::optional<std::string_view> moniker;
  // Walks every key of the object, not just to the first "moniker": with a
  // duplicate key the last value wins (as jq), and then we cannot answer cheaply.
  for (;;) {
    skip_space();
    if (pos >= raw.size()) return std::nullopt;
    if (raw[pos] == '}') break;
    if (raw[pos] != '"') return std::nullopt;
    const std::size_t key_end = detail::end_of_string(raw, pos);
    if (key_end == ScanResult::kNotFound) return std::nullopt;
    const std::string_view key = raw.substr(pos + 1, key_end - pos - 2);
    // An escaped key might spell "moniker"; leave that to the parser.
    if (key.find('\\') != std::string_view::npos) return std::nullopt;
    pos = key_end;
    skip_space();
    if (pos >= raw.size() || raw[pos] != ':') return std::nullopt;
    ++pos;
    skip_space();
    if (pos >= raw.size()) return std::nullopt;
    if (key == "moniker") {
      if (moniker || raw[pos] != '"') return std::nullopt;
      const std::size_t value_end = detail::end_of_string(raw, pos);
      if (value_end == ScanResult::kNotFound) return std::nullopt;
      const std::string_view value = raw.substr(pos + 1, value_end - pos - 2);
      if (value.find('\\') != std::string_view::npos || !valid_utf8(value)) return std::nullopt;
      moniker = value;
      pos = value_end;
    } else {
      const ScanResult r = detail::scan_to_separator(raw, pos, /*stop_at_comma=*/true);
      if (r.stop == ScanResult::kNotFound) return std::nullopt;
      pos = r.stop;
    }
    skip_space();
    if (pos >= raw.size()) return std::nullopt;
    if (raw[pos] == ',') {
      ++pos;
      continue;
    }
    if (raw[pos] != '}') return std::nullopt;
    break;
  }
  // Nothing may follow the object.
  ++pos;
  skip_space();
  if (pos != raw.size()) return std::nullopt;
  return moniker;
}

}  // namespace netinspect::source
