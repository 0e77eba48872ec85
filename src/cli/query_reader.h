// jq's input reader (util.c) around JvParser, for `--stream`,
// `--stream-errors` and `--seq`: files are read one after another in fgets
// chunks (a line, or 4095 bytes of one), each chunk is handed to the parser,
// and "<file>:<line>" / `input_filename` / `input_line_number` reflect that
// reader state exactly as jq's do. Inputs are read incrementally (gzip and
// zip members inflated as they go), so memory stays bounded by the chunk and,
// in streaming mode, the current path.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/query_jv_parser.h"
#include "json/value.h"
#include "source/source.h"

namespace netinspect::cli {

class QueryReader {
 public:
  struct Settings {
    std::vector<std::string> files;  // empty: standard input
    bool slurp = false;
    JvParser::Flags flags;  // its max_depth is taken from open.parse
    source::OpenOptions open;
    std::optional<std::string> live_text;  // --live: the only input, "<live>"
    // Inputs already in memory, used instead of `files` when not empty: the
    // text (a view that must outlive the reader) or why it could not be read.
    struct Loaded {
      std::string name;
      std::string_view text;
      std::string error;
    };
    std::vector<Loaded> loaded;
  };
  explicit QueryReader(Settings settings);
  ~QueryReader();
  QueryReader(const QueryReader&) = delete;
  QueryReader& operator=(const QueryReader&) = delete;

  // The next input value (slurped: one array of them); nullopt at the end.
  // Throws json::ParseError with jq's message for malformed input; the reader
  // can go on after it (jq's --seq ignores such errors).
  std::optional<json::Value> next();
  std::string position() const;
  std::size_t input_line_number() const { return line_; }
  json::Value current_filename() const;
  std::size_t failures() const { return failures_; }
  // While set, inputs that cannot be opened are counted but not reported
  // (for replaying a part of the input whose problems were reported already).
  void set_quiet(bool quiet) { quiet_ = quiet; }

 private:
  struct Pending {
    std::string name;   // jq's name: the path, "<stdin>", "<live>"
    std::string path;   // what to open ("-" for stdin); empty for live text
    std::string error;  // set when the path could not be expanded
    std::optional<std::string_view> text;  // already in memory
  };
  struct Current;

  bool read_more();
  bool fill_chunk();

  Settings settings_;
  std::vector<Pending> files_;
  std::size_t next_file_ = 0;
  std::unique_ptr<Current> current_;  // the open input, if any
  std::optional<std::string> filename_;  // jq's current_filename (kept after a failed open)
  bool stdin_used_ = false;
  std::size_t line_ = 0;
  std::size_t failures_ = 0;
  bool quiet_ = false;
  std::string chunk_;  // jq's fgets buffer
  JvParser parser_;
  std::optional<json::Array> slurped_;
};

}  // namespace netinspect::cli
