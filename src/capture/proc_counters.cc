#include "capture/proc_counters.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>

#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

#include "capture/format.h"
#include "capture/kernel_state.h"
#include "capture/node_builder.h"

namespace netinspect::capture {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

bool is_integer(std::string_view text) { return !integer_literal(text).is_null(); }

[[noreturn]] void fail(std::string_view file, std::size_t line, std::string_view what) {
  throw ProcParseError(std::string(file) + ": line " + std::to_string(line) + ": " + std::string(what));
}

// "Tcp:" -> "Tcp"; empty when the field is not a group label.
std::string_view group_label(std::string_view field) {
  if (field.size() < 2 || field.back() != ':') return {};
  return field.substr(0, field.size() - 1);
}

}  // namespace

std::vector<CounterGroup> parse_snmp_text(std::string_view text, std::string_view file) {
  std::vector<CounterGroup> groups;
  std::vector<std::string_view> lines = split_lines(text);
  std::size_t i = 0;
  while (i < lines.size()) {
    std::vector<std::string_view> names = split_fields(lines[i]);
    if (names.empty()) {
      ++i;
      continue;
    }
    std::string_view group = group_label(names[0]);
    if (group.empty()) fail(file, i + 1, "expected 'Group: Name...' header, got '" + std::string(names[0]) + "'");
    if (i + 1 >= lines.size()) fail(file, i + 1, "header of '" + std::string(group) + "' has no value line");
    std::vector<std::string_view> values = split_fields(lines[i + 1]);
    if (values.empty() || group_label(values[0]) != group) {
      fail(file, i + 2, "expected the values of '" + std::string(group) + "'");
    }
    if (values.size() != names.size()) {
      fail(file, i + 2, "'" + std::string(group) + "' has " + std::to_string(names.size() - 1) + " names but " +
                            std::to_string(values.size() - 1) + " values");
    }
    CounterGroup out{std::string(group), {}};
    out.counters.reserve(names.size() - 1);
    for (std::size_t k = 1; k < names.size(); ++k) {
      if (!is_integer(values[k])) {
        fail(file, i + 2, "'" + std::string(group) + " " + std::string(names[k]) + "' is not an integer: '" +
                              std::string(values[k]) + "'");
      }
      out.counters.emplace_back(std::string(names[k]), std::string(values[k]));
    }
    groups.push_back(std::move(out));
    i += 2;
  }
  return groups;
}

std::vector<CounterGroup> parse_snmp6_text(std::string_view text, std::string_view file) {
  static constexpr std::string_view kPrefixes[] = {"UdpLite6", "Icmp6", "Udp6", "Ip6"};
  std::vector<CounterGroup> groups;
  std::unordered_map<std::string, std::size_t> index;  // group name -> position in groups
  std::vector<std::string_view> lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::string_view> fields = split_fields(lines[i]);
    if (fields.empty()) continue;
    if (fields.size() != 2) fail(file, i + 1, "expected 'Name value'");
    if (!is_integer(fields[1])) fail(file, i + 1, "'" + std::string(fields[0]) + "' is not an integer");
    std::string_view name = fields[0];
    std::string_view group = "Other6";
    for (std::string_view prefix : kPrefixes) {
      if (name.size() > prefix.size() && name.starts_with(prefix)) {
        group = prefix;
        name.remove_prefix(prefix.size());
        break;
      }
    }
    auto [slot, added] = index.emplace(std::string(group), groups.size());
    if (added) groups.push_back({std::string(group), {}});
    groups[slot->second].counters.emplace_back(std::string(name), std::string(fields[1]));
  }
  return groups;
}

std::vector<CounterGroup> parse_sockstat_text(std::string_view text, std::string_view file) {
  std::vector<CounterGroup> groups;
  std::vector<std::string_view> lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::string_view> fields = split_fields(lines[i]);
    if (fields.empty()) continue;
    std::string_view group = group_label(fields[0]);
    if (group.empty()) fail(file, i + 1, "expected 'GROUP: name value...'");
    if (fields.size() % 2 != 1) fail(file, i + 1, "'" + std::string(group) + "' has a name without a value");
    CounterGroup out{std::string(group), {}};
    for (std::size_t k = 1; k + 1 < fields.size(); k += 2) {
      if (!is_integer(fields[k + 1])) {
        fail(file, i + 1, "'" + std::string(group) + " " + std::string(fields[k]) + "' is not an integer");
      }
      out.counters.emplace_back(std::string(fields[k]), std::string(fields[k + 1]));
    }
    groups.push_back(std::move(out));
  }
  return groups;
}

