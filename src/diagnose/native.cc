// Netstack checks the triage language cannot express over raw selectors:
// they pair fields of one socket/NIC, read the route table or the entries'
// timeout errors. Documented in docs/triage.md ("native rules").
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "diagnose/native_rules.h"
#include "diagnose/triage.h"
#include "inspect/selector.h"
#include "netstack/views.h"

namespace netinspect::diagnose {

namespace {

const std::string kNs(kNativeNamespace);

std::string selector(const netstack::Snapshot& snapshot, const std::string& path, const std::string& property) {
  std::string moniker = snapshot.moniker.empty() ? "core/network/netstack" : snapshot.moniker;
  std::string out = "INSPECT:" + inspect::escape_moniker(moniker) + ":";
  std::string::size_type start = 0;
  bool first = true;
  while (start <= path.size()) {
    std::string::size_type end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out += (first ? "" : "/") + inspect::escape_for_selector(path.substr(start, end - start));
    first = false;
    start = end + 1;
  }
  return out + ":" + inspect::escape_for_selector(property);
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::vector<Finding> native_findings(const netstack::Snapshot& snapshot, const NativeThresholds& thresholds) {
  std::vector<Finding> out;
  auto warn = [&](std::string rule, std::string message, std::vector<Evidence> evidence) {
    out.push_back({kNs, std::move(rule), "warning", std::move(message), std::move(evidence)});
  };
  netstack::Surprises ignored;

  // Sockets stuck half-way: a peer that closed while the app never did, or a connect that hangs.
  std::vector<netstack::Socket> sockets = netstack::sockets(snapshot, ignored);
  // gVisor and live capture spell states "SYN-SENT", the sample "SYN_SENT".
  for (netstack::Socket& s : sockets) {
    std::replace(s.state.begin(), s.state.end(), '-', '_');
    for (char& c : s.state) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  for (const char* state : {"CLOSE_WAIT", "SYN_SENT"}) {
    std::vector<Evidence> evidence;
    for (const netstack::Socket& s : sockets)
      if (s.state == state && evidence.size() < 5)
        evidence.push_back({selector(snapshot, "Socket Info/" + s.id, "State"), json::Value::string(s.state)});
    std::size_t count = static_cast<std::size_t>(
        std::count_if(sockets.begin(), sockets.end(), [&](const netstack::Socket& s) { return s.state == state; }));
    std::uint64_t limit = std::string(state) == "CLOSE_WAIT" ? thresholds.close_wait_limit : thresholds.syn_sent_limit;
    if (count > limit)
      warn(lower(state) + "_sockets",
           std::to_string(count) + " socket(s) in " + state +
               (std::string(state) == "CLOSE_WAIT" ? ": the app has not closed them after the peer did"
                                                   : ": connects that get no answer (firewall, route, dead peer)"),
           std::move(evidence));
  }

  std::vector<netstack::Nic> nics = netstack::nics(snapshot, ignored);
  for (const netstack::Nic& nic : nics) {
    std::string path = "NICs/" + (nic.id ? std::to_string(*nic.id) : nic.name);
    std::string label = "NIC " + (nic.id ? std::to_string(*nic.id) + " " : std::string()) + nic.name;
    if (nic.admin_up.value_or(false) && nic.link_online && !*nic.link_online)
      warn("nic_link_down", label + " is enabled but its link is down: cable, radio or driver",
           {{selector(snapshot, path, "AdminUp"), json::Value::boolean(true)},
            {selector(snapshot, path, "LinkOnline"), json::Value::boolean(false)}});
    if (!nic.loopback.value_or(false) && nic.admin_up.value_or(false) && nic.link_online.value_or(false) &&
        nic.addresses.empty())
      warn("nic_without_address", label + " is up with no address: DHCP or SLAAC did not configure it",
           {{selector(snapshot, path, "ProtocolAddress0"), json::Value()}});
    if (nic.dhcp_enabled.value_or(false) && !nic.dhcp_state.empty() && lower(nic.dhcp_state) != "bound")
      warn("dhcp_not_bound", label + " DHCP client is in state " + nic.dhcp_state + ", not Bound: no lease",
           {{selector(snapshot, path + "/DHCP Info", "State"), json::Value::string(nic.dhcp_state)}});
  }

  if (!snapshot.routes.is_null()) {
    std::vector<netstack::Route> routes = netstack::routes(snapshot, ignored);
    bool has_default = std::any_of(routes.begin(), routes.end(), [](const netstack::Route& r) {
      return r.enabled.value_or(true) && (r.destination == "0.0.0.0/0" || r.destination == "::/0");
    });
    if (!has_default)
      warn("no_default_route", "no enabled default route (0.0.0.0/0 or ::/0): only local networks are reachable",
           {{selector(snapshot, "Routes/*", "Destination"), json::Value::number(static_cast<double>(routes.size()))}});
  }

  if (snapshot.health.is_object()) {
    json::Value status = snapshot.health.get("status");
    if (status.is_string() && status.as_string() != "OK")
      warn("health_not_ok", "the netstack reports its health as " + status.as_string(),
           {{selector(snapshot, "root/fuchsia.inspect.Health", "status"), status}});
  }

  for (const netstack::Snapshot::Missing& missing : snapshot.timed_out)
    warn("entry_timed_out",
         "netstack entry " + missing.filename + " has no payload (" +
             (missing.error.empty() ? "timed out" : missing.error) + "): the snapshot is incomplete",
         {{"metadata.filename", json::Value::string(missing.filename)}});

  // One socket option called far more often than the others: an app polling it in a loop.
  std::vector<netstack::Counter> counters = netstack::counters(snapshot, ignored);
  std::vector<std::pair<std::string, std::uint64_t>> options;
  for (const netstack::Counter& c : counters)
    if (c.name.starts_with("MaxSocketOptionStats.") && c.value > 0) options.emplace_back(c.name, c.value);
  if (options.size() >= 3) {
    std::vector<std::uint64_t> values;
    for (const auto& o : options) values.push_back(o.second);
    std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2), values.end());
    std::uint64_t median = values[values.size() / 2];
    for (const auto& [name, value] : options) {
      if (value > thresholds.socket_option_ratio * median && value >= thresholds.socket_option_min_calls)
        warn("socket_option_outlier",
             name.substr(21) + " was called " + std::to_string(value) + " times, over " +
                 std::to_string(thresholds.socket_option_ratio) + "x the median option: an app polls it in a loop",
             {{selector(snapshot, "Networking Stat Counters/MaxSocketOptionStats", name.substr(21)),
               json::Value::number(static_cast<double>(value))}});
    }
  }
  return out;
}

namespace {

// Sum of the named counters present; nullopt when none is.
std::optional<std::uint64_t> counter_sum(const std::vector<netstack::Counter>& counters,
                                         const std::vector<std::string_view>& names) {
  std::optional<std::uint64_t> sum;
  for (const netstack::Counter& c : counters)
    if (std::find(names.begin(), names.end(), c.name) != names.end()) sum = sum.value_or(0) + c.value;
  return sum;
}

}  // namespace

std::vector<Finding> pair_findings(const netstack::Snapshot& before, const netstack::Snapshot& after,
                                   const NativeThresholds& thresholds) {
  std::vector<Finding> out;
  netstack::Surprises ignored;
  std::vector<netstack::Counter> a = netstack::counters(before, ignored), b = netstack::counters(after, ignored);
  // netstack2 names, then netstack3's per-version ones.
  const std::vector<std::string_view> unknown = {"UDP.UnknownPortErrors", "UDP.V4.Rx.Errors.UnknownDstPort",
                                                 "UDP.V6.Rx.Errors.UnknownDstPort"};
  const std::vector<std::string_view> received = {"UDP.PacketsReceived", "UDP.V4.Rx.Received", "UDP.V6.Rx.Received"};
  auto u0 = counter_sum(a, unknown), u1 = counter_sum(b, unknown);
  auto r0 = counter_sum(a, received), r1 = counter_sum(b, received);
  if (!u0 || !u1 || !r0 || !r1 || *u1 < *u0 || *r1 < *r0) return out;  // absent, or a reboot reset them
  std::uint64_t du = *u1 - *u0, dr = *r1 - *r0;
  if (du == 0 || static_cast<double>(du) <= thresholds.unknown_port_growth_ratio * static_cast<double>(dr))
    return out;
  std::string between = before.label + " -> " + after.label;
  if (before.timestamp_ns && after.timestamp_ns && *after.timestamp_ns > *before.timestamp_ns) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(*after.timestamp_ns - *before.timestamp_ns) / 1e9);
    between += " (" + std::string(seconds) + " s)";
  }
  out.push_back({kNs, "unknown_port_growth", "warning",
                 "UDP unknown-port errors grew by " + std::to_string(du) + " while received datagrams grew by " +
                     std::to_string(dr) + " over " + between +
                     ": traffic is arriving for a service that is not listening",
                 {{"delta UDP unknown-port errors", json::Value::number(static_cast<double>(du))},
                  {"delta UDP datagrams received", json::Value::number(static_cast<double>(dr))}}});
  return out;
}

