// Netstack checks the triage language cannot express over raw selectors:
// they pair fields of one socket/NIC, read the route table or the entries'
// timeout errors. Documented in docs/triage.md ("native rules").
#include <algorithm>
#include <cctype>

#include "diagnose/triage.h"
#include "inspect/selector.h"
#include "netstack/views.h"

namespace netinspect::diagnose {

namespace {

const char kNs[] = "netstack_native";

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
  for (const char* state : {"CLOSE_WAIT", "SYN_SENT"}) {
    std::vector<Evidence> evidence;
    for (const netstack::Socket& s : sockets)
      if (s.state == state && evidence.size() < 5)
        evidence.push_back({selector(snapshot, "Socket Info/" + s.id, "State"), json::Value::string(s.state)});
    std::size_t count = static_cast<std::size_t>(
        std::count_if(sockets.begin(), sockets.end(), [&](const netstack::Socket& s) { return s.state == state; }));
    if (count > 0)
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
      if (value > thresholds.socket_option_ratio * median && value >= 1000)
        warn("socket_option_outlier",
             name.substr(21) + " was called " + std::to_string(value) + " times, over " +
                 std::to_string(thresholds.socket_option_ratio) + "x the median option: an app polls it in a loop",
             {{selector(snapshot, "Networking Stat Counters/MaxSocketOptionStats", name.substr(21)),
               json::Value::number(static_cast<double>(value))}});
    }
  }
  return out;
}

}  // namespace netinspect::diagnose
