// netinspect::capture — the kernel's stack-wide counters (/proc/net/snmp,
// snmp6, netstat, sockstat[6]) parsed, then mapped onto netstack2's
// "Networking Stat Counters" names. The parsers are pure functions over text.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json/value.h"

namespace netinspect::capture {

// Malformed /proc text. what() names the file (as given) and the line.
class ProcParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One named group of counters, in file order: "Tcp" {"ActiveOpens": "12", ...}.
// Values stay text (decimal, possibly negative: Tcp MaxConn is -1).
struct CounterGroup {
  std::string name;
  std::vector<std::pair<std::string, std::string>> counters;
};

// /proc/net/snmp and /proc/net/netstat: pairs of lines "Group: Name Name..."
// then "Group: value value...". `file` only names the input in errors.
std::vector<CounterGroup> parse_snmp_text(std::string_view text, std::string_view file);

// /proc/net/snmp6 (and dev_snmp6/*): "Ip6InReceives   5" lines, grouped by
// the prefix before the name: Ip6, Icmp6, Udp6, UdpLite6 ("Icmp6InType133"
// goes to Icmp6 as "InType133").
std::vector<CounterGroup> parse_snmp6_text(std::string_view text, std::string_view file);

// /proc/net/sockstat and sockstat6: "TCP: inuse 1 orphan 0 ..." lines, i.e.
// a group name then name/value pairs ("sockets: used 15").
std::vector<CounterGroup> parse_sockstat_text(std::string_view text, std::string_view file);

// The raw texts one capture reads; a missing file is an empty string (the
// kernel may lack IPv6 or a module), so its counters are simply absent.
struct ProcNetTexts {
  std::string snmp, snmp6, netstat, sockstat, sockstat6;
};

// The whole file; empty when it cannot be read (a table the kernel lacks).
std::string read_text_file(const std::string& path);

// Reads the five files under `dir` (normally "/proc/net"). Never throws for a
// missing file; throws ProcParseError only from the parsers, later.
ProcNetTexts read_proc_net(const std::string& dir);

// `dir`/dev_snmp6/`interface_name` (one interface's IPv6 and ICMPv6 MIB); empty
// when missing (no IPv6 on that link, or a name that cannot be a file).
std::string read_dev_snmp6(const std::string& dir, std::string_view interface_name);

// One NIC's "Network Endpoint Stats" from its dev_snmp6 text: {"IPv6": {"IP":
// {...}, "ICMP": {"PacketsSent": {...}, "PacketsReceived": {...}}, "Linux":
// {"Ip6": ..., "Icmp6": ...}}} with the same names as the stack-wide counters
// (docs/capture.md). Linux keeps no per-interface IPv4 or ARP counters, so
// there is no "IPv4" or "ARP" child. Null Value for an empty text. Throws
// ProcParseError.
json::Value network_endpoint_stats(std::string_view dev_snmp6_text, std::string_view file);

// Totals of every interface's IFLA_STATS64, for the stack-wide "NICs" group.
struct NicTotals {
  bool present = false;
  std::uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  std::uint64_t tx_dropped = 0, rx_nohandler = 0;
};

// The "Networking Stat Counters" node: netstack names where the kernel has a
// counter of the same meaning (docs/capture.md lists each), and every kernel
// counter as read under "Linux" / <file group> / <name>. Throws ProcParseError.
json::Value stat_counters_payload(const ProcNetTexts& texts, const NicTotals& nic_totals);

}  // namespace netinspect::capture
