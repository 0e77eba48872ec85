// netinspect::diagnose — Fuchsia triage configs (`.triage`, JSON5 with
// select / eval / act / test sections) evaluated over snapshot entries, and
// the built-in netstack rules (share/triage/*.triage, compiled in) plus the
// checks the triage language cannot express over raw selectors (native.cc).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "diagnose/expr.h"
#include "inspect/selector.h"
#include "json/value.h"
#include "netstack/snapshot.h"

namespace netinspect::diagnose {

// "FILE: RULE: what is wrong" (RULE omitted when the file itself is bad).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Action {
  std::string name;
  std::string type;       // "Warning" or "Gauge"
  std::string expr_text;  // trigger (Warning) or value (Gauge)
  ExprPtr expr;
  std::string print;      // Warning: the one-line message
  std::string format;     // Gauge: "percentage" or ""
};

struct ConfigTest {
  std::string name;
  std::vector<std::string> yes, no;
  std::optional<json::Value> values;   // name -> value
  std::optional<json::Value> inspect;  // entries
};

struct Config {
  std::string ns;    // the file's base name: other files say `ns::name`
  std::string file;  // for messages
  std::map<std::string, std::string> select_text;
  std::map<std::string, inspect::Selector> select;
  std::map<std::string, std::string> eval_text;
  std::map<std::string, ExprPtr> eval;
  std::vector<Action> actions;  // in file order
  std::vector<ConfigTest> tests;
  std::map<std::string, std::string> defaults;  // eval name -> its text before apply_override
};

// Parses and checks one config (syntax, names, selectors, expressions,
// function names, action types). Throws ConfigError.
Config load_config(std::string_view text, std::string ns, std::string file);
// Cycles between eval names, across all the configs. Throws ConfigError.
void check_cycles(const std::vector<Config>& configs);

struct BuiltinConfig {
  std::string_view name;
  std::string_view text;
};
const std::vector<BuiltinConfig>& builtin_configs();  // generated from share/triage
std::vector<Config> load_builtin_configs();

// What the rules read: entries ({moniker, metadata, payload} or the older
// {path, contents}), annotations (a string map, may be null), the clock.
struct Data {
  std::vector<json::Value> entries;
  json::Value annotations;
  std::optional<std::int64_t> now_ns;
};

// The newest `metadata.timestamp` (ns) among entries: a snapshot's "now".
std::optional<std::int64_t> latest_timestamp(const std::vector<json::Value>& entries);

struct Evidence {
  std::string selector;  // "INSPECT:core/network/netstack:..." or "name = expression"
  json::Value value;
};

struct Finding {
  std::string config;    // namespace
  std::string action;    // action name
  std::string severity;  // "warning" (fired Warning), "info" (Gauge), "error" (trigger could not be evaluated)
  std::string message;   // the hint: a Warning's print, a Gauge's value
  std::vector<Evidence> evidence;
};

// Fired warnings and every gauge; `values` overrides names (tests).
std::vector<Finding> evaluate(const std::vector<Config>& configs, const Data& data,
                              const json::Value& values = json::Value());

struct TestOutcome {
  std::string config, test;
  bool passed = false;
  std::string message;  // what went wrong
};
std::vector<TestOutcome> run_tests(const std::vector<Config>& configs);

// Netstack checks over the typed views that the triage language cannot
// express (per-socket states, per-NIC pairs of flags, route tables...).
struct NativeThresholds {
  std::uint64_t socket_option_ratio = 100;  // MaxSocketOptionStats: max above ratio x median
  std::uint64_t socket_option_min_calls = 1000;  // ... and at least this many calls
  std::uint64_t close_wait_limit = 0;            // fires above this many CLOSE_WAIT sockets
  std::uint64_t syn_sent_limit = 0;              // fires above this many SYN_SENT sockets
  double unknown_port_growth_ratio = 1.0;        // series: unknown-port delta above ratio x received delta
};
std::vector<Finding> native_findings(const netstack::Snapshot& snapshot, const NativeThresholds& thresholds = {});

// The rules that need two snapshots of one device (consecutive SOURCEs, a
// snapshot series directory): UDP unknown-port errors growing faster than
// received datagrams (`unknown_port_growth`). Empty when the counters are
// absent, went backwards (a reboot) or did not move.
std::vector<Finding> pair_findings(const netstack::Snapshot& before, const netstack::Snapshot& after,
                                   const NativeThresholds& thresholds = {});

// The namespace of the native rules, in findings and threshold names.
inline constexpr std::string_view kNativeNamespace = "netstack_native";

// What `triage --list-rules` shows: every rule, its trigger and hint, and
// the thresholds it reads with their defaults and current values.
struct Threshold {
  std::string name;           // "netstack::dropped_limit", "netstack_native::close_wait_limit"
  std::string default_value;  // as written in the config / the built-in default
  std::string value;          // after overrides
};
struct RuleInfo {
  std::string config, rule, type;  // type: "Warning", "Gauge", "native"
  std::string trigger, hint;
  std::vector<Threshold> thresholds;
};
std::vector<RuleInfo> describe_rules(const std::vector<Config>& configs, const NativeThresholds& native,
                                     bool with_native = true);

// Threshold overrides (`triage --set NAME=VALUE`, `--thresholds FILE`). NAME
// is an eval of a loaded config ("netstack::dropped_limit", or just
// "dropped_limit" when exactly one config defines it) or a native threshold
// ("netstack_native::close_wait_limit" or "close_wait_limit"); VALUE is a
// triage expression, a number for native thresholds. The eval's text before
// the first override is kept in Config::defaults. Throws ConfigError
// ("ORIGIN: NAME: what is wrong").
void apply_override(std::vector<Config>& configs, NativeThresholds& native, const std::string& name,
                    const std::string& value, const std::string& origin);

json::Value to_json(const Finding& finding);

}  // namespace netinspect::diagnose
