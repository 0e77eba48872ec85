// jq_conformance — runs jq's own `.test` files against netinspect's jq engine.
//
// Semantics follow jq's `--run-tests` runner (jq 1.8, src/jq_test.c):
//  * a group is: program line, input line, expected output lines (until a blank or
//    `#` line); outputs are compared as JSON values (jq's jv_equal);
//  * too few outputs, a different value or one output too many fail the case; an
//    error raised after all expected outputs were produced does not (jq stops
//    pulling outputs there);
//  * `%%FAIL` groups must fail to compile with exactly the expected message (the
//    last "jq: error: ..." diagnostic); `%%FAIL IGNORE MSG` only needs the failure.
//
// Robustness: cases run in one child process (no process per case). When a case
// crashes or exceeds the time limit, the parent records it and starts a fresh
// child at the next case. Evaluation runs on a 512 MiB stack, as some tests
// recurse deeply.
//
// Output: one summary line per file, failing cases with -v, then a final line
// "N passed, N failed" that CI reads.

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "jq/jq.h"
#include "json/parse.h"
#include "json/value.h"
#include "json/write.h"

namespace {

namespace fs = std::filesystem;
namespace json = netinspect::json;
namespace jq = netinspect::jq;

struct Case {
  std::string file;       // base name, e.g. "jq.test"
  unsigned line = 0;      // line of the program
  std::string program;
  bool must_fail = false;
  bool check_message = false;
  std::string input;                  // normal cases
  std::vector<std::string> expected;  // output lines, or message lines for %%FAIL
  bool needs_modules = false;
};

enum class Outcome : char { Pass = 'P', Fail = 'F', Skip = 'S' };

struct Result {
  Outcome outcome = Outcome::Fail;
  std::string detail;  // why it failed
};

struct Options {
  bool verbose = false;
  std::string library_dir;
  double timeout_seconds = 10;
  std::optional<std::string> floor_file;
  std::optional<std::string> known_failures_out;
  std::optional<std::string> only_case;  // "file.test:LINE"
  bool allow_crashes = false;
  std::vector<std::string> files;
};

// jq's runner: a line is skipped when, after leading blanks, it is empty or a comment.
bool is_skip_line(std::string_view line) {
  std::size_t p = 0;
  while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
  return p == line.size() || line[p] == '#';
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

bool is_ident_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

// Whether `word` occurs in `text` as a whole identifier (not `$word`, not part of
// a longer name); with `then_string`, only when a string literal follows it.
bool has_word(std::string_view text, std::string_view word, bool then_string) {
  for (std::size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    if (at > 0 && (is_ident_char(text[at - 1]) || text[at - 1] == '$')) continue;
    std::size_t end = at + word.size();
    if (end < text.size() && is_ident_char(text[end])) continue;
    if (!then_string) return true;
    while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
    if (end < text.size() && text[end] == '"') return true;
  }
  return false;
}

// Cases that need jq's tests/modules fixtures (-L): import/include of a path,
// modulemeta, get_search_list. An object key named `import` does not count.
bool uses_modules(const std::string& program) {
  return has_word(program, "import", true) || has_word(program, "include", true) ||
         has_word(program, "modulemeta", false) || has_word(program, "get_search_list", false);
}

// jq's closing "jq: 2 compile errors" line.
bool is_error_count_line(std::string_view line) {
  constexpr std::string_view prefix = "jq: ";
  if (line.substr(0, prefix.size()) != prefix) return false;
  std::size_t p = prefix.size();
  std::size_t digits = p;
  while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
  if (digits == p) return false;
  std::string_view rest = line.substr(digits);
  return rest == " compile error" || rest == " compile errors";
}

std::vector<Case> read_test_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "jq_conformance: cannot read " << path << "\n";
    std::exit(2);
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);