namespace {

// Hex digits only, all of them consumed.
template <typename T>
bool parse_hex(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto result = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

// "0100007F:0001" (the kernel prints each 32-bit word of the address as it
// lies in memory, so copying the words back gives network order) -> bytes, port.
bool parse_proc_endpoint(std::string_view text, int family, std::vector<std::uint8_t>& bytes, std::uint16_t& port) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view hex = text.substr(0, colon);
  std::size_t words = family == AF_INET6 ? 4 : 1;
  if (hex.size() != words * 8) return false;
  bytes.resize(words * 4);
  for (std::size_t w = 0; w < words; ++w) {
    std::uint32_t word = 0;
    if (!parse_hex(hex.substr(w * 8, 8), word)) return false;
    std::memcpy(bytes.data() + w * 4, &word, 4);
  }
  std::string_view port_hex = text.substr(colon + 1);
  return port_hex.size() == 4 && parse_hex(port_hex, port);
}

}  // namespace

std::vector<SocketInfo> parse_proc_socket_table(std::string_view text, int family, unsigned protocol,
                                                std::string_view file) {
  std::vector<SocketInfo> sockets;
  std::vector<std::string_view> lines = split_lines(text);
  for (std::size_t i = 1; i < lines.size(); ++i) {  // line 1 is the header
    std::vector<std::string_view> fields = split_fields(lines[i]);
    if (fields.empty()) continue;
    // sl local remote st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
    if (fields.size() < 13) fail(file, i + 1, "expected 13 fields, got " + std::to_string(fields.size()));
    SocketInfo socket;
    socket.family = family;
    socket.protocol = protocol;
    std::string_view queues = fields[4];
    std::size_t colon = queues.find(':');
    std::uint32_t drops = 0;
    if (!parse_proc_endpoint(fields[1], family, socket.local, socket.local_port) ||
        !parse_proc_endpoint(fields[2], family, socket.remote, socket.remote_port) ||
        !parse_hex(fields[3], socket.state) || colon == std::string_view::npos ||
        !parse_hex(queues.substr(0, colon), socket.send_queue) ||
        !parse_hex(queues.substr(colon + 1), socket.receive_queue) ||
        std::from_chars(fields[7].data(), fields[7].data() + fields[7].size(), socket.uid).ptr !=
            fields[7].data() + fields[7].size() ||
        std::from_chars(fields[9].data(), fields[9].data() + fields[9].size(), socket.inode).ptr !=
            fields[9].data() + fields[9].size() ||
        std::from_chars(fields[12].data(), fields[12].data() + fields[12].size(), drops).ptr !=
            fields[12].data() + fields[12].size()) {
      fail(file, i + 1, "malformed socket line");
    }
    socket.drops = drops;
    if (protocol == IPPROTO_RAW) {  // a raw socket's "port" is its IP protocol
      socket.raw_protocol = socket.local_port;
      socket.local_port = 0;
      socket.remote_port = 0;
    }
    sockets.push_back(std::move(socket));
  }
  return sockets;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ProcNetTexts read_proc_net(const std::string& dir) {
  auto slurp = [&](const char* name) { return read_text_file(dir + "/" + name); };
  return {slurp("snmp"), slurp("snmp6"), slurp("netstat"), slurp("sockstat"), slurp("sockstat6")};
}

std::string read_dev_snmp6(const std::string& dir, std::string_view interface_name) {
  if (interface_name.empty() || interface_name == "." || interface_name == ".." ||
      interface_name.find('/') != std::string_view::npos) {
    return {};
  }
  return read_text_file(dir + "/dev_snmp6/" + std::string(interface_name));
}

namespace {

// One kernel counter that feeds a netstack counter: "Group.Name", added or subtracted.
struct Term {
  std::string_view key;
  int sign = 1;
};

// A netstack counter and the kernel counters whose sum has the same meaning.
// docs/capture.md holds the same table with the reasons; keep them together.
struct Mapping {
  std::string_view netstack_path;
  std::vector<Term> terms;
};

const std::vector<Mapping>& mappings() {
  static const std::vector<Mapping> kMappings = {
      // Netstack counts every inet socket it holds; the kernel's per-protocol "inuse".
      {"SocketCount", {{"TCP.inuse"}, {"UDP.inuse"}, {"UDPLITE.inuse"}, {"RAW.inuse"},
                       {"TCP6.inuse"}, {"UDP6.inuse"}, {"UDPLITE6.inuse"}, {"RAW6.inuse"}}},
      // gVisor's IP stats cover IPv4 and IPv6 together: sum Ip and Ip6.
      {"IP.PacketsReceived", {{"Ip.InReceives"}, {"Ip6.InReceives"}}},
      {"IP.InvalidDestinationAddressesReceived", {{"Ip.InAddrErrors"}, {"Ip6.InAddrErrors"}}},
      {"IP.PacketsDelivered", {{"Ip.InDelivers"}, {"Ip6.InDelivers"}}},
      {"IP.PacketsSent", {{"Ip.OutRequests"}, {"Ip6.OutRequests"}}},
      {"IP.MalformedPacketsReceived", {{"Ip.InHdrErrors"}, {"Ip6.InHdrErrors"}}},
      {"IP.Forwarding.PacketTooBig", {{"Ip6.InTooBigErrors"}}},
      {"ICMP.V4.PacketsReceived.DstUnreachable", {{"Icmp.InDestUnreachs"}}},
      {"ICMP.V4.PacketsReceived.EchoReply", {{"Icmp.InEchoReps"}}},
      {"ICMP.V4.PacketsReceived.EchoRequest", {{"Icmp.InEchos"}}},
      {"ICMP.V4.PacketsReceived.Invalid", {{"Icmp.InErrors"}}},
      {"ICMP.V4.PacketsReceived.ParamProblem", {{"Icmp.InParmProbs"}}},
      {"ICMP.V4.PacketsReceived.Redirect", {{"Icmp.InRedirects"}}},
      {"ICMP.V4.PacketsReceived.SrcQuench", {{"Icmp.InSrcQuenchs"}}},
      {"ICMP.V4.PacketsReceived.TimeExceeded", {{"Icmp.InTimeExcds"}}},
      {"ICMP.V4.PacketsReceived.Timestamp", {{"Icmp.InTimestamps"}}},
      {"ICMP.V4.PacketsReceived.TimestampReply", {{"Icmp.InTimestampReps"}}},
      {"ICMP.V4.PacketsSent.Dropped", {{"Icmp.OutErrors"}}},
      {"ICMP.V4.PacketsSent.DstUnreachable", {{"Icmp.OutDestUnreachs"}}},
      {"ICMP.V4.PacketsSent.EchoReply", {{"Icmp.OutEchoReps"}}},
      {"ICMP.V4.PacketsSent.EchoRequest", {{"Icmp.OutEchos"}}},
      {"ICMP.V4.PacketsSent.ParamProblem", {{"Icmp.OutParmProbs"}}},
      {"ICMP.V4.PacketsSent.RateLimited", {{"Icmp.OutRateLimitGlobal"}, {"Icmp.OutRateLimitHost"}}},
      {"ICMP.V4.PacketsSent.Redirect", {{"Icmp.OutRedirects"}}},
      {"ICMP.V4.PacketsSent.SrcQuench", {{"Icmp.OutSrcQuenchs"}}},
      {"ICMP.V4.PacketsSent.TimeExceeded", {{"Icmp.OutTimeExcds"}}},
      {"ICMP.V4.PacketsSent.Timestamp", {{"Icmp.OutTimestamps"}}},
      {"ICMP.V4.PacketsSent.TimestampReply", {{"Icmp.OutTimestampReps"}}},
      {"ICMP.V6.PacketsReceived.DstUnreachable", {{"Icmp6.InDestUnreachs"}}},
      {"ICMP.V6.PacketsReceived.EchoReply", {{"Icmp6.InEchoReplies"}}},
      {"ICMP.V6.PacketsReceived.EchoRequest", {{"Icmp6.InEchos"}}},
      {"ICMP.V6.PacketsReceived.Invalid", {{"Icmp6.InErrors"}}},
      {"ICMP.V6.PacketsReceived.MulticastListenerDone", {{"Icmp6.InGroupMembReductions"}}},
      {"ICMP.V6.PacketsReceived.MulticastListenerQuery", {{"Icmp6.InGroupMembQueries"}}},
      {"ICMP.V6.PacketsReceived.MulticastListenerReport", {{"Icmp6.InGroupMembResponses"}}},
      {"ICMP.V6.PacketsReceived.MulticastListenerReportV2", {{"Icmp6.InMLDv2Reports"}}},
      {"ICMP.V6.PacketsReceived.NeighborAdvert", {{"Icmp6.InNeighborAdvertisements"}}},
      {"ICMP.V6.PacketsReceived.NeighborSolicit", {{"Icmp6.InNeighborSolicits"}}},
      {"ICMP.V6.PacketsReceived.PacketTooBig", {{"Icmp6.InPktTooBigs"}}},
      {"ICMP.V6.PacketsReceived.ParamProblem", {{"Icmp6.InParmProblems"}}},
      {"ICMP.V6.PacketsReceived.RedirectMsg", {{"Icmp6.InRedirects"}}},
      {"ICMP.V6.PacketsReceived.RouterAdvert", {{"Icmp6.InRouterAdvertisements"}}},
      {"ICMP.V6.PacketsReceived.RouterSolicit", {{"Icmp6.InRouterSolicits"}}},
      {"ICMP.V6.PacketsReceived.TimeExceeded", {{"Icmp6.InTimeExcds"}}},
      {"ICMP.V6.PacketsSent.Dropped", {{"Icmp6.OutErrors"}}},
      {"ICMP.V6.PacketsSent.DstUnreachable", {{"Icmp6.OutDestUnreachs"}}},
      {"ICMP.V6.PacketsSent.EchoReply", {{"Icmp6.OutEchoReplies"}}},
      {"ICMP.V6.PacketsSent.EchoRequest", {{"Icmp6.OutEchos"}}},
      {"ICMP.V6.PacketsSent.MulticastListenerDone", {{"Icmp6.OutGroupMembReductions"}}},
      {"ICMP.V6.PacketsSent.MulticastListenerQuery", {{"Icmp6.OutGroupMembQueries"}}},
      {"ICMP.V6.PacketsSent.MulticastListenerReport", {{"Icmp6.OutGroupMembResponses"}}},
      {"ICMP.V6.PacketsSent.MulticastListenerReportV2", {{"Icmp6.OutMLDv2Reports"}}},
      {"ICMP.V6.PacketsSent.NeighborAdvert", {{"Icmp6.OutNeighborAdvertisements"}}},
      {"ICMP.V6.PacketsSent.NeighborSolicit", {{"Icmp6.OutNeighborSolicits"}}},
      {"ICMP.V6.PacketsSent.PacketTooBig", {{"Icmp6.OutPktTooBigs"}}},
      {"ICMP.V6.PacketsSent.ParamProblem", {{"Icmp6.OutParmProblems"}}},
      {"ICMP.V6.PacketsSent.RateLimited", {{"Icmp6.OutRateLimitHost"}}},
      {"ICMP.V6.PacketsSent.RedirectMsg", {{"Icmp6.OutRedirects"}}},
      {"ICMP.V6.PacketsSent.RouterAdvert", {{"Icmp6.OutRouterAdvertisements"}}},
      {"ICMP.V6.PacketsSent.RouterSolicit", {{"Icmp6.OutRouterSolicits"}}},
      {"ICMP.V6.PacketsSent.TimeExceeded", {{"Icmp6.OutTimeExcds"}}},
      // The kernel's TCP MIB is shared by IPv4 and IPv6, as gVisor's is.
      {"TCP.ActiveConnectionOpenings", {{"Tcp.ActiveOpens"}}},
      {"TCP.ChecksumErrors", {{"Tcp.InCsumErrors"}}},
      {"TCP.CurrentEstablished", {{"Tcp.CurrEstab"}}},
      {"TCP.EstablishedResets", {{"Tcp.EstabResets"}}},
      {"TCP.EstablishedTimedout", {{"TcpExt.TCPAbortOnTimeout"}}},
      {"TCP.FailedConnectionAttempts", {{"Tcp.AttemptFails"}}},
      {"TCP.FastRecovery", {{"TcpExt.TCPRenoRecovery"}}},
      {"TCP.FastRetransmit", {{"TcpExt.TCPFastRetrans"}}},
      {"TCP.InvalidSegmentsReceived", {{"Tcp.InErrs"}}},
      {"TCP.ListenOverflowAckDrop", {{"TcpExt.ListenOverflows"}}},
      {"TCP.ListenOverflowInvalidSynCookieRcvd", {{"TcpExt.SyncookiesFailed"}}},
      {"TCP.ListenOverflowSynCookieRcvd", {{"TcpExt.SyncookiesRecv"}}},
      {"TCP.ListenOverflowSynCookieSent", {{"TcpExt.SyncookiesSent"}}},
      {"TCP.ListenOverflowSynDrop", {{"TcpExt.TCPReqQFullDrop"}}},
      {"TCP.PassiveConnectionOpenings", {{"Tcp.PassiveOpens"}}},
      {"TCP.ResetsSent", {{"Tcp.OutRsts"}}},
      {"TCP.Retransmits", {{"Tcp.RetransSegs"}}},
      {"TCP.SACKRecovery", {{"TcpExt.TCPSackRecovery"}}},
      {"TCP.SegmentsAckedWithDSACK", {{"TcpExt.TCPDSACKRecv"}}},
      {"TCP.SegmentsSent", {{"Tcp.OutSegs"}}},
      {"TCP.SlowStartRetransmits", {{"TcpExt.TCPSlowStartRetrans"}}},
      {"TCP.SpuriousRTORecovery", {{"TcpExt.TCPSpuriousRTOs"}}},
      {"TCP.TLPRecovery", {{"TcpExt.TCPLossProbeRecovery"}}},
      {"TCP.Timeouts", {{"TcpExt.TCPTimeouts"}}},
      // InSegs counts segments received in error too (RFC 1213); gVisor's "valid" does not.
      {"TCP.ValidSegmentsReceived", {{"Tcp.InSegs"}, {"Tcp.InErrs", -1}}},
      // gVisor's UDP stats cover IPv4 and IPv6 together: sum Udp and Udp6.
      {"UDP.ChecksumErrors", {{"Udp.InCsumErrors"}, {"Udp6.InCsumErrors"}}},
      {"UDP.PacketSendErrors", {{"Udp.SndbufErrors"}, {"Udp6.SndbufErrors"}}},
      {"UDP.PacketsReceived", {{"Udp.InDatagrams"}, {"Udp6.InDatagrams"}}},
      {"UDP.PacketsSent", {{"Udp.OutDatagrams"}, {"Udp6.OutDatagrams"}}},
      {"UDP.ReceiveBufferErrors", {{"Udp.RcvbufErrors"}, {"Udp6.RcvbufErrors"}}},
      {"UDP.UnknownPortErrors", {{"Udp.NoPorts"}, {"Udp6.NoPorts"}}},
  };
  return kMappings;
}

// "a.b.c" -> ("a.b", "c")
std::pair<std::string_view, std::string_view> split_last(std::string_view path) {
  std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos) return {{}, path};
  return {path.substr(0, dot), path.substr(dot + 1)};
}

// The sum of the terms found in `by_key`; nullopt when none is there.
std::optional<std::uint64_t> sum_terms(const std::vector<Term>& terms,
                                       const std::unordered_map<std::string, const std::string*>& by_key,
                                       std::string_view only_group = {}) {
  bool any = false;
  long double sum = 0;  // wide enough for a few u64 counters and a negative term
  for (const Term& term : terms) {
    if (!only_group.empty() && !term.key.starts_with(only_group)) continue;
    auto found = by_key.find(std::string(term.key));
    if (found == by_key.end()) continue;
    any = true;
    sum += term.sign * std::stold(*found->second);
  }
  if (!any) return std::nullopt;
  return sum <= 0 ? 0 : static_cast<std::uint64_t>(sum);
}

void index_groups(const std::vector<CounterGroup>& groups, std::unordered_map<std::string, const std::string*>& by_key) {
  for (const CounterGroup& group : groups) {
    for (const auto& [name, value] : group.counters) by_key.emplace(group.name + "." + name, &value);
  }
}

}  // namespace

