// `netinspect report`: one self-contained HTML page about snapshots (see
// --help, docs/report.md and src/report).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "capture/capture.h"
#include "cli/commands.h"
#include "cli/view_common.h"
#include "diagnose/triage.h"
#include "json/parse.h"
#include "report/report.h"
#include "source/source.h"

namespace netinspect::cli {

namespace {

constexpr std::string_view kCommand = "report";

constexpr const char* kHelp =
    "Usage: netinspect report [options] [SOURCE...] -o FILE.html\n"
    "\n"
    "Writes one self-contained HTML page about each snapshot, to attach to a bug\n"
    "or open in any browser, offline: the overview (identity, health, warnings,\n"
    "tiles), a bar chart of sockets by protocol and state, the sockets, NICs and\n"
    "routes tables (the rows of the views' --json; click a header to sort, type\n"
    "to filter, `column:text` filters one column), the counters as a searchable\n"
    "tree with non-zero error counters in red, the triage findings with their\n"
    "evidence, and each pprof profile as a flame graph (click to zoom) with its\n"
    "top functions. With two or more SOURCEs it adds the diff of each snapshot\n"
    "against the one before it.\n"
    "\n"
    "The page's CSS and script are inline and it loads nothing: no CDN, no font,\n"
    "no image; a Content-Security-Policy forbids any request. Every text taken\n"
    "from a snapshot is escaped.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE         write the page to FILE (through a temporary file\n"
    "                            renamed into place); - writes standard output\n"
    "      --title TEXT          the page title (default: \"netstack report\")\n"
    "      --config FILE         also run this .triage config (repeatable)\n"
    "      --no-builtin          without the built-in netstack triage rules\n"
    "      --strict              report schema surprises on stderr\n";

constexpr const char* kInput =
    "Input:\n"
    "  SOURCE is an inspect.json (compact or pretty), .json.gz, snapshot .zip,\n"
    "  a directory of snapshots, or - for stdin. With no SOURCE, this host's\n"
    "  live network stack is captured (as `netinspect capture` does).\n"
    "      --sample              with no SOURCE, use the sample snapshot bundled\n"
    "                            with netinspect instead of live capture\n";

constexpr const char* kExit =
    "Exit status:\n"
    "  0  the report was written (findings do not change it: see `triage`)\n"
    "  2  bad usage, an unreadable SOURCE or config, or the file cannot be written\n";

constexpr const char* kExamples =
    "Examples:\n"
    "  netinspect report -o report.html snapshot.zip\n"
    "  netinspect report -o diff.html before.zip after.zip\n"
    "  netinspect report --sample -o - > sample.html\n";

bool read_text_file(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return !in.bad();
}

// Each snapshot with every entry it holds (triage rules may select any
// component; pprof profiles are read from the entries).
int load_inputs(const ViewOptions& options, std::vector<report::SnapshotInput>& inputs, bool& used_sample) {
  netstack::LoadOptions load;
  if (options.input.moniker) load.moniker = *options.input.moniker;
  std::vector<EntrySet> sets;
  if (int rc = load_entry_sets(kCommand, options, sets, &used_sample); rc != 0) return rc;
  for (EntrySet& set : sets) {
    report::SnapshotInput input;
    input.snapshot = netstack::load_entries(set.entries, std::move(set.label), load);
    input.entries = std::move(set.entries);
    inputs.push_back(std::move(input));
  }
  return 0;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Temporary file next to the target, renamed over it: a reader never sees a
// half-written page, and a failure leaves the old file as it was.
int write_file(const std::string& path, const std::string& text) {
  std::string temp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return usage_error(kCommand, path + ": cannot create: " + std::strerror(errno));
  ::fchmod(fd, 0644);
  bool ok = write_all(fd, text);
  int saved = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (ok && ::rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    return usage_error(kCommand, path + ": write failed: " + std::strerror(saved));
  }
  return 0;
}

}  // namespace

int run_report_command(int argc, char** argv) {
  ViewOptions options;
  report::ReportOptions report_options;
  std::optional<std::string> output;
  std::vector<std::string> config_paths;
  bool builtin = true;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string value, error;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s%s%s\n%s\n%s", kHelp, kInput, kInputOptionsHelp, kExit, kExamples);
      return 0;
    }
    if (arg == "--no-builtin") {
      builtin = false;
      ++i;
      continue;
    }
    if (take_value(argc, argv, i, "-o", value, error) || take_value(argc, argv, i, "--output", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      if (value.empty()) return usage_error(kCommand, "-o needs a file name (or - for standard output)");
      output = value;
      continue;
    }
    if (take_value(argc, argv, i, "--title", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      report_options.title = value;
      continue;
    }
    if (take_value(argc, argv, i, "--config", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      config_paths.push_back(value);
      continue;
    }
    if (arg == "--json" || arg == "--ndjson" || arg == "--csv" || arg == "--table" || arg == "--merge")
      return usage_error(kCommand, "writes HTML; " + std::string(arg) + " does not apply (see --help)");
    if (std::optional<int> rc = take_view_option_or_source(kCommand, argc, argv, i, options)) return *rc;
  }
  if (!output) return usage_error(kCommand, "needs -o FILE.html (or -o - for standard output; see --help)");

  if (builtin) {
    try {
      report_options.configs = diagnose::load_builtin_configs();
    } catch (const diagnose::ConfigError& e) {
      return usage_error(kCommand, std::string("built-in rules: ") + e.what());
    }
  }
  report_options.native_checks = builtin;
  for (const std::string& path : config_paths) {
    std::string text;
    if (!read_text_file(path, text)) return usage_error(kCommand, path + ": cannot read");
    std::string ns = std::filesystem::path(path).filename().string();
    if (auto dot = ns.find('.'); dot != std::string::npos) ns.resize(dot);
    try {
      report_options.configs.push_back(diagnose::load_config(text, ns, path));
    } catch (const diagnose::ConfigError& e) {
      return usage_error(kCommand, e.what());
    }
  }
  try {
    diagnose::check_cycles(report_options.configs);
  } catch (const diagnose::ConfigError& e) {
    return usage_error(kCommand, e.what());
  }

  std::vector<report::SnapshotInput> inputs;
  bool sample = false;
  if (int rc = load_inputs(options, inputs, sample); rc != 0) return rc;
  for (const report::SnapshotInput& input : inputs) report_surprises(kCommand, options, input.snapshot, {});
  report_options.bundled_sample = sample;
  report_options.version = NETINSPECT_VERSION;
  report_options.nonce = report::random_nonce();

  const std::string html = report::render_html(inputs, report_options);
  if (*output == "-") return write_stdout(kCommand, html);
  return write_file(*output, html);
}

}  // namespace netinspect::cli