  std::vector<Case> cases;
  bool must_fail = false, check_message = false;
  const std::string name = path.filename().string();
  std::size_t i = 0;
  while (i < lines.size()) {
    const std::string& line = lines[i++];
    if (is_skip_line(line)) continue;
    if (line == "%%FAIL" || line == "%%FAIL IGNORE MSG") {
      must_fail = true;
      check_message = line == "%%FAIL";
      continue;
    }
    Case c;
    c.file = name;
    c.line = static_cast<unsigned>(i);
    c.program = line;
    c.must_fail = must_fail;
    c.check_message = check_message;
    must_fail = check_message = false;
    if (c.must_fail) {
      // jq 1.8 messages span several lines (source excerpt and carets); they end
      // at the blank line (a caret line may start with blanks, never be empty).
      while (i < lines.size() && !is_blank(lines[i])) c.expected.push_back(lines[i++]);
    } else {
      if (i < lines.size()) c.input = lines[i++];
      while (i < lines.size() && !is_skip_line(lines[i])) c.expected.push_back(lines[i++]);
    }
    c.needs_modules = uses_modules(c.program);
    cases.push_back(std::move(c));
  }
  return cases;
}

// Long values (deep-nesting tests) are cut so a failure report stays readable.
std::string clip(std::string text, std::size_t limit = 300) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  text.resize(cut);
  return text + "...";
}

std::string show(const json::Value& value) {
  try {
    return clip(json::to_json(value));
  } catch (const std::exception& e) {
    return std::string("<unprintable: ") + e.what() + ">";
  }
}

std::string show_all(const std::vector<json::Value>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += show(values[i]);
  }
  return out + "]";
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The last "jq: error: ..." diagnostic of a compile failure, as jq's runner keeps it.
std::vector<std::string> last_diagnostic(const std::string& what) {
  std::vector<std::string> lines = split_lines("jq: error: " + what);
  while (!lines.empty() && is_error_count_line(lines.back())) lines.pop_back();
  std::size_t start = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("jq: error", 0) == 0) start = i;
  }
  return {lines.begin() + static_cast<std::ptrdiff_t>(start), lines.end()};
}

std::string join(const std::vector<std::string>& lines, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += separator;
    out += lines[i];
  }
  return out;
}

// Thrown from the emit callback once one output more than expected arrived: jq's
// runner stops pulling there, and infinite generators must not hang the harness.
// Deliberately not a std::exception, so a `try` in the program cannot swallow it.
struct EnoughOutputs {};

Result run_compile_failure(const Case& c, const jq::CompileOptions& options) {
  try {
    (void)jq::Compiled::compile(c.program, options);
  } catch (const jq::CompileError& e) {
    if (!c.check_message) return {Outcome::Pass, {}};
    std::vector<std::string> actual = last_diagnostic(e.what());
    if (actual == c.expected) return {Outcome::Pass, {}};
    return {Outcome::Fail, "wrong compile error:\n      expected: " + join(c.expected, "\n                ") +
                               "\n      actual:   " + join(actual, "\n                ")};
  } catch (const std::exception& e) {
    return {Outcome::Fail, std::string("compile threw a non-CompileError exception: ") + e.what()};
  }
  return {Outcome::Fail, "compiled, but should have failed to compile"};
}

