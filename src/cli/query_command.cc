// `netinspect query`: jq 1.8's command line over netinspect's jq engine.
//
// The flow mirrors jq's main(): parse options, compile, then run the program
// once per input (or once on null with -n), printing results, and derive the
// exit status exactly as jq does — including its quirks (the status reflects
// the last input processed; a missing input file stops the main loop after
// the next value).
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "capture/capture.h"
#include "cli/commands.h"
#include "cli/query_input.h"
#include "cli/query_options.h"
#include "cli/query_output.h"
#include "cli/query_plan.h"
#include "cli/query_stream.h"
#include "jq/jq.h"
#include "json/parse.h"
#include "json/write.h"
#include "source/source.h"

namespace netinspect::cli {
namespace {

// jq's internal result codes (main.c): negative ones are "success" unless -e.
constexpr int kOk = 0;
constexpr int kOkNullKind = -1;
constexpr int kErrorSystem = 2;
constexpr int kErrorCompile = 3;
constexpr int kOkNoOutput = -4;
constexpr int kErrorUnknown = 5;

// Raised from the output callback to stop the current input with an error,
// like jq's `--raw-output0` NUL check.
struct OutputError {
  std::string message;
};

// jq checks JQ_COLORS itself (and warns) even when colour is off.
bool valid_jq_colors(const char* spec) {
  std::string_view rest(spec);
  for (int field = 0; field < 8 && !rest.empty(); ++field) {
    std::size_t colon = rest.find(':');
    std::string_view item = rest.substr(0, colon);
    if (item.size() > 12) return false;
    for (char c : item) {
      if (!((c >= '0' && c <= '9') || c == ';')) return false;
    }
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  }
  return true;
}

void write_stderr(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stderr); }

class QueryRun {
 public:
  explicit QueryRun(QueryOptions options) : options_(std::move(options)), output_(options_.unbuffered) {}

  int execute() {
    int code = run();
    if (!output_.flush() && output_.failed()) {
      std::fprintf(stderr, "jq: error: writing output failed: %s\n", std::strerror(output_.error_number()));
      code = kErrorSystem;
      exit_status_override_ = true;
    }
    return finish(code);
  }

 private:
  int run() {
    if (!options_.program) {
      // jq runs `.` when used in a pipeline without a program.
      if (!options_.from_file && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))) {
        options_.program = ".";
      } else {
        std::fprintf(stderr,
                     "Usage:\tnetinspect query [OPTIONS] FILTER [FILE...]\n"
                     "\tnetinspect query [OPTIONS] --args FILTER [STRINGS...]\n"
                     "\tnetinspect query [OPTIONS] --jsonargs FILTER [JSON_TEXTS...]\n\n");
        print_usage_hint();
        exit_status_override_ = true;
        return kErrorSystem;
      }
    }

    configure_writer();

    std::string program_text = *options_.program;
    if (options_.from_file) {
      if (!read_whole_file(*options_.program, program_text)) {
        std::fprintf(stderr, "jq: Could not open %s: %s\n", options_.program->c_str(), std::strerror(errno));
        exit_status_override_ = true;
        return kErrorSystem;
      }
      program_text = sanitize_utf8(program_text);
    }

    jq::CompileOptions compile_options;
    compile_options.library_paths = options_.library_paths;
    compile_options.home_library = true;
    if (options_.from_file && options_.program) {
      // Relative `search` paths of a -f program's imports start at its directory.
      const std::string& file = *options_.program;
      const std::size_t slash = file.rfind('/');
      compile_options.program_origin = slash == std::string::npos ? "." : file.substr(0, slash == 0 ? 1 : slash);
    }
    for (const auto& [name, value] : options_.named) compile_options.predefined_variables.push_back(name);
    compile_options.predefined_variables.emplace_back("ARGS");

    std::optional<jq::Compiled> program;
    try {
      program.emplace(jq::Compiled::compile(program_text, compile_options));
    } catch (const jq::CompileError& error) {
      std::fprintf(stderr, "jq: error: %s\n", error.what());
      exit_status_override_ = true;
      return kErrorCompile;
    }

    QueryInput::Settings settings;
    if (options_.live) {
      if (!options_.input_files.empty()) {
        std::fprintf(stderr, "jq: --live reads this host's network stack; it takes no input files\n");
        exit_status_override_ = true;
        return kErrorSystem;
      }
      try {
        std::vector<std::string> notices;
        settings.live_text = capture::entries_text(capture::capture_entries({}, &notices));
        for (const std::string& notice : notices) std::fprintf(stderr, "netinspect query: %s\n", notice.c_str());
      } catch (const capture::CaptureError& error) {
        std::fprintf(stderr, "jq: error: live capture failed: %s\n", error.what());
        exit_status_override_ = true;
        return kErrorSystem;
      }
    } else if (std::optional<int> streamed = try_streaming(program_text, compile_options, *program)) {
      return *streamed;
    }

