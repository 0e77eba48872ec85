// Input side of `netinspect query`: reads the input files (or stdin) and hands
// out values the way jq 1.8 does — JSON texts, raw lines (-R), or everything
// slurped (-s) — and reports jq's "<file>:<line>" position for error messages.
//
// jq reads its inputs through fgets() into a 4 KiB buffer and counts a line
// each time a chunk holding '\n' is read; its error positions and
// `input_filename` reflect that reader state, including when a file that cannot
// be opened is reached. We read every file at once (fast path), and replay
// jq's chunked reader lazily (ReaderModel) only when a position is asked for,
// so the common case pays nothing for the exactness.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/input_options.h"
#include "cli/query_reader.h"
#include "json/parse.h"
#include "json/value.h"

namespace netinspect::cli {

// Replaces every invalid UTF-8 sequence with U+FFFD, as jq does for strings.
std::string sanitize_utf8(std::string_view text);

// Whole file (or all of stdin for "-") into `out`; false with errno set on failure.
bool read_whole_file(const std::string& path, std::string& out);

// --rawfile (a string) / --slurpfile (an array of the file's JSON texts,
// parsed with `parse`). On failure returns nullopt and jq's message in `error`.
std::optional<json::Value> load_file_value(const std::string& path, bool raw, std::string& error,
                                           const json::ParseOptions& parse = {});

class QueryInput {
 public:
  struct Settings {
    std::vector<std::string> files;  // empty: standard input
    bool raw = false;                // -R
    bool slurp = false;              // -s
    bool seq = false;                // --seq (read by QueryReader, as --stream is)
    bool stream = false;             // --stream
    bool stream_errors = false;      // --stream-errors
    source::OpenOptions open;        // zip member, decompression limit, --max-depth
    // --live: this text (a capture) is the only input, named "<live>".
    std::optional<std::string> live_text;
  };
  explicit QueryInput(Settings settings);
  ~QueryInput();
  QueryInput(const QueryInput&) = delete;
  QueryInput& operator=(const QueryInput&) = delete;

  // The next input value; nullopt at the end. Throws json::ParseError (a
  // depth error names --max-depth: source::explain_parse_error).
  std::optional<json::Value> next();
  // jq's "(at ...)" text: "<file>:<line>" or "<unknown>".
  std::string position();
  // jq's `input_line_number`: newlines jq's reader has consumed in the current file.
  std::size_t input_line_number();
  // `input_filename`: the current file name ("<stdin>" for standard input), or null.
  json::Value current_filename();
  // Input files that could not be opened so far (jq stops its main loop after one).
  std::size_t failures();

 private:
  struct File {
    std::string name;  // as given; "<stdin>" for "-"
    bool readable = true;
    std::string error;  // why it could not be opened, after "<name>: "
    std::size_t begin = 0, end = 0;  // byte range in text_
  };
  class ReaderModel;

  std::optional<json::Value> next_value();
  void load();
  void sync_model();
  void switch_to_jq_reader();

  Settings settings_;
  bool loaded_ = false;
  bool any_unreadable_ = false;
  bool finished_ = false;
  std::string text_;  // all readable inputs, concatenated (jq's parser spans files too)
  std::vector<File> files_;
  std::unique_ptr<json::ValueReader> reader_;
  // --stream/--stream-errors/--seq: jq's own reader and parser, emulated.
  std::unique_ptr<QueryReader> jq_reader_;
  std::unique_ptr<ReaderModel> model_;
  // What the real reader has handed out; the model replays up to here.
  std::size_t values_delivered_ = 0;
  std::size_t end_calls_ = 0;
  std::size_t model_values_ = 0;
  std::size_t model_end_calls_ = 0;
  bool slurp_done_ = false;
  bool model_slurped_ = false;
};

}  // namespace netinspect::cli