Result run_normal(const Case& c, const jq::CompileOptions& options) {
  std::optional<jq::Compiled> program;
  try {
    program.emplace(jq::Compiled::compile(c.program, options));
  } catch (const jq::CompileError& e) {
    return {Outcome::Fail, std::string("failed to compile: ") + e.what()};
  }

  json::Value input;
  try {
    input = json::parse(c.input);
  } catch (const std::exception& e) {
    return {Outcome::Fail, "input does not parse (" + std::string(e.what()) + "): " + c.input};
  }
  std::vector<json::Value> expected;
  for (const std::string& line : c.expected) {
    try {
      expected.push_back(json::parse(line));
    } catch (const std::exception& e) {
      return {Outcome::Fail, "expected output does not parse (" + std::string(e.what()) + "): " + line};
    }
  }

  jq::Environment env;
  env.program_file = "<top-level>";  // what jq's runner compiles programs as
  env.current_filename = [] { return json::Value::null(); };
  env.write_stderr = [](std::string_view) {};
  // jq's runner installs no input callback; jq 1.8 then makes `input` raise the
  // error "break" (jq.test expects `try input catch .` to give "break").
  env.next_input = []() -> std::optional<json::Value> { throw jq::RuntimeError(json::Value::string("break")); };

  std::vector<json::Value> outputs;
  std::string error;
  bool superfluous = false;
  try {
    program->run(input, env, [&](const json::Value& out) {
      outputs.push_back(out);
      if (outputs.size() > expected.size()) throw EnoughOutputs{};
    });
  } catch (const EnoughOutputs&) {
    superfluous = true;
  } catch (const jq::RuntimeError& e) {
    error = e.what();
  } catch (const jq::Halt&) {
    // jq's runner sees the end of the output stream.
  } catch (const std::exception& e) {
    return {Outcome::Fail, std::string("unexpected C++ exception: ") + e.what()};
  }

  bool same = outputs.size() == expected.size();
  for (std::size_t i = 0; same && i < outputs.size(); ++i) same = json::compare(outputs[i], expected[i]) == 0;
  if (same && !superfluous) return {Outcome::Pass, {}};
  std::string detail = "expected " + show_all(expected) + ", got " + show_all(outputs);
  if (superfluous) detail += " (and more)";
  if (!error.empty()) detail += " then error: " + clip(error);
  return {Outcome::Fail, detail};
}

Result run_case(const Case& c, const jq::CompileOptions& options) {
  try {
    return c.must_fail ? run_compile_failure(c, options) : run_normal(c, options);
  } catch (const std::exception& e) {
    return {Outcome::Fail, std::string("unexpected C++ exception: ") + e.what()};
  } catch (...) {
    return {Outcome::Fail, "unexpected non-standard exception"};
  }
}

// ---- child process: runs cases from `first` on, one result record per line ----

std::string escape_record(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\\') out += "\\\\";
    else if (ch == '\n') out += "\\n";
    else out += ch;
  }
  return out;
}

std::string unescape_record(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      ++i;
      out += text[i] == 'n' ? '\n' : text[i];
    } else {
      out += text[i];
    }
  }
  return out;
}

void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::_Exit(3);  // parent is gone
    done += static_cast<std::size_t>(n);
  }
}

struct ChildWork {
  const std::vector<Case>* cases;
  const std::vector<bool>* selected;
  const jq::CompileOptions* options;
  std::size_t first;
  int fd;
};

void* child_main(void* arg) {
  const ChildWork& work = *static_cast<ChildWork*>(arg);
  for (std::size_t i = work.first; i < work.cases->size(); ++i) {
    if (!(*work.selected)[i]) continue;
    Result r = run_case((*work.cases)[i], *work.options);
    write_all(work.fd, std::to_string(i) + '\t' + static_cast<char>(r.outcome) + '\t' +
                           escape_record(r.detail) + '\n');
  }
  return nullptr;
}

[[noreturn]] void run_child(ChildWork work) {
  constexpr std::size_t kStackBytes = 512u << 20;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  pthread_t thread;
  if (pthread_create(&thread, &attr, child_main, &work) != 0) {
    std::perror("jq_conformance: pthread_create");
    std::_Exit(3);
  }
  pthread_join(thread, nullptr);
  ::close(work.fd);
  std::exit(0);  // a normal exit, so LeakSanitizer still reports in the ASan build
}

// ---- parent: supervises children, collects results ----

struct RunSummary {
  std::vector<Result> results;
  std::vector<std::string> problems;  // crashes, sanitizer exits
};

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  return "unknown status";
}

