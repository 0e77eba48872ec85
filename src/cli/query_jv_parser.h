// A re-implementation of jq's incremental input parser for the modes whose
// results depend on exactly when and where it stops. It follows the structure
// of jq's src/jv_parse.c (its state machine and function names: scan, token,
// check_literal, stream_token, ...; jq is MIT-licensed, Copyright (C) 2012
// Stephen Dolan and jq contributors, tests/conformance/jq-tests/COPYING), written
// over netinspect's own json values. The modes: `--stream` (path/leaf events),
// `--stream-errors` (errors as `["message", path]` values) and `--seq`
// (application/json-seq: RS resynchronisation, truncation checks).
//
// It is fed jq's input chunks one at a time (see QueryReader) and keeps only
// the path being walked in streaming mode, so memory does not grow with the
// input. Leaf tokens are decoded by json::parse, so literals and strings
// (number literals, escapes, invalid UTF-8) come out exactly as in normal mode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace netinspect::cli {

class JvParser {
 public:
  struct Flags {
    bool streaming = false;      // --stream
    bool stream_errors = false;  // --stream-errors (implies streaming)
    bool seq = false;            // --seq
    // Deepest nesting of arrays/objects (--max-depth; jq's MAX_PARSING_DEPTH).
    // Also bounds the path in streaming mode, where every event copies it.
    std::size_t max_depth = 10000;
  };
  enum class Status : std::uint8_t {
    Value,    // `out` holds the next value (or, with stream_errors, an error array)
    Error,    // `error` holds jq's message ("... at line L, column C")
    Nothing,  // needs another buffer (or, after the final one, no more values)
  };

  explicit JvParser(Flags flags);

  // The next chunk; the previous one must be used up (remaining() == 0).
  // `partial`: more chunks follow (false for the last chunk of the last input).
  // The bytes must stay valid until the chunk is used up.
  void set_buffer(std::string_view chunk, bool partial);
  std::size_t remaining() const { return has_buffer_ ? buffer_.size() - position_ : 0; }
  Status next(json::Value& out, std::string& error);

 private:
  enum class LastSeen : std::uint8_t { None, OpenArray, OpenObject, Colon, Comma, Value };
  enum class State : std::uint8_t { Normal, String, StringEscape, WaitingForRs };
  // Non-streaming mode's stack: arrays/objects being built and pending keys.
  struct Frame {
    bool object = false;
    bool has_key = false;
    std::string key;
    json::Array items;
    json::Object fields;
  };
  // Streaming mode's pending output: [path, leaf], [path], or [path, leaf]
  // followed by [path] (the end of the container the leaf closed).
  struct Output {
    json::Array path;
    std::optional<json::Value> leaf;
    bool then_close = false;
  };

  const char* scan(char ch, json::Value& out, bool& produced);
  const char* check_literal();
  const char* found_string();
  const char* value(json::Value v);
  const char* parse_token(char ch);
  const char* stream_token(char ch);
  bool check_done(json::Value& out);
  bool stream_check_done(json::Value& out);
  bool check_truncation() const;
  bool is_top_number() const;
  void reset();
  Status make_error(std::string message, json::Value& out, std::string& error) const;
  std::size_t stack_depth() const { return stack_positions_; }

  Flags flags_;
  // Streaming state.
  json::Array path_;
  LastSeen last_seen_ = LastSeen::None;
  std::optional<Output> output_;
  // Normal-mode state.
  std::vector<Frame> stack_;
  std::size_t stack_positions_ = 0;  // jq's stackpos: frames plus pending keys
  // Both.
  std::optional<json::Value> next_;
  std::string token_;
  State state_ = State::Normal;
  bool last_char_was_space = false;
  bool eof_ = false;
  int line_ = 1;
  int column_ = 0;
  // Current buffer.
  std::string_view buffer_;
  std::size_t position_ = 0;
  bool has_buffer_ = false;
  bool partial_ = false;
  unsigned bom_position_ = 0;  // bytes of a UTF-8 BOM stripped; 0xff: malformed
};

}  // namespace netinspect::cli