    settings.open = options_.input.open;
    settings.files = options_.input_files;
    settings.raw = options_.raw_input;
    settings.slurp = options_.slurp;
    settings.seq = options_.seq;
    settings.stream = options_.stream;
    settings.stream_errors = options_.stream_errors;
    QueryInput input(std::move(settings));
    input_ = &input;
    position_ = [&input] { return input.position(); };

    jq::Environment env = make_environment();
    env.next_input = [&input]() -> std::optional<json::Value> {
      try {
        return input.next();
      } catch (const json::ParseError& error) {
        // A malformed input read by `input`/`inputs` is an ordinary error.
        throw jq::RuntimeError(json::Value::string(error.what()));
      }
    };
    env.current_filename = [&input]() { return input.current_filename(); };
    env.input_line_number = [&input]() { return input.input_line_number(); };

    int ret = kOkNoOutput;
    try {
      if (options_.null_input) {
        ret = process(*program, json::Value::null(), env);
      } else {
        while (input.failures() == 0) {
          std::optional<json::Value> value;
          try {
            value = input.next();
          } catch (const json::ParseError& error) {
            if (options_.seq && !options_.raw_input) {
              // application/json-seq: a bad text is skipped, not fatal.
              std::fprintf(stderr, "jq: ignoring parse error: %s\n", error.what());
              continue;
            }
            std::fprintf(stderr, "jq: parse error: %s\n", error.what());
            ret = kErrorUnknown;
            break;
          }
          if (!value) break;
          if (options_.input.moniker && value->is_array()) *value = keep_moniker(*value, *options_.input.moniker);
          ret = process(*program, *value, env);
          if (ret <= 0 && ret != kOkNoOutput) last_result_ = ret != kOkNullKind ? 1 : 0;
          if (halted_) break;
        }
      }
    } catch (const OutputClosed&) {
      return kOk;
    }
    if (input.failures() != 0) ret = kErrorSystem;
    return ret;
  }

  jq::Environment make_environment() const {
    jq::Environment env;
    for (const auto& [name, value] : options_.named) env.variables.emplace_back(name, value);
    json::Object args;
    args.set("positional", json::Value::array(options_.positional));
    args.set("named", json::Value::object(options_.named));
    env.variables.emplace_back("ARGS", json::Value::object(std::move(args)));
    env.write_stderr = write_stderr;
    // Recursion is bounded by the --stack-size stack alone (jq/eval.cc's
    // stack floor), so raising the stack raises the depth in proportion.
    env.max_call_depth = std::numeric_limits<std::size_t>::max();
    return env;
  }

  static bool has_moniker(const json::Value& entry, const std::string& moniker) {
    if (!entry.is_object()) return false;
    const json::Value* value = entry.as_object().find("moniker");
    return value != nullptr && value->is_string() && value->as_string() == moniker;
  }

  // --moniker on a whole array: the elements whose moniker is `moniker`.
  static json::Value keep_moniker(const json::Value& array, const std::string& moniker) {
    json::Array kept;
    for (const json::Value& entry : array.as_array()) {
      if (has_moniker(entry, moniker)) kept.push_back(entry);
    }
    return json::Value::array(std::move(kept));
  }

  // Runs `.[] | REST` entry by entry (see query_plan.h) when the options
  // allow it; nullopt when the program must see whole input values.
  std::optional<int> try_streaming(const std::string& program_text, const jq::CompileOptions& compile_options,
                                   const jq::Compiled& program) {
    if (options_.no_streaming || options_.null_input || options_.slurp || options_.raw_input || options_.seq ||
        options_.stream) {
      return std::nullopt;
    }
    const std::optional<StreamPlan> plan = plan_streaming(program_text);
    if (!plan) return std::nullopt;
    std::optional<jq::Compiled> rest;
    try {
      rest.emplace(jq::Compiled::compile(plan->rest, compile_options));
    } catch (const jq::CompileError&) {
      return std::nullopt;  // REST alone is not a program: run the whole one
    }
    try {
      return run_streaming(program, *rest, *plan);
    } catch (const OutputClosed&) {
      return kOk;
    }
  }

  int run_streaming(const jq::Compiled& program, const jq::Compiled& rest, const StreamPlan& plan) {
    EntryInput input(options_.input_files, options_.input);
    jq::Environment env = make_environment();
    env.next_input = []() -> std::optional<json::Value> { return std::nullopt; };  // the plan excludes `input`
    env.current_filename = [&input]() { return input.current_filename(); };

    const std::optional<std::string>& only = options_.input.moniker;
    const auto ruled_out = [&](std::string_view raw) {
      if (!only && !plan.moniker) return false;
      const std::optional<std::string_view> moniker = source::peek_moniker(raw);
      if (!moniker) return false;
      return (only && *moniker != *only) || (plan.moniker && *moniker != *plan.moniker);
    };

    int ret = kOkNoOutput;
    bool in_array = false;
    int value_ret = kOkNoOutput;
    std::size_t array_end = 0;
    std::exception_ptr pending;  // a read error met while skipping to the end of an array
    source::Entry entry;
    // jq reads a whole array before running the program: an error's position
    // is where the array ends, so the rest of the array is skipped to find it.
    const auto skip_to_array_end = [&]() {
      if (!in_array) return;
      try {
        source::Entry skipped;
        while (input.next(skipped)) {
          if (skipped.last_element) {
            array_end = skipped.array_end;
            break;
          }
        }
      } catch (const source::SourceError&) {
        pending = std::current_exception();
      }
      in_array = false;
    };

    try {
      for (;;) {
        if (!in_array && input.failures() != 0) break;
        if (!input.next(entry)) break;
        if (!entry.array_element) {
          json::Value value = input.parse(entry);
          const char last = entry.raw.empty() ? ' ' : entry.raw.back();
          const std::size_t trigger = (last == ']' || last == '}' || last == '"') ? entry.end - 1 : entry.end;
          position_ = [&input, trigger] { return input.position_after(trigger); };
          ret = process(program, value, env);
          if (ret <= 0 && ret != kOkNoOutput) last_result_ = ret != kOkNullKind ? 1 : 0;
          if (halted_) break;
          continue;
        }
        if (!in_array) {
          in_array = true;
          value_ret = kOkNoOutput;
        }
        bool array_done = entry.last_element;
        if (entry.last_element) {
          array_end = entry.array_end;
          in_array = false;  // nothing left to skip if REST fails on it
        }
        if (!ruled_out(entry.raw)) {
          json::Value element = input.parse(entry);
          if (!only || has_moniker(element, *only)) {
            position_ = [&] {
              skip_to_array_end();
              return input.position_after(array_end - 1);
            };
            const int element_ret = process(rest, element, env);
            if (pending) std::rethrow_exception(pending);
            if (halted_) {
              ret = element_ret;
              break;
            }
            if (element_ret == kErrorUnknown) {
              value_ret = element_ret;
              array_done = true;  // jq stops the whole `.[] | REST` at an error
            } else if (element_ret != kOkNoOutput) {
              value_ret = element_ret;
            }
          }
        }
        if (array_done) {
          in_array = false;
          ret = value_ret;
          if (ret <= 0 && ret != kOkNoOutput) last_result_ = ret != kOkNullKind ? 1 : 0;
        }
      }
    } catch (const source::StructureError& error) {
      std::fprintf(stderr, "jq: parse error: %s\n", error.what());
      ret = kErrorUnknown;
    } catch (const json::ParseError& error) {
      std::fprintf(stderr, "jq: parse error: %s\n", error.what());
      ret = kErrorUnknown;
    } catch (const source::SourceError& error) {
      std::fprintf(stderr, "jq: error: %s\n", error.what());
      ret = kErrorSystem;
      exit_status_override_ = true;
    }
    if (input.failures() != 0) ret = kErrorSystem;
    position_ = nullptr;  // it refers to `input`
    return ret;
  }

  void configure_writer() {
    bool color = false;
    if (isatty(STDOUT_FILENO)) {
      const char* no_color = std::getenv("NO_COLOR");
      color = no_color == nullptr || no_color[0] == '\0';
    }
    if (options_.force_color) color = true;
    if (options_.force_mono) color = false;
    write_options_.color = color;
    if (const char* spec = std::getenv("JQ_COLORS")) {
      if (valid_jq_colors(spec)) {
        write_options_.colors = spec;
      } else {
        std::fprintf(stderr, "Failed to set $JQ_COLORS\n");
      }
    }
    write_options_.indent = options_.indent;
    write_options_.use_tab = options_.tab;
    write_options_.ascii = options_.ascii;
    write_options_.sort_keys = options_.sort_keys;
  }

  // Runs the program on one input; returns jq's per-input result code.
  int process(const jq::Compiled& program, const json::Value& value, jq::Environment& env) {
    int ret = kOkNoOutput;
    try {
      program.run(value, env, [&](const json::Value& result) { ret = emit(result); });
    } catch (const jq::Halt& halt) {
      halted_ = true;
      output_.result_done();
      if (halt.value) {
        const json::Value& message = *halt.value;
        if (message.is_string()) {
          write_stderr(message.as_string());  // verbatim: no prefix, no newline
        } else if (!message.is_null()) {
          std::string text = json::to_json(message);
          text += '\n';
          write_stderr(text);
        }
      }
      std::fflush(stderr);
      return halt.exit_code;
    } catch (const jq::RuntimeError& error) {
      report_error(error.value());
      return kErrorUnknown;
    } catch (const OutputError& error) {
      report_error(json::Value::string(error.message));
      return kErrorUnknown;
    } catch (const OutputClosed&) {
      throw;
    } catch (const std::bad_alloc&) {
      report_error(json::Value::string("Out of memory"));
      return kErrorUnknown;
    }
    return ret;
  }

  int emit(const json::Value& result) {
    std::string& out = output_.buffer();
    int ret = kOk;
    if (options_.raw_output && result.is_string()) {
      if (options_.ascii) {
        json::write(result, write_options_, out);  // jq prints it quoted, escaped
      } else {
        const std::string& text = result.as_string();
        if (options_.raw_output0 && text.find('\0') != std::string::npos) {
          throw OutputError{"Cannot dump a string containing NUL with --raw-output0 option"};
        }
        out += text;
      }
    } else {
      ret = (result.kind() == json::Kind::False || result.is_null()) ? kOkNullKind : kOk;
      if (options_.seq) out += '\x1e';
      json::write(result, write_options_, out);
    }
    if (!options_.raw_no_newline) out += '\n';
    if (options_.raw_output0) out += '\0';
    output_.result_done();
    return ret;
  }

  void report_error(const json::Value& error) {
    std::string position = position_ ? position_() : "<unknown>";
    std::string line;
    if (error.is_string()) {
      // jq prints the message with %s: it ends at the first NUL.
      const std::string& message = error.as_string();
      line = "jq: error (at " + position + "): " + message.substr(0, message.find('\0'));
      // The evaluator's own message cannot name the command's option.
      if (message == "Maximum call depth exceeded (stack exhausted)") line += " (raise it with --stack-size)";
      line += "\n";
    } else {
      line = "jq: error (at " + position + ") (not a string): " + json::to_json(error) + "\n";
    }
    write_stderr(line);
  }

  int finish(int ret) const {
    if (options_.exit_status && !exit_status_override_) {
      if (ret != kOkNoOutput) return std::abs(ret);
      switch (last_result_) {
        case -1: return 4;
        case 0: return 1;
        default: return 0;
      }
    }
    if (options_.exit_status) return std::abs(ret);
    return ret > 0 ? ret : 0;
  }

  QueryOptions options_;
  QueryOutput output_;
  json::WriteOptions write_options_;
  QueryInput* input_ = nullptr;
  std::function<std::string()> position_;  // jq's "(at ...)" for the value being run
  int last_result_ = -1;  // -1 no result, 0 null/false, 1 anything else
  bool halted_ = false;
  bool exit_status_override_ = false;
};