RunSummary run_all(const std::vector<Case>& cases, const std::vector<bool>& selected,
                   const jq::CompileOptions& options, double timeout_seconds) {
  RunSummary summary;
  summary.results.resize(cases.size());
  auto next_selected = [&](std::size_t from) {
    while (from < cases.size() && !selected[from]) ++from;
    return from;
  };
  std::size_t next = next_selected(0);
  while (next < cases.size()) {
    int fds[2];
    if (::pipe(fds) != 0) {
      std::perror("jq_conformance: pipe");
      std::exit(2);
    }
    std::cout.flush();
    std::cerr.flush();
    pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("jq_conformance: fork");
      std::exit(2);
    }
    if (pid == 0) {
      ::close(fds[0]);
      run_child({&cases, &selected, &options, next, fds[1]});
    }
    ::close(fds[1]);

    std::string buffer;
    bool timed_out = false;
    const int timeout_ms = static_cast<int>(timeout_seconds * 1000);
    while (true) {
      pollfd pfd{fds[0], POLLIN, 0};
      int ready = ::poll(&pfd, 1, timeout_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        timed_out = true;
        ::kill(pid, SIGKILL);
        break;
      }
      char chunk[65536];
      ssize_t n = ::read(fds[0], chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t newline;
      while ((newline = buffer.find('\n')) != std::string::npos) {
        std::string record = buffer.substr(0, newline);
        buffer.erase(0, newline + 1);
        std::size_t tab1 = record.find('\t');
        std::size_t tab2 = record.find('\t', tab1 + 1);
        std::size_t index = std::stoul(record.substr(0, tab1));
        Result& r = summary.results[index];
        r.outcome = static_cast<Outcome>(record[tab1 + 1]);
        r.detail = unescape_record(std::string_view(record).substr(tab2 + 1));
        next = next_selected(index + 1);
      }
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (next < cases.size()) {
      // The child stopped inside case `next`.
      Result& r = summary.results[next];
      r.outcome = Outcome::Fail;
      if (timed_out) {
        std::ostringstream text;
        text << "timed out after " << timeout_seconds << " s";
        r.detail = text.str();
      } else {
        r.detail = "crashed: " + describe_status(status);
        const Case& c = cases[next];
        summary.problems.push_back(c.file + ":" + std::to_string(c.line) + ": " + c.program + ": " + r.detail);
      }
      next = next_selected(next + 1);
    } else if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      summary.problems.push_back("test process ended with " + describe_status(status) +
                                 " after its last case (sanitizer report?)");
    }
  }
  return summary;
}

void write_known_failures(const std::string& path, const std::vector<Case>& cases,
                          const std::vector<Result>& results, const std::vector<bool>& selected,
                          int passed, int failed) {
  std::ofstream out(path);
  out << "# Known failures of jq's test suite\n\n"
      << "Generated by `scripts/update-conformance` (`jq_conformance --known-failures`).\n"
      << "Total: " << passed << " passed, " << failed << " failed.\n";
  std::string current_file;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!selected[i] || results[i].outcome != Outcome::Fail) continue;
    if (cases[i].file != current_file) {
      current_file = cases[i].file;
      out << "\n## " << current_file << "\n\n";
    }
    std::string reason = split_lines(results[i].detail).empty() ? "" : split_lines(results[i].detail)[0];
    if (reason.size() > 160) reason = reason.substr(0, 157) + "...";
    // A program holding a backtick needs a longer code-span fence.
    const std::string& program = cases[i].program;
    const char* fence = program.find('`') == std::string::npos ? "`" : "`` ";
    const char* closing = program.find('`') == std::string::npos ? "`" : " ``";
    out << "- line " << cases[i].line << ": " << fence << program << closing << " — " << reason << "\n";
  }
}