namespace native {

const std::vector<RuleDoc>& rule_docs() {
  static const std::vector<RuleDoc> kDocs = {
      {"close_wait_sockets", "sockets in CLOSE_WAIT > close_wait_limit",
       "the app has not closed them after the peer did", {"close_wait_limit"}},
      {"syn_sent_sockets", "sockets in SYN_SENT > syn_sent_limit",
       "connects that get no answer (firewall, route, dead peer)", {"syn_sent_limit"}},
      {"nic_link_down", "a NIC is admin-up and its link is down", "cable, radio or driver", {}},
      {"nic_without_address", "a non-loopback NIC is up and has no address", "DHCP or SLAAC did not configure it", {}},
      {"dhcp_not_bound", "a NIC's DHCP client is enabled and not in state Bound", "no lease", {}},
      {"no_default_route", "the route table has no enabled 0.0.0.0/0 or ::/0",
       "only local networks are reachable", {}},
      {"health_not_ok", "fuchsia.inspect.Health status is not OK", "the netstack reports itself unhealthy", {}},
      {"entry_timed_out", "a netstack entry has a null payload", "the snapshot is incomplete", {}},
      {"socket_option_outlier",
       "a MaxSocketOptionStats counter > socket_option_ratio x the median option and >= socket_option_min_calls",
       "an app polls that socket option in a loop", {"socket_option_ratio", "socket_option_min_calls"}},
      {"unknown_port_growth",
       "between consecutive snapshots: delta UDP unknown-port errors > unknown_port_growth_ratio x delta received",
       "traffic is arriving for a service that is not listening", {"unknown_port_growth_ratio"}},
  };
  return kDocs;
}

const std::vector<std::string_view>& threshold_names() {
  static const std::vector<std::string_view> kNames = {"close_wait_limit", "syn_sent_limit", "socket_option_ratio",
                                                       "socket_option_min_calls", "unknown_port_growth_ratio"};
  return kNames;
}

namespace {

std::uint64_t* uint_field(NativeThresholds& t, std::string_view name) {
  if (name == "close_wait_limit") return &t.close_wait_limit;
  if (name == "syn_sent_limit") return &t.syn_sent_limit;
  if (name == "socket_option_ratio") return &t.socket_option_ratio;
  if (name == "socket_option_min_calls") return &t.socket_option_min_calls;
  return nullptr;
}

}  // namespace

std::optional<std::string> threshold_text(const NativeThresholds& thresholds, std::string_view name) {
  NativeThresholds copy = thresholds;
  if (std::uint64_t* field = uint_field(copy, name)) return std::to_string(*field);
  if (name == "unknown_port_growth_ratio") {
    char text[32];
    std::snprintf(text, sizeof text, "%g", thresholds.unknown_port_growth_ratio);
    return std::string(text);
  }
  return std::nullopt;
}

bool set_threshold(NativeThresholds& thresholds, std::string_view name, const std::string& value, std::string& error) {
  if (std::uint64_t* field = uint_field(thresholds, name)) {
    std::uint64_t parsed = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (ec != std::errc() || end != value.data() + value.size())
      error = "'" + value + "' is not a whole number >= 0";
    else
      *field = parsed;
    return true;
  }
  if (name == "unknown_port_growth_ratio") {
    char* end = nullptr;
    double parsed = value.empty() ? -1 : std::strtod(value.c_str(), &end);
    if (value.empty() || *end || !std::isfinite(parsed) || parsed < 0)
      error = "'" + value + "' is not a number >= 0";
    else
      thresholds.unknown_port_growth_ratio = parsed;
    return true;
  }
  return false;
}

}  // namespace native

}  // namespace netinspect::diagnose
