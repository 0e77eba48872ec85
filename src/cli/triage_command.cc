// `netinspect triage`: known bad signs in a snapshot, from Fuchsia `.triage`
// configs and the built-in netstack rules (see --help and docs/triage.md).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "capture/capture.h"
#include "cli/commands.h"
#include "cli/view_common.h"
#include "diagnose/json5.h"
#include "diagnose/snapshot_info.h"
#include "diagnose/triage.h"
#include "json/parse.h"
#include "json/write.h"
#include "source/source.h"

namespace netinspect::cli {

namespace {

constexpr const char* kHelp =
    "Usage: netinspect triage [options] [SOURCE...]\n"
    "       netinspect triage --live-interval SECONDS [options]\n"
    "       netinspect triage --test FILE.triage...\n"
    "       netinspect triage --list-rules [--config FILE] [--set NAME=VALUE]\n"
    "\n"
    "Runs triage rules over each snapshot and prints the findings: severity,\n"
    "rule, a one-line hint, and the evidence (each selector and its value).\n"
    "The built-in netstack rules (share/triage/netstack.triage, compiled in,\n"
    "plus native checks of sockets, NICs, routes, DHCP, health, timed-out\n"
    "entries and socket-option outliers) run unless --no-builtin is given.\n"
    "Configs use Fuchsia's `.triage` format (JSON5 with select, eval, act and\n"
    "test sections); see docs/triage.md.\n"
    "\n"
    "With two or more SOURCEs (or a directory of snapshots from `netinspect\n"
    "snapshot --interval`), they are read as a series of one device in that\n"
    "order, and the rules over consecutive pairs also run (UDP unknown-port\n"
    "errors growing faster than received datagrams); their findings go with\n"
    "the later snapshot. A snapshot .zip's annotations.json feeds Annotation()\n"
    "and, with metadata.json, names the build and device above the table.\n"
    "\n"
    "Options:\n"
    "      --config FILE         also run this .triage config (repeatable; its\n"
    "                            namespace is the file's base name)\n"
    "      --no-builtin          only the --config rules\n"
    "      --set NAME=VALUE      override a threshold (repeatable): an eval of a\n"
    "                            config (netstack::dropped_limit=10, or just\n"
    "                            dropped_limit when one config has it) or a\n"
    "                            native one (close_wait_limit=5)\n"
    "      --thresholds FILE     overrides from a JSON5 file: {NAME: VALUE, ...}\n"
    "                            (applied before --set)\n"
    "      --list-rules          list every rule with its trigger, hint and\n"
    "                            thresholds (value and default); no SOURCE read\n"
    "      --live-interval SECONDS\n"
    "                            capture this host twice, SECONDS apart, and\n"
    "                            triage the pair (single and pair rules)\n"
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
    "  netinspect triage                       # this host, live\n"
    "  netinspect triage --json snapshot.zip\n"
    "  netinspect triage before.json after.json\n"
    "  netinspect triage --live-interval 5\n"
    "  netinspect triage --set dropped_limit=100 --set close_wait_limit=3 inspect.json\n"
    "  netinspect triage --config my.triage --no-builtin inspect.json\n"
    "  netinspect triage --list-rules\n"
    "  netinspect triage --test my.triage\n";

const std::vector<Column> kColumns = {
    {"severity", "SEVERITY", false, false, true},
    {"rule", "RULE", false, false, false},
    {"message", "HINT", false, true, false},
    {"evidence_text", "EVIDENCE", false, true, false},
};

const std::vector<Column> kRuleColumns = {
    {"name", "RULE", false, false, false},
    {"type", "TYPE", false, false, false},
    {"trigger", "TRIGGER", false, true, false},
    {"thresholds_text", "THRESHOLDS (DEFAULT)", false, true, false},
    {"hint", "HINT", false, true, false},
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

// A --thresholds file's value as the text --set takes.
std::optional<std::string> override_text(const json::Value& value) {
  if (value.is_number()) return json::to_json(value);
  if (value.is_bool()) return value.truthy() ? "True()" : "False()";
  if (value.is_string()) return value.as_string();
  return std::nullopt;
}

struct Input {
  std::string label;
  std::vector<json::Value> entries;
  diagnose::SnapshotInfo info;
};

}  // namespace

int run_triage_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "triage";
  ViewOptions options;
  std::vector<std::string> config_paths, test_paths, threshold_paths;
  std::vector<std::pair<std::string, std::string>> sets;
  bool builtin = true, list_rules = false;
  std::optional<double> live_interval;
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
    if (arg == "--list-rules") {
      list_rules = true;
      ++i;
      continue;
    }
    bool taken = false;
    for (auto [name, list] : {std::pair{"--config", &config_paths}, std::pair{"--test", &test_paths},
                              std::pair{"--thresholds", &threshold_paths}}) {
      if (taken || !take_value(argc, argv, i, name, value, error)) continue;
      if (!error.empty()) return usage_error(kCommand, error);
      list->push_back(value);
      taken = true;
    }
    if (taken) continue;
    if (take_value(argc, argv, i, "--set", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == value.size())
        return usage_error(kCommand, "--set takes NAME=VALUE, not '" + value + "'");
      sets.emplace_back(value.substr(0, eq), value.substr(eq + 1));
      continue;
    }
    if (take_live_interval(argc, argv, i, live_interval, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      continue;
    }
    if (std::optional<int> rc = take_view_option_or_source(kCommand, argc, argv, i, options)) return *rc;
  }
  if (live_interval && !options.sources.empty())
    return usage_error(kCommand, "--live-interval captures this host; it takes no SOURCE");

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