[[noreturn]] void usage(int code) {
  std::cerr << "usage: jq_conformance [-v] [-L DIR] [--timeout SECONDS] [--floor-file FILE]\n"
               "                      [--known-failures OUT.md] [--case FILE.test:LINE]\n"
               "                      [--allow-crashes] FILE.test...\n"
               "  -L DIR            jq's module fixtures; without it (or when DIR does not\n"
               "                    exist) cases using modules are skipped\n"
               "  --floor-file F    fail unless the total passed count reaches the number in F\n"
               "  --allow-crashes   a crashing case only counts as failed (default: exit 1)\n";
  std::exit(code);
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(2);
      return argv[++i];
    };
    if (arg == "-v" || arg == "--verbose") o.verbose = true;
    else if (arg == "-L") o.library_dir = value();
    else if (arg == "--timeout") o.timeout_seconds = std::stod(value());
    else if (arg == "--floor-file") o.floor_file = value();
    else if (arg == "--known-failures") o.known_failures_out = value();
    else if (arg == "--case") o.only_case = value();
    else if (arg == "--allow-crashes") o.allow_crashes = true;
    else if (arg == "-h" || arg == "--help") usage(0);
    else if (!arg.empty() && arg[0] == '-') usage(2);
    else o.files.emplace_back(arg);
  }
  if (o.files.empty()) usage(2);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options opts = parse_args(argc, argv);
  // jq's `mantest` runs with PAGER=less: man.test's `$ENV.PAGER` and `env.PAGER` expect it.
  ::setenv("PAGER", "less", 1);

  jq::CompileOptions compile_options;
  const bool have_modules = !opts.library_dir.empty() && fs::is_directory(opts.library_dir);
  if (have_modules) compile_options.library_paths.push_back(opts.library_dir);

  std::vector<Case> cases;
  for (const std::string& file : opts.files) {
    std::vector<Case> more = read_test_file(file);
    cases.insert(cases.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }

  std::vector<bool> selected(cases.size(), true);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (opts.only_case && *opts.only_case != cases[i].file + ":" + std::to_string(cases[i].line)) selected[i] = false;
    if (cases[i].needs_modules && !have_modules) selected[i] = false;
  }

  auto started = std::chrono::steady_clock::now();
  RunSummary summary = run_all(cases, selected, compile_options, opts.timeout_seconds);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!selected[i]) summary.results[i] = {Outcome::Skip, {}};
  }

  // Per-file summary lines, in the order files were given.
  std::map<std::string, std::array<int, 3>> per_file;
  std::vector<std::string> file_order;
  int passed = 0, failed = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!per_file.count(cases[i].file)) file_order.push_back(cases[i].file);
    auto& counts = per_file[cases[i].file];
    switch (summary.results[i].outcome) {
      case Outcome::Pass: ++counts[0]; ++passed; break;
      case Outcome::Fail: ++counts[1]; ++failed; break;
      case Outcome::Skip: ++counts[2]; break;
    }
  }
  for (const std::string& file : file_order) {
    if (opts.verbose) {
      for (std::size_t i = 0; i < cases.size(); ++i) {
        if (cases[i].file != file || summary.results[i].outcome != Outcome::Fail) continue;
        std::cout << "FAIL " << file << ":" << cases[i].line << ": " << cases[i].program << "\n    "
                  << summary.results[i].detail << "\n";
      }
    }
    const auto& counts = per_file[file];
    std::cout << file << ": " << counts[0] << " passed, " << counts[1] << " failed, " << counts[2]
              << " skipped\n";
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout.flush();
  std::cerr << "jq_conformance: ran in " << seconds << " s\n";

  if (opts.known_failures_out) {
    write_known_failures(*opts.known_failures_out, cases, summary.results, selected, passed, failed);
  }

  int exit_code = 0;
  for (const std::string& problem : summary.problems) {
    std::cout << "CRASH " << problem << "\n";
    if (!opts.allow_crashes) exit_code = 1;
  }
  if (opts.floor_file) {
    std::ifstream floor_in(*opts.floor_file);
    long floor = -1;
    if (!(floor_in >> floor)) {
      std::cerr << "jq_conformance: cannot read a number from " << *opts.floor_file << "\n";
      exit_code = 2;
    } else if (passed < floor) {
      std::cerr << "jq_conformance: " << passed << " passed is below the floor of " << floor << " ("
                << *opts.floor_file << ")\n";
      exit_code = 1;
    } else if (passed > floor) {
      std::cerr << "jq_conformance: " << passed << " passed is above the floor of " << floor
                << "; raise it with scripts/update-conformance\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return exit_code;
}
