#include "cli/query_options.h"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "cli/query_input.h"
#include "jq/jq.h"
#include "json/parse.h"

#ifndef NETINSPECT_VERSION
#define NETINSPECT_VERSION "unknown"
#endif

namespace netinspect::cli {
namespace {

constexpr const char* kHelpText =
    "Usage: netinspect query [OPTIONS] FILTER [FILE...]\n"
    "       netinspect query [OPTIONS] --args FILTER [STRINGS...]\n"
    "       netinspect query [OPTIONS] --jsonargs FILTER [JSON_TEXTS...]\n"
    "\n"
    "Runs the jq program FILTER over the JSON values read from the FILEs (or standard\n"
    "input) and prints its results. The language, options, output bytes, error messages\n"
    "and exit codes are those of jq 1.8, so `netinspect query` can replace `jq` in\n"
    "scripts. Error messages keep jq's `jq: error ...` / `jq: parse error ...` prefixes\n"
    "on purpose, so tools that parse jq's stderr keep working.\n"
    "\n"
    "Inputs: each FILE is plain JSON, gzip (.json.gz) or a snapshot .zip (its\n"
    "inspect.json, or --member), told apart by content; a directory stands for the\n"
    "snapshots in it (its inspect.json, else every *.json, *.gz and *.zip file, in\n"
    "name order); `-` is standard input. `input_filename` names the file being read.\n"
    "\n"
    "Streaming: a FILTER of the form `.[] | REST` (as every netstack query is; also\n"
    "`.[]? | REST`, `try .[] | REST` and either after leading `def`s) runs\n"
    "REST on each element of a top-level array as soon as it is read, so memory stays\n"
    "bounded by the largest entry; the outputs are the same as jq's. When REST starts\n"
    "with `select(.moniker == \"M\")`, entries with another moniker are skipped\n"
    "without being parsed (so malformed JSON inside them goes unnoticed). Unlike jq,\n"
    "the entries before a break in a truncated array are processed before the\n"
    "parse error is reported.\n"
    "\n"
    "Command options:\n"
    "  -n, --null-input          use `null` as the single input value;\n"
    "  -R, --raw-input           read each line as string instead of JSON;\n"
    "  -s, --slurp               read all inputs into an array and use it as\n"
    "                            the single input value;\n"
    "  -c, --compact-output      compact instead of pretty-printed output;\n"
    "  -r, --raw-output          output strings without escapes and quotes;\n"
    "      --raw-output0         implies -r and output NUL after each output;\n"
    "  -j, --join-output         implies -r and output without newline after\n"
    "                            each output;\n"
    "  -a, --ascii-output        output strings by only ASCII characters\n"
    "                            using escape sequences;\n"
    "  -S, --sort-keys           sort keys of each object on output;\n"
    "  -C, --color-output        colorize JSON output;\n"
    "  -M, --monochrome-output   disable colored output;\n"
    "      --tab                 use tabs for indentation;\n"
    "      --indent n            use n spaces for indentation (max 7 spaces);\n"
    "      --unbuffered          flush output stream after each output;\n"
    "      --stream              parse the input value in streaming fashion;\n"
    "      --stream-errors       implies --stream and report parse error as\n"
    "                            an array;\n"
    "      --seq                 parse input/output as application/json-seq;\n"
    "      --live                read this host's live network stack (as\n"
    "                            `netinspect capture` prints it) instead of files\n"
    "      --no-streaming        read whole input values even for `.[] | ...`;\n"
    "  -f, --from-file           load the filter from a file (the first\n"
    "                            positional argument names the file);\n"
    "  -L, --library-path dir    search modules from the directory;\n"
    "      --arg name value      set $name to the string value;\n"
    "      --argjson name value  set $name to the JSON value;\n"
    "      --slurpfile name file set $name to an array of JSON values read\n"
    "                            from the file;\n"
    "      --rawfile name file   set $name to string contents of file;\n"
    "      --args                consume remaining arguments as positional\n"
    "                            string values;\n"
    "      --jsonargs            consume remaining arguments as positional\n"
    "                            JSON values;\n"
    "  -e, --exit-status         set exit status code based on the output;\n"
    "      --max-steps N         stop a program after N evaluation steps\n"
    "                            (default 0: no limit; docs/limits.md);\n"
    "      --max-string-size SIZE  longest string a program may build\n"
    "                            (default 2G-1, jq's limit; e.g. 64M);\n"
    "      --max-array-length N  longest array a program may build\n"
    "                            (default 536870912, jq's limit);\n"
    "      --stack-size SIZE     stack of the evaluator: deeper recursion ends\n"
    "                            with \"Maximum call depth exceeded\" (default\n"
    "                            512M, at least 16M; e.g. 4G);\n"
    "%INPUT_OPTIONS%"
    "  -V, --version             show the jq version this command implements;\n"
    "  -h, --help                show the help;\n"
    "  --                        terminates argument processing;\n"
    "\n"
    "Named arguments are also available as $ARGS.named[], while\n"
    "positional arguments are available as $ARGS.positional[].\n"
    "\n"
    "Colours: output is coloured when standard output is a terminal, unless the\n"
    "NO_COLOR environment variable is set and not empty; JQ_COLORS sets the colours\n"
    "as in jq.\n"
    "\n"
    "Exit status: 0 on success; 1 with -e when the last output was false or null;\n"
    "2 for usage or system errors (e.g. a missing input file); 3 for a program that\n"
    "does not compile; 4 with -e when there was no output; 5 for a runtime error or\n"
    "malformed JSON input (a parse error, including a truncated array or a\n"
    "value split across files: 5, as jq 1.8; jq 1.6 used 2); halt_error chooses its\n"
    "own. An input that cannot be opened or read (missing file, corrupt or\n"
    "truncated .gz/.zip, size over --max-decompressed-size) is a system error: 2.\n"
    "\n"
    "Examples (netstack inspect data, from `fx snapshot`'s inspect.json):\n"
    "  # all open sockets\n"
    "  netinspect query '.[] | select(.moniker == \"core/network/netstack\")\n"
    "      | .payload.\"Socket Info\" | .[]?' inspect.json\n"
    "  # one NIC by name (or `select(.NICID == \"2\")` by id)\n"
    "  netinspect query '.[] | select(.moniker == \"core/network/netstack\")\n"
    "      | .payload.\"NICs\" | .[]? | select(.Name == \"wlanx62\")' inspect.json\n"
    "  # stack-wide TCP counters\n"
    "  netinspect query '.[] | select(.moniker == \"core/network/netstack\")\n"
    "      | .payload.\"Networking Stat Counters\" | select(. != null) | .TCP' inspect.json\n"
    "  # the routing table\n"
    "  netinspect query '.[] | select(.moniker == \"core/network/netstack\")\n"
    "      | .payload.\"Routes\" | .[]?' inspect.json\n"
    "  # which pprof profiles a snapshot holds\n"
    "  netinspect query -c '.[] | select(.moniker == \"core/network/netstack\")\n"
    "      | select(.payload.root.pprof != null)\n"
    "      | {file: .metadata.filename, keys: (.payload.root.pprof | keys)}' inspect.json\n";

// jq's test for "looks like an option": '-' followed by '-' or a letter, so
// "-" (stdin) and "-1" stay positional.
bool looks_like_option(const char* text) {
  return text[0] == '-' && (text[1] == '-' || std::isalpha(static_cast<unsigned char>(text[1])));
}

[[noreturn]] void usage_error(const char* message) {
  std::fprintf(stderr, "jq: %s\n", message);
  print_usage_hint();
  std::exit(2);
}

// Options that take parameters report a missing one the way jq does.
bool has_params(int index, int argc, int count) { return index + count < argc; }

void set_named(QueryOptions& options, const std::string& name, json::Value value) {
  // jq keeps the first definition of a name.
  if (options.named.find(name) == nullptr) options.named.set(name, std::move(value));
}

// --max-steps / --max-string-size / --max-array-length (`--opt N` or
// `--opt=N`): they set jq::default_limits(), which every Environment copies;
// --stack-size sets options.stack_size.
// nullopt: not one of them; otherwise an error message ("" when taken).
std::optional<std::string> take_limit_option(int argc, char** argv, int& i, QueryOptions& options) {
  static constexpr std::string_view kNames[] = {"--max-steps", "--max-string-size", "--max-array-length",
                                                "--stack-size"};
  std::string_view arg = argv[i];
  for (std::string_view name : kNames) {
    if (arg.substr(0, name.size()) != name) continue;
    std::string value;
    if (arg.size() == name.size()) {
      if (i + 1 >= argc) return std::string(name) + " takes one parameter";
      value = argv[++i];
    } else if (arg[name.size()] == '=') {
      value = std::string(arg.substr(name.size() + 1));
    } else {
      continue;
    }
    jq::Limits& limits = jq::default_limits();
    if (name == "--stack-size") {
      std::optional<std::uint64_t> size = parse_size(value);
      if (!size || *size < QueryOptions::kMinEvaluatorStack || *size > (std::uint64_t{1} << 46))
        return "--stack-size takes a size from 16M to 64T such as 2G, not '" + value + "'";
      options.stack_size = static_cast<std::size_t>(*size);
      return std::string();
    }
    if (name == "--max-string-size") {
      std::optional<std::uint64_t> size = parse_size(value);
      if (!size) return "--max-string-size takes a size such as 64M or 2G, not '" + value + "'";
      limits.max_string_bytes = static_cast<std::size_t>(*size);
      return std::string();
    }
    char* end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || errno != 0 || value[0] == '-')
      return std::string(name) + " takes a whole number, not '" + value + "'";
    if (name == "--max-steps") limits.max_steps = n;
    else limits.max_array_length = static_cast<std::size_t>(n);
    return std::string();
  }
  return std::nullopt;
}

}  // namespace

