// netinspect::gen — a streaming JSON text writer for generated snapshots:
// compact (archivist's serde_json::to_writer) or pretty (2-space, as the old
// archivist's to_string_pretty). It writes keys exactly as told, so duplicate
// keys (netstack's TCP `ChecksumErrors`) come out as they do on devices.
// Text accumulates in a buffer handed to the sink whenever it passes a
// threshold, so memory stays constant whatever the output size.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace netinspect::gen {

using Sink = std::function<void(std::string_view)>;

class Emitter {
 public:
  Emitter(Sink sink, bool pretty, std::size_t flush_bytes = 1u << 20);
  ~Emitter();  // does not flush: call finish()
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view name);
  void string(std::string_view text);
  void uint(std::uint64_t value);
  void integer(std::int64_t value);
  void number_text(std::string_view literal);  // e.g. "0.0012345678901234"
  void boolean(bool value);
  void null();
  // Text between top-level values ("[\n", ",\n", "\n]\n"): no separators added.
  void raw(std::string_view text);

  // Shorthands for the commonest members.
  void member(std::string_view name, std::string_view text) { key(name), string(text); }
  void member_uint(std::string_view name, std::uint64_t value) { key(name), uint(value); }

  // Hands buffered text to the sink when over the threshold (cheap to call often).
  void maybe_flush() {
    if (buffer_.size() >= flush_bytes_) flush();
  }
  void finish() { flush(); }
  // Bytes produced so far, flushed or not.
  std::uint64_t bytes_written() const { return flushed_ + buffer_.size(); }
  // The same without pretty-printing whitespace: what the compact form would
  // have written, so tree shapes do not depend on --pretty.
  std::uint64_t compact_bytes_written() const { return bytes_written() - layout_bytes_; }

 private:
  struct Level {
    bool object;
    bool first;
  };
  void before_value();
  void quoted(std::string_view text);
  void newline_indent();
  void flush();

  Sink sink_;
  bool pretty_;
  std::size_t flush_bytes_;
  std::string buffer_;
  std::vector<Level> stack_;
  std::uint64_t flushed_ = 0;
  std::uint64_t layout_bytes_ = 0;
};

}  // namespace netinspect::gen
