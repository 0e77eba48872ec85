#include "cli/query_jv_parser.h"

#include <cmath>
#include <cstring>
#include <utility>

#include "cli/query_input.h"
#include "json/parse.h"

namespace netinspect::cli {
namespace {

constexpr const char* kProduced = "output produced";  // jq's OK sentinel

enum class CharClass : std::uint8_t { Literal, Space, Structure, Quote };

CharClass classify(char c) {
  switch (c) {
    case ' ': case '\t': case '\r': case '\n': return CharClass::Space;
    case '"': return CharClass::Quote;
    case '[': case ',': case ']': case '{': case ':': case '}': return CharClass::Structure;
    default: return CharClass::Literal;
  }
}

// json::parse's message without its " at line L, column C" (or " at EOF ...") tail:
// the part jq's check_literal/found_string return.
std::string bare_message(const json::ParseError& error) {
  std::string message = error.what();
  for (const char* tail : {" at EOF at line ", " at line "}) {
    const std::size_t at = message.rfind(tail);
    if (at != std::string::npos) return message.substr(0, at);
  }
  return message;
}

json::Value path_value(const json::Array& path) { return json::Value::array(path); }

}  // namespace

JvParser::JvParser(Flags flags) : flags_(flags) {
  if (flags_.stream_errors) flags_.streaming = true;
  if (flags_.seq) state_ = State::WaitingForRs;
}

void JvParser::set_buffer(std::string_view chunk, bool partial) {
  static constexpr unsigned char kBom[] = {0xEF, 0xBB, 0xBF};
  while (!chunk.empty() && bom_position_ < sizeof(kBom)) {
    if (static_cast<unsigned char>(chunk.front()) == kBom[bom_position_]) {
      chunk.remove_prefix(1);
      ++bom_position_;
    } else if (bom_position_ == 0) {
      bom_position_ = sizeof(kBom);  // no BOM
    } else {
      bom_position_ = 0xff;  // a BOM prefix without the rest
    }
  }
  buffer_ = chunk;
  position_ = 0;
  has_buffer_ = true;
  partial_ = partial;
}

void JvParser::reset() {
  if (flags_.streaming) path_.clear();
  last_seen_ = LastSeen::None;
  output_.reset();
  next_.reset();
  stack_.clear();
  stack_positions_ = 0;
  token_.clear();
  state_ = State::Normal;
}

const char* JvParser::value(json::Value v) {
  if (flags_.streaming) {
    if (next_ || last_seen_ == LastSeen::Value) return "Expected separator between values";
    last_seen_ = path_.empty() ? LastSeen::None : LastSeen::Value;
  } else if (next_) {
    return "Expected separator between values";
  }
  next_ = std::move(v);
  return nullptr;
}

const char* JvParser::check_literal() {
  if (token_.empty()) return nullptr;
  const char first = token_[0];
  json::Value v;
  if (first == '\'') return "Invalid string literal; expected \", but got '";
  if (first == 't' || first == 'f' || (first == 'n' && token_ != "nan")) {
    const char* pattern = first == 't' ? "true" : first == 'f' ? "false" : "null";
    if (token_ != pattern) return "Invalid literal";
    v = first == 't' ? json::Value::boolean(true) : first == 'f' ? json::Value::boolean(false) : json::Value::null();
  } else {
    try {
      v = json::parse(token_);
    } catch (const json::ParseError&) {
      return "Invalid numeric literal";
    }
    if (!v.is_number()) return "Invalid numeric literal";
  }
  if (const char* message = value(std::move(v))) return message;
  token_.clear();
  return nullptr;
}

const char* JvParser::found_string() {
  bool plain = true;
  for (char c : token_) {
    if (c == '\\' || !(static_cast<unsigned char>(c) & ~0x1Fu)) {
      plain = false;
      break;
    }
  }
  json::Value v;
  if (plain) {
    v = json::Value::string(sanitize_utf8(token_));
  } else {
    // Escapes and control characters: the JSON parser has jq's exact rules and texts.
    static thread_local std::string quoted;
    quoted.assign(1, '"');
    quoted += token_;
    quoted += '"';
    try {
      v = json::parse(quoted);
    } catch (const json::ParseError& error) {
      static thread_local std::string message;
      message = bare_message(error);
      return message.c_str();
    }
  }
  if (const char* message = value(std::move(v))) return message;
  token_.clear();
  return nullptr;
}

const char* JvParser::parse_token(char ch) {
  auto top_is_key = [&] { return !stack_.empty() && stack_.back().has_key; };
  auto top_is = [&](bool object) { return !stack_.empty() && !stack_.back().has_key && stack_.back().object == object; };
  auto pop_container = [&] {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    --stack_positions_;
    next_ = frame.object ? json::Value::object(std::move(frame.fields)) : json::Value::array(std::move(frame.items));
  };
  auto store_pair = [&] {
    Frame& frame = stack_.back();
    frame.fields.set(std::move(frame.key), std::move(*next_));
    frame.has_key = false;
    frame.key.clear();
    --stack_positions_;
    next_.reset();
  };
  switch (ch) {
    case '[':
    case '{':
      if (stack_positions_ >= flags_.max_depth) return "Exceeds depth limit for parsing";
      if (next_) return "Expected separator between values";
      stack_.emplace_back();
      stack_.back().object = ch == '{';
      ++stack_positions_;
      break;
    case ':':
      if (!next_) return "Expected string key before ':'";
      if (stack_positions_ == 0 || !top_is(true)) return "':' not as part of an object";
      if (!next_->is_string()) return "Object keys must be strings";
      stack_.back().has_key = true;
      stack_.back().key = next_->as_string();
      ++stack_positions_;
      next_.reset();
      break;
    case ',':
      if (!next_) return "Expected value before ','";
      if (stack_positions_ == 0) return "',' not as part of an object or array";
      if (top_is(false)) {
        stack_.back().items.push_back(std::move(*next_));
        next_.reset();
      } else if (top_is_key()) {
        store_pair();
      } else {
        return "Objects must consist of key:value pairs";
      }
      break;
    case ']':
      if (stack_positions_ == 0 || !top_is(false)) return "Unmatched ']'";
      if (next_) {
        stack_.back().items.push_back(std::move(*next_));
        next_.reset();
      } else if (!stack_.back().items.empty()) {
        return "Expected another array element";
      }
      pop_container();
      break;
    case '}':
      if (stack_positions_ == 0) return "Unmatched '}'";
      if (next_) {
        if (!top_is_key()) return "Objects must consist of key:value pairs";
        store_pair();
      } else {
        if (!top_is(true)) return "Unmatched '}'";
        if (!stack_.back().fields.empty()) return "Expected another key-value pair";
      }
      pop_container();
      break;
    default:
      break;
  }
  return nullptr;
}

const char* JvParser::stream_token(char ch) {
  const auto last_kind = [&]() -> json::Kind { return path_.back().kind(); };
  switch (ch) {
    case '[':
      if (next_) return "Expected a separator between values";
      if (last_seen_ == LastSeen::OpenObject) return "Expected string key after '{', not '['";
      if (last_seen_ == LastSeen::Comma && last_kind() != json::Kind::Number) {
        return "Expected string key after ',' in object, not '['";
      }
      if (path_.size() >= flags_.max_depth) return "Exceeds depth limit for parsing";
      path_.push_back(json::Value::number(0));
      last_seen_ = LastSeen::OpenArray;
      break;
    case '{':
      if (last_seen_ == LastSeen::Value) return "Expected a separator between values";
      if (last_seen_ == LastSeen::OpenObject) return "Expected string key after '{', not '{'";
      if (last_seen_ == LastSeen::Comma && last_kind() != json::Kind::Number) {
        return "Expected string key after ',' in object, not '{'";
      }
      if (path_.size() >= flags_.max_depth) return "Exceeds depth limit for parsing";
      path_.push_back(json::Value::null());  // the key is not known yet
      last_seen_ = LastSeen::OpenObject;
      break;
    case ':':
      if (path_.empty() || last_kind() == json::Kind::Number) return "':' not as part of an object";
      if (!next_ || last_seen_ == LastSeen::None) return "Expected string key before ':'";
      if (!next_->is_string()) return "Object keys must be strings";
      if (last_seen_ != LastSeen::Value) return "':' should follow a key";
      last_seen_ = LastSeen::Colon;
      path_.back() = std::move(*next_);
      next_.reset();
      break;
    case ',': {
      if (last_seen_ != LastSeen::Value) return "Expected value before ','";
      if (path_.empty()) return "',' not as part of an object or array";
      const json::Kind kind = last_kind();
      if (kind != json::Kind::Number && kind != json::Kind::String) return "Objects must consist of key:value pairs";
      if (next_) {
        output_ = Output{path_, std::move(next_), false};
        next_.reset();
      }
      path_.back() = kind == json::Kind::Number ? json::Value::number(path_.back().as_number() + 1) : json::Value::null();
      last_seen_ = LastSeen::Comma;
      break;
    }
    case ']':
    case '}': {
      const bool array = ch == ']';
      if (path_.empty()) return array ? "Unmatched ']' at the top-level" : "Unmatched '}' at the top-level";
      if (last_seen_ == LastSeen::Comma) return array ? "Expected another array element" : "Expected another key:value pair";
      const json::Kind kind = last_kind();
      if (array && kind != json::Kind::Number) return "Unmatched ']' in the middle of an object";
      if (!array && kind == json::Kind::Number) return "Unmatched '}' in the middle of an array";
      const LastSeen opened = array ? LastSeen::OpenArray : LastSeen::OpenObject;
      if (next_) {
        if (!array && kind != json::Kind::String) return "Objects must consist of key:value pairs";
        output_ = Output{path_, std::move(next_), true};
        next_.reset();
      } else if (array) {
        if (last_seen_ != opened) output_ = Output{path_, std::nullopt, false};
      } else {
        if (last_seen_ == LastSeen::Colon) return "Missing value in key:value pair";
        if (last_seen_ == LastSeen::OpenArray) return "Unmatched '}' in the middle of an array";
        if (last_seen_ != LastSeen::Value && last_seen_ != LastSeen::OpenObject) return "Unmatched '}'";
        if (last_seen_ != opened) output_ = Output{path_, std::nullopt, false};
      }
      path_.pop_back();
      next_.reset();
      if (last_seen_ == opened) {
        // Empty arrays and objects are leaves.
        output_ = Output{path_, array ? json::Value::array() : json::Value::object(), false};
      }
      last_seen_ = path_.empty() ? LastSeen::None : LastSeen::Value;
      break;
    }
    default:
      break;
  }
  return nullptr;
}

bool JvParser::stream_check_done(json::Value& out) {
  if (path_.empty() && next_) {
    json::Array event;
    event.push_back(json::Value::array());
    event.push_back(std::move(*next_));
    next_.reset();
    out = json::Value::array(std::move(event));
    return true;
  }
  if (!output_) return false;
  json::Array event;
  event.push_back(path_value(output_->path));
  if (output_->leaf) {
    event.push_back(std::move(*output_->leaf));
    output_->leaf.reset();
  }
  if (output_->then_close) {
    output_->then_close = false;  // one more output: the end of the container
  } else {
    output_.reset();
  }
  out = json::Value::array(std::move(event));
  return true;
}

bool JvParser::check_done(json::Value& out) {
  if (flags_.streaming) return stream_check_done(out);
  if (stack_positions_ == 0 && next_) {
    out = std::move(*next_);
    next_.reset();
    return true;
  }
  return false;
}

bool JvParser::check_truncation() const {
  if (flags_.streaming) {
    const json::Kind kind = next_ ? next_->kind() : json::Kind::String;
    return !path_.empty() || (next_ && kind != json::Kind::String && kind != json::Kind::Array && kind != json::Kind::Object);
  }
  return !last_char_was_space && (stack_positions_ > 0 || !token_.empty() || (next_ && next_->is_number()));
}

bool JvParser::is_top_number() const {
  const bool top = flags_.streaming ? path_.empty() : stack_positions_ == 0;
  return top && next_ && next_->is_number();
}

const char* JvParser::scan(char ch, json::Value& out, bool& produced) {
  ++column_;
  if (ch == '\n') {
    ++line_;
    column_ = 0;
  }
  if (flags_.seq && ch == '\x1e') {
    if (check_truncation()) {
      if (check_literal() == nullptr && is_top_number()) return "Potentially truncated top-level numeric value";
      return "Truncated value";
    }
    if (const char* message = check_literal()) return message;
    if (state_ == State::Normal && check_done(out)) {
      produced = true;
      return kProduced;
    }
    reset();
    return kProduced;  // with nothing in `out`: jq's "no value yet"
  }
  const char* answer = nullptr;
  last_char_was_space = false;
  if (state_ == State::Normal) {
    const CharClass cls = classify(ch);
    if (cls == CharClass::Space) last_char_was_space = true;
    if (cls != CharClass::Literal) {
      if (const char* message = check_literal()) return message;
      if (check_done(out)) {
        produced = true;
        answer = kProduced;
      }
    }
    switch (cls) {
      case CharClass::Literal: token_ += ch; break;
      case CharClass::Space: break;
      case CharClass::Quote: state_ = State::String; break;
      case CharClass::Structure:
        if (const char* message = flags_.streaming ? stream_token(ch) : parse_token(ch)) return message;
        break;
    }
    if (!produced && check_done(out)) {
      produced = true;
      answer = kProduced;
    }
  } else if (ch == '"' && state_ == State::String) {
    if (const char* message = found_string()) return message;
    state_ = State::Normal;
    if (check_done(out)) {
      produced = true;
      answer = kProduced;
    }
  } else {
    token_ += ch;
    state_ = (ch == '\\' && state_ == State::String) ? State::StringEscape : State::String;
  }
  return answer;
}

JvParser::Status JvParser::make_error(std::string message, json::Value& out, std::string& error) const {
  if (flags_.stream_errors) {
    json::Array pair;
    pair.push_back(json::Value::string(std::move(message)));
    pair.push_back(path_value(path_));
    out = json::Value::array(std::move(pair));
    return Status::Value;
  }
  error = std::move(message);
  return Status::Error;
}

JvParser::Status JvParser::next(json::Value& out, std::string& error) {
  auto at = [&](const char* message) {
    return std::string(message) + " at line " + std::to_string(line_) + ", column " + std::to_string(column_);
  };
  if (eof_ || !has_buffer_) return Status::Nothing;
  if (bom_position_ == 0xff) {
    if (!flags_.seq) {
      error = "Malformed BOM";
      return Status::Error;
    }
    reset();
    state_ = State::WaitingForRs;
  }
  if (flags_.streaming && stream_check_done(out)) return Status::Value;

  const char* message = nullptr;
  bool produced = false;
  char ch = 0;
  while (message == nullptr && position_ < buffer_.size()) {
    if (state_ == State::String) {
      // Bulk-copy plain string bytes; the quote, escapes and newlines go through scan().
      const char* begin = buffer_.data() + position_;
      const std::size_t left = buffer_.size() - position_;
      std::size_t run = 0;
      while (run < left && begin[run] != '"' && begin[run] != '\\' && begin[run] != '\n') ++run;
      if (run > 0) {
        token_.append(begin, run);
        column_ += static_cast<int>(run);
        position_ += run;
        continue;
      }
    }
    ch = buffer_[position_++];
    if (state_ == State::WaitingForRs) {
      if (ch == '\n') {
        ++line_;
        column_ = 0;
      } else {
        ++column_;
      }
      if (ch == '\x1e') state_ = State::Normal;
      continue;  // resynchronising: wait for RS
    }
    message = scan(ch, out, produced);
  }
  if (message == kProduced) return produced ? Status::Value : Status::Nothing;
  if (message != nullptr) {
    Status status;
    if (ch != '\x1e' && flags_.seq) {
      // jq means to skip to the next RS here, but its reset puts the parser
      // straight back into normal mode, so parsing simply goes on.
      status = make_error(at(message) + " (need RS to resync)", out, error);
      reset();
      return status;
    }
    status = make_error(at(message), out, error);
    reset();
    if (!flags_.seq) {
      // Not a JSON text sequence: jq drops the rest of this buffer.
      has_buffer_ = false;
      position_ = 0;
    }
    return status;
  }
  if (partial_) return Status::Nothing;  // needs another buffer

  eof_ = true;
  auto eof_error = [&](const char* what) {
    const Status status =
        make_error(std::string(what) + " at EOF at line " + std::to_string(line_) + ", column " + std::to_string(column_),
                   out, error);
    reset();
    state_ = State::WaitingForRs;
    return status;
  };
  if (state_ == State::WaitingForRs) {
    return make_error("Unfinished abandoned text at EOF at line " + std::to_string(line_) + ", column " +
                          std::to_string(column_),
                      out, error);
  }
  if (state_ != State::Normal) return eof_error("Unfinished string");
  if (const char* literal_error = check_literal()) return eof_error(literal_error);
  if (flags_.streaming ? !path_.empty() : stack_positions_ != 0) return eof_error("Unfinished JSON term");
  if (!next_) return Status::Nothing;
  // (In streaming mode the value is a [path, leaf] array, never a number.)
  const bool number = !flags_.streaming && next_->is_number();
  json::Value result;
  if (flags_.streaming) {
    json::Array event;
    event.push_back(path_value(path_));
    event.push_back(std::move(*next_));
    result = json::Value::array(std::move(event));
  } else {
    result = std::move(*next_);
  }
  next_.reset();
  if (flags_.seq && !last_char_was_space && number) {
    return make_error("Potentially truncated top-level numeric value at EOF at line " + std::to_string(line_) +
                          ", column " + std::to_string(column_),
                      out, error);
  }
  out = std::move(result);
  return Status::Value;
}

}  // namespace netinspect::cli
