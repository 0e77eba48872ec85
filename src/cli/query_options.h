// Command-line options of `netinspect query`, parsed with jq 1.8's rules:
// short flags combine (`-rc`, `-nr`), long options match exactly, `--` ends
// option processing, the first positional is the program (or, with -f, the
// program file) and later positionals are input files or, after --args /
// --jsonargs, positional arguments.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cli/input_options.h"
#include "json/value.h"

namespace netinspect::cli {

struct QueryOptions {
  bool null_input = false;    // -n
  bool slurp = false;         // -s
  bool raw_input = false;     // -R
  bool raw_output = false;    // -r (also implied by -j, --raw-output0)
  bool raw_no_newline = false;  // -j, --raw-output0
  bool raw_output0 = false;   // --raw-output0
  bool ascii = false;         // -a
  bool sort_keys = false;     // -S
  bool force_color = false;   // -C
  bool force_mono = false;    // -M (wins over -C, as in jq)
  bool seq = false;           // --seq
  bool unbuffered = false;    // --unbuffered
  bool exit_status = false;   // -e
  bool from_file = false;     // -f
  bool stream = false;        // --stream
  bool stream_errors = false; // --stream-errors (implies --stream)
  // Layout: the last of -c / --tab / --indent wins. indent 0 = compact.
  int indent = 2;
  bool tab = false;

  std::vector<std::string> library_paths;  // -L
  std::optional<std::string> program;      // program text, or its file name with -f
  std::vector<std::string> input_files;
  json::Array positional;                  // --args / --jsonargs values
  json::Object named;                      // --arg / --argjson / --slurpfile / --rawfile
  InputOptions input;                      // --member, --max-decompressed-size, --moniker, --no-progress
  bool live = false;                       // --live: this host's captured network stack is the input
  bool no_streaming = false;               // --no-streaming: always read whole values (for comparisons)
  // --stack-size: the evaluator thread's stack; jq recursion ends with
  // "Maximum call depth exceeded" near its end (docs/limits.md).
  std::size_t stack_size = kDefaultEvaluatorStack;
  static constexpr std::size_t kDefaultEvaluatorStack = std::size_t{512} << 20;
  static constexpr std::size_t kMinEvaluatorStack = std::size_t{16} << 20;
};

// Parses `argv[1..argc)` (argv[0] is the command name). Returns the exit code
// when the command is already done (help, version, usage error — messages are
// printed here), or nullopt when the query should run.
std::optional<int> parse_query_options(int argc, char** argv, QueryOptions& options);

// The pointer printed after every usage error.
void print_usage_hint();

}  // namespace netinspect::cli