void print_usage_hint() {
  std::fprintf(stderr, "Use netinspect query --help for help with command-line options.\n");
}

std::optional<int> parse_query_options(int argc, char** argv, QueryOptions& options) {
  bool options_done = false;
  bool further_strings = false;
  bool further_json = false;
  struct FileArgument {
    const char* name;
    const char* path;
    bool raw;
  };
  std::vector<FileArgument> files_to_load;  // --slurpfile / --rawfile

  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (options_done || !looks_like_option(arg)) {
      if (!options.program) {
        options.program = arg;
      } else if (further_strings) {
        options.positional.push_back(json::Value::string(arg));
      } else if (further_json) {
        try {
          options.positional.push_back(json::parse(arg));
        } catch (const json::ParseError&) {
          usage_error("invalid JSON text passed to --jsonargs");
        }
      } else {
        options.input_files.emplace_back(arg);
      }
      continue;
    }
    if (std::strcmp(arg, "--") == 0) {
      options_done = true;
      continue;
    }
    if (std::strncmp(arg, "--", 2) == 0) {
      std::string error;
      switch (take_input_option(argc, argv, i, options.input, error)) {
        case InputOptionParse::Taken: continue;
        case InputOptionParse::Error:
          std::fprintf(stderr, "jq: %s\n", error.c_str());
          print_usage_hint();
          return 2;
        case InputOptionParse::NotMine: break;
      }
      if (std::strcmp(arg, "--no-streaming") == 0) {
        options.no_streaming = true;
        continue;
      }
      if (std::strcmp(arg, "--live") == 0) {
        options.live = true;
        continue;
      }
      if (std::optional<std::string> limit_error = take_limit_option(argc, argv, i, options)) {
        if (limit_error->empty()) continue;
        usage_error(limit_error->c_str());
      }
    }

    const bool is_short = arg[1] != '-';
    std::string_view rest = is_short ? std::string_view(arg + 1) : std::string_view(arg + 2);
    // A long option is matched once; a short cluster is walked letter by letter.
    while (!rest.empty()) {
      auto take = [&](char short_name, std::string_view long_name) {
        if (is_short) {
          if (short_name != 0 && rest.front() == short_name) {
            rest.remove_prefix(1);
            return true;
          }
          return false;
        }
        if (rest == long_name) {
          rest = {};
          return true;
        }
        return false;
      };

      if (take('s', "slurp")) {
        options.slurp = true;
      } else if (take('r', "raw-output")) {
        options.raw_output = true;
      } else if (take(0, "raw-output0")) {
        options.raw_output = options.raw_no_newline = options.raw_output0 = true;
      } else if (take('j', "join-output")) {
        options.raw_output = options.raw_no_newline = true;
      } else if (take('c', "compact-output")) {
        options.indent = 0;
        options.tab = false;
      } else if (take('C', "color-output")) {
        options.force_color = true;
      } else if (take('M', "monochrome-output")) {
        options.force_mono = true;
      } else if (take('a', "ascii-output")) {
        options.ascii = true;
      } else if (take(0, "unbuffered")) {
        options.unbuffered = true;
      } else if (take('S', "sort-keys")) {
        options.sort_keys = true;
      } else if (take('R', "raw-input")) {
        options.raw_input = true;
      } else if (take('n', "null-input")) {
        options.null_input = true;
      } else if (take('f', "from-file")) {
        options.from_file = true;
      } else if (take('L', "library-path")) {
        if (!rest.empty()) {  // -Ldir
          options.library_paths.emplace_back(rest);
          rest = {};
        } else if (!has_params(i, argc, 1)) {
          std::fprintf(stderr, "-L takes a parameter: (e.g. -L /search/path or -L/search/path)\n");
          print_usage_hint();
          return 2;
        } else {
          options.library_paths.emplace_back(argv[++i]);
        }
      } else if (take('b', "binary")) {
        // Windows-only in jq; accepted and ignored elsewhere.
      } else if (take(0, "tab")) {
        options.tab = true;
      } else if (take(0, "indent")) {
        if (!has_params(i, argc, 1)) usage_error("--indent takes one parameter");
        int indent = std::atoi(argv[i + 1]);
        if (indent < -1 || indent > 7) usage_error("--indent takes a number between -1 and 7");
        // jq: -1 means tabs, 0 compact output.
        options.tab = indent == -1;
        options.indent = indent < 0 ? 0 : indent;
        ++i;
      } else if (take(0, "seq")) {
        options.seq = true;
      } else if (take(0, "stream")) {
        options.stream = true;
      } else if (take(0, "stream-errors")) {
        options.stream = options.stream_errors = true;
      } else if (take('e', "exit-status")) {
        options.exit_status = true;
      } else if (take(0, "args")) {
        further_strings = true;
        further_json = false;
      } else if (take(0, "jsonargs")) {
        further_strings = false;
        further_json = true;
      } else if (take(0, "arg")) {
        if (!has_params(i, argc, 2)) usage_error("--arg takes two parameters (e.g. --arg varname value)");
        set_named(options, argv[i + 1], json::Value::string(argv[i + 2]));
        i += 2;
      } else if (take(0, "argjson")) {
        if (!has_params(i, argc, 2)) usage_error("--argjson takes two parameters (e.g. --argjson varname text)");
        if (options.named.find(argv[i + 1]) == nullptr) {
          try {
            set_named(options, argv[i + 1], json::parse(argv[i + 2]));
          } catch (const json::ParseError&) {
            usage_error("invalid JSON text passed to --argjson");
          }
        }
        i += 2;
      } else if (take(0, "rawfile") || take(0, "slurpfile")) {
        const bool raw = std::strcmp(arg, "--rawfile") == 0;
        const char* which = raw ? "rawfile" : "slurpfile";
        if (!has_params(i, argc, 2)) {
          std::fprintf(stderr, "jq: --%s takes two parameters (e.g. --%s varname filename)\n", which, which);
          print_usage_hint();
          return 2;
        }
        if (options.named.find(argv[i + 1]) == nullptr) {
          // Read once every option is known (--max-depth may come later);
          // the name is taken now, as jq keeps the first definition.
          set_named(options, argv[i + 1], json::Value::null());
          files_to_load.push_back({argv[i + 1], argv[i + 2], raw});
        }
        i += 2;
      } else if (take('h', "help")) {
        std::string help = kHelpText;
        help.replace(help.find("%INPUT_OPTIONS%"), 15, kInputOptionsHelp);
        std::fputs(help.c_str(), stdout);
        return 0;
      } else if (take('V', "version")) {
        std::printf("jq-1.8.1 (netinspect %s)\n", NETINSPECT_VERSION);
        return 0;
      } else if (take(0, "build-configuration")) {
        std::printf("netinspect %s\n", NETINSPECT_VERSION);
        return 0;
      } else if (take(0, "run-tests") || take(0, "debug-dump-disasm") || take(0, "debug-trace") ||
                 take(0, "debug-trace=all")) {
        std::fprintf(stderr, "jq: %s is not supported by netinspect query\n", arg);
        print_usage_hint();
        return 2;
      } else {
        if (is_short) {
          std::fprintf(stderr, "jq: Unknown option -%c\n", rest.front());
        } else {
          std::fprintf(stderr, "jq: Unknown option %s\n", arg);
        }
        print_usage_hint();
        return 2;
      }
    }
  }

  for (const FileArgument& file : files_to_load) {
    std::string error;
    std::optional<json::Value> data = load_file_value(file.path, file.raw, error, options.input.open.parse);
    if (!data) {
      const char* which = file.raw ? "rawfile" : "slurpfile";
      std::fprintf(stderr, "jq: Bad JSON in --%s %s %s: %s\n", which, file.name, file.path, error.c_str());
      return 2;
    }
    options.named.set(file.name, std::move(*data));
  }
  return std::nullopt;
}

}  // namespace netinspect::cli
