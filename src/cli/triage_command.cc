// `netinspect triage`: known bad signs in a snapshot, from Fuchsia `.triage`
// configs and the built-in netstack rules (see --help and docs/triage.md).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/view_common.h"
#include "diagnose/triage.h"
#include "json/parse.h"
#include "json/write.h"
#include "source/source.h"

namespace netinspect::cli {

namespace {

constexpr const char* kHelp =
    "Usage: netinspect triage [options] [SOURCE...]\n"
    "       netinspect triage --test FILE.triage...\n"
    "\n"
    "Runs triage rules over each snapshot and prints the findings: severity,\n"
    "rule, a one-line hint, and the evidence (each selector and its value).\n"
    "The built-in netstack rules (share/triage/netstack.triage, compiled in,\n"
    "plus native checks of sockets, NICs, routes, DHCP, health and timed-out\n"
    "entries) run unless --no-builtin is given. Configs use Fuchsia's `.triage`\n"
    "format (JSON5 with select, eval, act and test sections); see docs/triage.md.\n"
    "\n"
    "Options:\n"
    "      --config FILE         also run this .triage config (repeatable; its\n"
    "                            namespace is the file's base name)\n"
    "      --no-builtin          only the --config rules\n"
    "      --test FILE           run the `test` section of a config (repeatable)\n"
    "                            and report each trial; exit 1 when one fails\n";

constexpr const char* kExit =
    "Exit status:\n"
    "  0  no warning fired (--test: every trial passed)\n"
    "  1  at least one warning (--test: a trial failed)\n"
    "  2  bad usage, an unreadable input, or a malformed config (the message\n"
    "     names the file and the rule)\n";

constexpr const char* kExamples =
    "Examples:\n"
    "  netinspect triage inspect.json\n"
    "  netinspect triage --json snapshot.zip\n"
    "  netinspect triage --config my.triage --no-builtin inspect.json\n"
    "  netinspect triage --test my.triage\n";

const std::vector<Column> kColumns = {
    {"severity", "SEVERITY", false, false, true},
    {"rule", "RULE", false, false, false},
    {"message", "HINT", false, true, false},
    {"evidence_text", "EVIDENCE", false, true, false},
};

int config_error(const std::string& what) { return usage_error("triage", what); }

bool read_file(const std::string& path, std::string& text, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

std::string namespace_of(const std::string& path) {
  std::string stem = std::filesystem::path(path).filename().string();
  if (auto dot = stem.find('.'); dot != std::string::npos) stem.resize(dot);
  return stem;
}

std::optional<std::int64_t> latest_timestamp(const std::vector<json::Value>& entries) {
  std::optional<std::int64_t> latest;
  for (const json::Value& entry : entries) {
    json::Value t = entry.get("metadata").get("timestamp");
    if (t.is_number() && (!latest || t.as_number() > static_cast<double>(*latest)))
      latest = static_cast<std::int64_t>(t.as_number());
  }
  return latest;
}

}  // namespace

int run_triage_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "triage";
  ViewOptions options;
  std::vector<std::string> config_paths, test_paths;
  bool builtin = true;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string value, error;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s%s%s\n%s\n%s", kHelp, kViewOptionsHelp, kInputOptionsHelp, kExit, kExamples);
      return 0;
    }
    if (arg == "--no-builtin") {
      builtin = false;
      ++i;
      continue;
    }
    if (take_value(argc, argv, i, "--config", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      config_paths.push_back(value);
      continue;
    }
    if (take_value(argc, argv, i, "--test", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      test_paths.push_back(value);
      continue;
    }
    if (std::optional<int> rc = take_view_option_or_source(kCommand, argc, argv, i, options)) return *rc;
  }

  auto load = [&](const std::vector<std::string>& paths, std::vector<diagnose::Config>& out) -> int {
    for (const std::string& path : paths) {
      std::string text, error;
      if (!read_file(path, text, error)) return config_error(error);
      try {
        out.push_back(diagnose::load_config(text, namespace_of(path), path));
      } catch (const diagnose::ConfigError& e) {
        return config_error(e.what());
      }
    }
    try {
      diagnose::check_cycles(out);
    } catch (const diagnose::ConfigError& e) {
      return config_error(e.what());
    }
    return 0;
  };

  if (!test_paths.empty()) {
    std::vector<diagnose::Config> configs;
    if (int rc = load(test_paths, configs); rc != 0) return rc;
    bool failed = false;
    std::string out;
    std::size_t trials = 0;
    for (const diagnose::TestOutcome& t : diagnose::run_tests(configs)) {
      ++trials;
      failed |= !t.passed;
      out += (t.passed ? "PASS " : "FAIL ") + t.config + "::" + t.test + (t.passed ? "" : ": " + t.message) + "\n";
    }
    out += std::to_string(trials) + " trial(s), " + (failed ? "some failed" : "all passed") + "\n";
    int rc = write_stdout(kCommand, out);
    return rc != 0 ? rc : failed ? 1 : 0;
  }

  std::vector<diagnose::Config> configs;
  if (builtin) {
    try {
      configs = diagnose::load_builtin_configs();
    } catch (const diagnose::ConfigError& e) {
      return config_error(std::string("built-in rules: ") + e.what());
    }
  }
  if (int rc = load(config_paths, configs); rc != 0) return rc;

  // Each snapshot's entries: all of them (configs may select any component).
  std::vector<std::pair<std::string, std::vector<json::Value>>> inputs;
  if (options.sources.empty()) {
    std::fprintf(stderr, "netinspect triage: no SOURCE given: triaging the bundled sample snapshot\n");
    json::Value all = json::parse(netstack::bundled_sample_text());
    inputs.emplace_back("bundled sample", all.is_array() ? all.as_array() : json::Array{all});
  } else {
    std::vector<std::string> paths;
    try {
      paths = source::expand_paths(options.sources, options.input.open);
    } catch (const source::SourceError& error) {
      return usage_error(kCommand, error.what());
    }
    for (const std::string& path : paths) {
      std::vector<json::Value> entries;
      try {
        auto stream = source::open_entries(path, options.input.open);
        source::Entry entry;
        while (stream->next(entry)) entries.push_back(source::parse_entry(*stream, entry));
      } catch (const source::SourceError& error) {
        return usage_error(kCommand, error.what());
      } catch (const json::ParseError& error) {
        return usage_error(kCommand, (path == "-" ? std::string("<stdin>") : path) + ": " + error.what());
      }
      inputs.emplace_back(path == "-" ? "<stdin>" : path, std::move(entries));
    }
  }

  bool warned = false;
  std::vector<Block> blocks;
  for (auto& [label, entries] : inputs) {
    diagnose::Data data;
    data.now_ns = latest_timestamp(entries);
    data.entries = std::move(entries);
    std::vector<diagnose::Finding> findings = diagnose::evaluate(configs, data);
    if (builtin) {
      netstack::LoadOptions load_options;
      if (options.input.moniker) load_options.moniker = *options.input.moniker;
      netstack::Snapshot snapshot = netstack::load_entries(data.entries, label, load_options);
      for (diagnose::Finding& f : diagnose::native_findings(snapshot)) findings.push_back(std::move(f));
    }
    Block block{label, {}};
    for (const diagnose::Finding& f : findings) {
      warned |= f.severity == "warning";
      json::Value row = diagnose::to_json(f);
      if (options.format == OutputFormat::Table) {
        std::string evidence;
        for (const diagnose::Evidence& e : f.evidence)
          evidence += (evidence.empty() ? "" : "; ") + e.selector + " = " + json::to_json(e.value);
        row.mutable_object().set("evidence_text", json::Value::string(evidence));
      }
      block.rows.push_back(std::move(row));
    }
    blocks.push_back(std::move(block));
  }
  std::string out;
  write_blocks(kColumns, keys_of(diagnose::to_json(diagnose::Finding{})), std::move(blocks), options, out);
  int rc = write_stdout(kCommand, out);
  if (rc == 0 && warned) return 1;
  return rc;
}

}  // namespace netinspect::cli