struct ThreadJob {
  QueryOptions* options;
  int exit_code = kErrorUnknown;
};

void* run_query_thread(void* arg) {
  auto* job = static_cast<ThreadJob*>(arg);
  QueryRun run(std::move(*job->options));
  job->exit_code = run.execute();
  return nullptr;
}

}  // namespace

int run_query_command(int argc, char** argv) {
  QueryOptions options;
  if (std::optional<int> done = parse_query_options(argc, argv, options)) return *done;

  // The evaluator runs on a thread with a big stack: deep programs recurse
  // deeply, and the evaluator turns the end of whatever stack it has into its
  // "Maximum call depth exceeded" error (jq/eval.cc, stack_floor).
  const std::size_t stack_size = options.stack_size;
  const bool default_stack = stack_size == QueryOptions::kDefaultEvaluatorStack;
  ThreadJob job{&options};
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  int created = pthread_attr_setstacksize(&attributes, stack_size);
  pthread_t thread;
  if (created == 0) created = pthread_create(&thread, &attributes, run_query_thread, &job);
  pthread_attr_destroy(&attributes);
  if (created == 0) {
    pthread_join(thread, nullptr);
  } else if (default_stack) {
    // Not enough address space for the default stack (e.g. under `ulimit -v`):
    // run here instead, with the process stack as the limit.
    run_query_thread(&job);
  } else {
    std::fprintf(stderr, "jq: error: cannot reserve a %s evaluator stack (--stack-size): %s\n",
                 source::format_size(stack_size).c_str(), std::strerror(created));
    return kErrorSystem;
  }
  return job.exit_code;
}

}  // namespace netinspect::cli