  diagnose::NativeThresholds thresholds;
  try {
    for (const std::string& path : threshold_paths) {
      std::string text, error;
      if (!read_file(path, text, error)) return config_error(error);
      json::Value root;
      try {
        root = diagnose::parse_json5(text);
      } catch (const diagnose::Json5Error& e) {
        return config_error(path + ": bad JSON5: " + e.what());
      }
      if (!root.is_object()) return config_error(path + ": a thresholds file is an object {NAME: VALUE, ...}");
      for (const auto& [name, value] : root.as_object()) {
        std::optional<std::string> text_value = override_text(value);
        if (!text_value) return config_error(path + ": " + name + ": a threshold is a number, boolean or expression");
        diagnose::apply_override(configs, thresholds, name, *text_value, path);
      }
    }
    for (const auto& [name, value] : sets) diagnose::apply_override(configs, thresholds, name, value, "--set");
  } catch (const diagnose::ConfigError& e) {
    return config_error(e.what());
  }

  if (list_rules) {
    std::vector<json::Value> rows;
    for (const diagnose::RuleInfo& rule : diagnose::describe_rules(configs, thresholds, builtin)) {
      json::Object o;
      o.set("name", json::Value::string(rule.config + "::" + rule.rule));
      o.set("config", json::Value::string(rule.config));
      o.set("rule", json::Value::string(rule.rule));
      o.set("type", json::Value::string(rule.type));
      o.set("trigger", json::Value::string(rule.trigger));
      o.set("hint", json::Value::string(rule.hint));
      json::Array list;
      std::string text;
      for (const diagnose::Threshold& t : rule.thresholds) {
        json::Object item;
        item.set("name", json::Value::string(t.name));
        item.set("value", json::Value::string(t.value));
        item.set("default", json::Value::string(t.default_value));
        list.push_back(json::Value::object(std::move(item)));
        text += (text.empty() ? "" : ", ") + t.name.substr(t.name.find("::") + 2) + "=" + t.value +
                (t.value == t.default_value ? "" : " (" + t.default_value + ")");
      }
      o.set("thresholds", json::Value::array(std::move(list)));
      if (options.format == OutputFormat::Table) o.set("thresholds_text", json::Value::string(text));
      rows.push_back(json::Value::object(std::move(o)));
    }
    std::string out;
    std::vector<std::string> keys = rows.empty() ? std::vector<std::string>{} : keys_of(rows[0]);
    write_blocks(kRuleColumns, keys, {Block{"rules", std::move(rows)}}, options, out);
    return write_stdout(kCommand, out);
  }

  // Each snapshot's entries: all of them (configs may select any component).
  std::vector<Input> inputs;
  if (live_interval) {
    for (const char* label : {"live capture 1", "live capture 2"}) {
      if (!inputs.empty()) sleep_seconds(*live_interval);
      try {
        inputs.push_back({label, capture_host_entries(kCommand, options), {}});
      } catch (const capture::CaptureError& error) {
        return usage_error(kCommand, std::string("live capture failed: ") + error.what());
      }
    }
  } else {
    std::vector<EntrySet> sets;
    if (int rc = load_entry_sets(kCommand, options, sets); rc != 0) return rc;
    for (EntrySet& set : sets) {
      diagnose::SnapshotInfo info;
      if (!set.path.empty()) info = diagnose::read_snapshot_info(set.path, options.input.open);
      inputs.push_back({std::move(set.label), std::move(set.entries), std::move(info)});
    }
  }

  bool warned = false;
  std::vector<Block> blocks;
  std::string out;
  std::optional<netstack::Snapshot> previous;
  for (Input& input : inputs) {
    if (options.format == OutputFormat::Table) {
      std::string about = diagnose::describe(input.info);
      if (!about.empty()) out += "# " + input.label + ": " + about + "\n";
    }
    diagnose::Data data;
    data.now_ns = diagnose::latest_timestamp(input.entries);
    data.entries = std::move(input.entries);
    data.annotations = input.info.annotations.is_object() ? input.info.annotations : json::Value::object();
    std::vector<diagnose::Finding> findings = diagnose::evaluate(configs, data);
    if (builtin) {
      netstack::LoadOptions load_options;
      if (options.input.moniker) load_options.moniker = *options.input.moniker;
      netstack::Snapshot snapshot = netstack::load_entries(data.entries, input.label, load_options);
      for (diagnose::Finding& f : diagnose::native_findings(snapshot, thresholds)) findings.push_back(std::move(f));
      if (previous)
        for (diagnose::Finding& f : diagnose::pair_findings(*previous, snapshot, thresholds))
          findings.push_back(std::move(f));
      previous = std::move(snapshot);
    }
    Block block{input.label, {}};
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
  write_blocks(kColumns, keys_of(diagnose::to_json(diagnose::Finding{})), std::move(blocks), options, out);
  int rc = write_stdout(kCommand, out);
  if (rc == 0 && warned) return 1;
  return rc;
}

}  // namespace netinspect::cli