json::Value network_endpoint_stats(std::string_view dev_snmp6_text, std::string_view file) {
  std::vector<CounterGroup> groups = parse_snmp6_text(dev_snmp6_text, file);
  if (groups.empty()) return json::Value();
  std::unordered_map<std::string, const std::string*> by_key;
  index_groups(groups, by_key);
  // The stack-wide table, narrowed to its IPv6 terms: a NIC's IPv6 endpoint
  // counts what the stack-wide IPv6 counters count, on that NIC only.
  NodeBuilder ipv6;
  for (const Mapping& mapping : mappings()) {
    std::string_view path = mapping.netstack_path;
    std::string_view group;
    if (path.starts_with("IP.")) {
      group = "Ip6.";
    } else if (path.starts_with("ICMP.V6.")) {
      group = "Icmp6.";
      path.remove_prefix(std::string_view("ICMP.V6.").size());
      ipv6.child("ICMP");  // keeps IP before ICMP, as netstack orders them
    } else {
      continue;
    }
    std::optional<std::uint64_t> value = sum_terms(mapping.terms, by_key, group);
    if (!value) continue;
    auto [parent, name] = split_last(path);
    NodeBuilder& node = group == "Icmp6." ? ipv6.child("ICMP").path(parent) : ipv6.path(parent);
    node.set(name, counter(*value));
  }
  NodeBuilder& linux_node = ipv6.child("Linux");
  for (const CounterGroup& group : groups) {
    if (group.name == "Other6") continue;  // "ifIndex": not a counter
    NodeBuilder& node = linux_node.child(group.name);
    for (const auto& [name, value] : group.counters) node.set(name, integer_literal(value));
  }
  NodeBuilder root;
  root.child("IPv6") = std::move(ipv6);
  return root.build();
}

