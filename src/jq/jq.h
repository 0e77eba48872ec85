// netinspect::jq — the public face of the jq language: compile once, run many times.
//
//   auto program = jq::Compiled::compile(".[] | select(.moniker == $m)", options);
//   jq::Environment env;               // $named args, input callback, stderr sinks
//   program.run(input, env, [&](const json::Value& out) { ... });
//
// Errors: compile problems throw CompileError; a runtime `error` that escapes the
// program throws RuntimeError; `halt`/`halt_error` throw Halt.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json/value.h"

namespace netinspect::jq {

// A program that does not compile. what() holds jq's full diagnostic text, e.g.
//   "syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?) at <top-level>, line 1:\n.a ^ b\njq: 1 compile error"
// (the CLI prints it after "jq: error: ").
class CompileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An error value raised by `error` or by a failing builtin, escaping the program.
class RuntimeError : public std::runtime_error {
 public:
  explicit RuntimeError(json::Value value);
  const json::Value& value() const { return value_; }
  // jq's message: the string itself, or "<json> (not a string)" for other values.
  static std::string message_for(const json::Value& value);

 private:
  json::Value value_;
};

// `halt` (exit 0, no output) and `halt_error/1` (value printed to stderr as jq does).
struct Halt {
  int exit_code = 0;
  std::optional<json::Value> value;  // set for halt_error
};

struct CompileOptions {
  // -L, in order; empty means jq's default ["~/.jq", "$ORIGIN/../lib/jq",
  // "$ORIGIN/../lib"]. "~/" and "$ORIGIN/" (the executable's directory) are
  // expanded; relative entries are relative to the current directory.
  std::vector<std::string> library_paths;
  // Directory that relative `search` paths of the main program's imports and
  // `get_prog_origin` refer to: the -f file's directory; empty = current directory.
  std::string program_origin;
  // Names of variables the program may use without defining ($named args); the
  // values are supplied in Environment::variables at run time.
  std::vector<std::string> predefined_variables;
};

// Everything a running program may touch outside its input.
struct Environment {
  // $name -> value, for --arg/--argjson/--slurpfile/--rawfile/$__prog_args; "ENV" and
  // "__loc__" are provided by the evaluator itself. $ARGS must be set by the caller.
  std::vector<std::pair<std::string, json::Value>> variables;
  // `input`/`inputs`: returns the next input, or nullopt at the end. A
  // RuntimeError it throws (e.g. for malformed input) is a jq error the
  // program can catch with `try`.
  std::function<std::optional<json::Value>()> next_input;
  // `input_line_number`: newlines the input reader has consumed so far in the
  // current input (jq's jv_parser count); absent means 0.
  std::function<std::size_t()> input_line_number;
  // `input_filename`: the current file's name, or null.
  std::function<json::Value()> current_filename;
  // `debug`, `stderr`: receive the already-formatted text (jq's exact bytes).
  std::function<void(std::string_view)> write_stderr;
  // `$__loc__` file name ("<stdin>" for -f-less programs as jq says).
  std::string program_file = "<stdin>";
  // Safety limits so hostile programs end with an error, never a crash.
  std::size_t max_call_depth = 1000000;  // the stack limit usually ends recursion first
};

class Compiled {
 public:
  static Compiled compile(std::string_view source, const CompileOptions& options = {});
  Compiled(Compiled&&) noexcept;
  Compiled& operator=(Compiled&&) noexcept;
  ~Compiled();

  using Emit = std::function<void(const json::Value&)>;
  // Runs the program on one input; calls `emit` once per output, in order.
  void run(const json::Value& input, Environment& env, const Emit& emit) const;

  struct Impl;

 private:
  explicit Compiled(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace netinspect::jq