json::Value stat_counters_payload(const ProcNetTexts& texts, const NicTotals& nic_totals) {
  std::vector<CounterGroup> snmp = parse_snmp_text(texts.snmp, "/proc/net/snmp");
  std::vector<CounterGroup> netstat = parse_snmp_text(texts.netstat, "/proc/net/netstat");
  std::vector<CounterGroup> snmp6 = parse_snmp6_text(texts.snmp6, "/proc/net/snmp6");
  std::vector<CounterGroup> sockstat = parse_sockstat_text(texts.sockstat, "/proc/net/sockstat");
  std::vector<CounterGroup> sockstat6 = parse_sockstat_text(texts.sockstat6, "/proc/net/sockstat6");

  std::unordered_map<std::string, const std::string*> by_key;
  for (const auto* file : {&snmp, &netstat, &snmp6, &sockstat, &sockstat6}) index_groups(*file, by_key);

  NodeBuilder root;
  for (const Mapping& mapping : mappings()) {
    std::optional<std::uint64_t> value = sum_terms(mapping.terms, by_key);
    if (!value) continue;
    auto [parent, name] = split_last(mapping.netstack_path);
    NodeBuilder& node = parent.empty() ? root : root.path(parent);
    node.set(name, counter(*value));
  }

  if (nic_totals.present) {
    NodeBuilder& nics = root.child("NICs");
    nics.set("TxPacketsDroppedNoBufferSpace", counter(nic_totals.tx_dropped));
    nics.child("Rx").set("Bytes", counter(nic_totals.rx_bytes));
    nics.child("Rx").set("Packets", counter(nic_totals.rx_packets));
    nics.child("Tx").set("Bytes", counter(nic_totals.tx_bytes));
    nics.child("Tx").set("Packets", counter(nic_totals.tx_packets));
    nics.path("UnknownL3ProtocolRcvdPacketCounts.Total").set_string("Count", std::to_string(nic_totals.rx_nohandler));
  }

  NodeBuilder& linux_node = root.child("Linux");
  for (const auto* file : {&snmp, &netstat, &snmp6}) {
    for (const CounterGroup& group : *file) {
      NodeBuilder& node = linux_node.child(group.name);
      for (const auto& [name, value] : group.counters) node.set(name, integer_literal(value));
    }
  }
  NodeBuilder& sockstat_node = linux_node.child("Sockstat");
  for (const auto* file : {&sockstat, &sockstat6}) {
    for (const CounterGroup& group : *file) {
      NodeBuilder& node = sockstat_node.child(group.name);
      for (const auto& [name, value] : group.counters) node.set(name, integer_literal(value));
    }
  }
  return root.build();
}

}  // namespace netinspect::capture
