#include "gen/generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "gen/netstack_schema.h"
#include "gen/pprof_writer.h"
#include "gen/prng.h"

namespace netinspect::gen {
namespace {

// PRNG families: each kind of item draws from its own stream.
enum Family : std::uint64_t { kLayout = 1, kSocket, kNic, kCounters, kComponent, kPprof, kRoute };

constexpr std::string_view kNetstackUrl = "fuchsia-pkg://fuchsia.com/netstack#meta/netstack.cm";
constexpr std::uint64_t kBaseTimestamp = 86412345678901ULL;

std::string decimal(std::uint64_t value) {
  char digits[24];
  return std::string(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

std::string hex_byte(std::uint64_t b) {
  static constexpr char kHex[] = "0123456789abcdef";
  return {kHex[(b >> 4) & 15], kHex[b & 15]};
}

// ---------------------------------------------------------------- counters

// Walks a spec of netstack_schema.h, writing uint counters. `override_value`
// may replace a leaf's value (parent node name, leaf name).
using Override = std::function<bool(std::string_view parent, std::string_view name, std::uint64_t& value)>;

void emit_spec(Emitter& e, Prng& prng, std::string_view spec, unsigned zero_percent = 55,
               const Override& override_value = nullptr) {
  std::vector<std::string_view> parents{""};
  std::size_t pos = 0;
  while (pos < spec.size()) {
    if (spec[pos] == ' ') {
      ++pos;
      continue;
    }
    std::size_t end = spec.find(' ', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view token = spec.substr(pos, end - pos);
    pos = end;
    if (token == "}") {
      e.end_object();
      parents.pop_back();
    } else if (token.back() == '{') {
      token.remove_suffix(1);
      e.key(token);
      e.begin_object();
      parents.push_back(token);
    } else if (token.back() == '#') {
      // An IntegralStatCounterMap: {"Total":{"Count":"n"}, "<key>":{"Count":"n"}}, as strings.
      token.remove_suffix(1);
      e.key(token);
      e.begin_object();
      std::uint64_t extra = prng.percent(20) ? prng.between(1, 3) : 0;
      std::vector<std::uint64_t> counts;
      std::uint64_t total = 0;
      for (std::uint64_t i = 0; i < extra; ++i) total += counts.emplace_back(prng.between(1, 50));
      e.key("Total");
      e.begin_object();
      e.member("Count", decimal(total));
      e.end_object();
      for (std::uint64_t i = 0; i < extra; ++i) {
        e.key(decimal(prng.between(1, 255)));
        e.begin_object();
        e.member("Count", decimal(counts[i]));
        e.end_object();
      }
      e.end_object();
    } else {
      std::uint64_t value = prng.counter(zero_percent);
      if (override_value) override_value(parents.back(), token, value);
      e.member_uint(token, value);
    }
  }
}

void emit_option_stats(Emitter& e, Prng& prng, const std::vector<std::string_view>& keys) {
  for (std::string_view key : keys) e.member_uint(key, prng.percent(60) ? 0 : prng.below(40));
}

// ---------------------------------------------------------------- NICs

struct Nic {
  std::uint64_t id = 0;
  std::string name;
  std::string device_class;  // "" for loopback
  std::string mac;
  std::string v4;  // address without prefix
  std::uint64_t v4_prefix = 24;
  std::string v4_subnet;  // "192.168.3.0/24"
  std::string gateway;    // "" when none
  std::string v6_link_local;
  std::string v6_global;  // "" when none
  bool dhcp = false;
  bool up = true;
  std::uint64_t mtu = 1500;
};

Nic make_nic(std::uint64_t seed, std::uint64_t id) {
  Nic nic;
  nic.id = id;
  if (id == 1) {
    nic.name = "lo";
    nic.mac = "00:00:00:00:00:00";
    nic.v4 = "127.0.0.1";
    nic.v4_prefix = 8;
    nic.v4_subnet = "127.0.0.0/8";
    nic.v6_link_local = "::1";
    nic.mtu = 65522;
    return nic;
  }
  Prng prng = derive(seed, kNic, id);
  std::array<std::uint64_t, 6> mac{};
  for (auto& b : mac) b = prng.below(256);
  mac[0] = (mac[0] & 0xfc);  // unicast, globally administered
  for (std::size_t i = 0; i < mac.size(); ++i) nic.mac += (i ? ":" : "") + hex_byte(mac[i]);
  switch (prng.below(4)) {
    case 0:
    case 1:
      nic.device_class = "Ethernet";
      nic.name = "ethx" + decimal(id);
      break;
    case 2:
      nic.device_class = "Wlan";
      nic.name = "wlanx" + hex_byte(mac[5]);
      break;
    default:
      nic.device_class = "Virtual";
      nic.name = "vnet" + decimal(id);
      nic.mtu = 1280 + prng.below(4) * 64;
  }
  const std::uint64_t n = id - 1;
  std::string net = n < 256 ? "192.168." + decimal(n) : "10." + decimal((n >> 8) & 255) + "." + decimal(n & 255);
  nic.v4 = net + "." + decimal(prng.between(2, 250));
  nic.v4_subnet = net + ".0/24";
  nic.gateway = prng.percent(80) ? net + ".1" : "";
  auto group = [&](std::uint64_t a, std::uint64_t b) {
    char text[8];
    return std::string(text, std::to_chars(text, text + sizeof text, a << 8 | b, 16).ptr);
  };
  std::string iid = group(mac[0] ^ 2, mac[1]) + ":" + group(mac[2], 0xff) + ":" + group(0xfe, mac[3]) + ":" +
                    group(mac[4], mac[5]);
  nic.v6_link_local = "fe80::" + iid;
  if (prng.percent(60)) nic.v6_global = "2001:db8:" + group(n >> 8, n & 255) + "::" + iid;
  nic.dhcp = nic.device_class != "Virtual" && prng.percent(75);
  nic.up = prng.percent(90);
  return nic;
}

void emit_dhcp_info(Emitter& e, Prng& prng, const Nic& nic) {
  static constexpr std::string_view kStates[] = {"bound", "bound", "bound", "renewing", "rebinding",
                                                 "initSelecting"};
  std::string_view state = prng.pick(kStates);
  bool has_lease = state != "initSelecting";
  std::string address = has_lease ? nic.v4 + "/24" : "[none]";
  std::string server = nic.gateway.empty() ? nic.v4_subnet.substr(0, nic.v4_subnet.size() - 4) + "1" : nic.gateway;
  std::uint64_t lease_seconds = std::uint64_t{3600} << prng.below(5);
  std::uint64_t nanos = prng.below(1000000000);
  auto at = [&](std::uint64_t seconds) {
    std::string frac = decimal(nanos);
    return "m=+" + decimal(seconds) + "." + std::string(9 - frac.size(), '0') + frac;
  };
  auto duration = [](std::uint64_t seconds) {
    return decimal(seconds / 3600) + "h" + decimal(seconds / 60 % 60) + "m" + decimal(seconds % 60) + "s";
  };
  e.key("DHCP Info");
  e.begin_object();
  e.member("State", state);
  e.member("AcquiredAddress", address);
  e.member("AssignedAddress", address);
  e.member("Acquisition", "1m0s");
  e.member("Backoff", "1s");
  e.member("Retransmission", "4s");
  std::uint64_t now = 86400 + prng.below(3600);
  e.member("LeaseExpiration", has_lease ? at(now + lease_seconds) : "m=+0.000000000");
  e.member("RenewTime", has_lease ? at(now + lease_seconds / 2) : "m=+0.000000000");
  e.member("RebindTime", has_lease ? at(now + lease_seconds * 7 / 8) : "m=+0.000000000");
  e.member("Config.ServerAddress", has_lease ? server : "[none]");
  e.member("Config.SubnetMask", has_lease ? "ffffff00" : "[none]");
  if (has_lease) {
    e.member("Config.Router0", server);
    e.member("Config.DNS0", server);
    if (prng.percent(40)) e.member("Config.DNS1", "8.8.8.8");
  }
  e.member("Config.LeaseLength", duration(lease_seconds));
  e.member("Config.RenewTime", duration(lease_seconds / 2));
  e.member("Config.RebindTime", duration(lease_seconds * 7 / 8));
  e.member("Config.Declined", prng.percent(5) ? "true" : "false");
  e.key("Stats");
  e.begin_object();
  e.key("PacketDiscardStats");
  e.begin_object();
  emit_spec(e, prng, "InvalidPort# InvalidTransProto# InvalidPacketType#");
  e.end_object();
  emit_spec(e, prng, kDhcpStatsSpec, 70);
  e.end_object();
  e.key("DHCP State Recent History");
  e.begin_object();
  static constexpr std::string_view kHistory[] = {"initSelecting", "bound", "renewing", "bound", "rebinding"};
  std::uint64_t entries = prng.between(1, 8);
  std::uint64_t t = 5000000000ULL;
  for (std::uint64_t i = 0; i < entries; ++i) {
    e.key(decimal(i));
    e.begin_object();
    e.member("@time", decimal(t));
    e.member("value", kHistory[i % std::size(kHistory)]);
    e.end_object();
    t += 3600000000000ULL + prng.below(1000000000000ULL);
  }
  e.end_object();
  e.end_object();
}

void emit_nic(Emitter& e, std::uint64_t seed, const Nic& nic) {
  Prng prng = derive(seed, kNic, nic.id + (1ULL << 40));
  const bool loopback = nic.id == 1;
  e.key(decimal(nic.id));
  e.begin_object();
  e.member("Name", nic.name);
  e.member("NICID", decimal(nic.id));
  e.member("AdminUp", nic.up ? "true" : "false");
  e.member("LinkOnline", nic.up ? "true" : "false");
  e.member("Up", nic.up ? "true" : "false");
  e.member("Running", nic.up ? "true" : "false");
  e.member("Loopback", loopback ? "true" : "false");
  e.member("Promiscuous", "false");
  e.member("LinkAddress", nic.mac);
  std::uint64_t index = 0;
  e.member("ProtocolAddress" + decimal(index++), "[ipv4] " + nic.v4 + "/" + decimal(nic.v4_prefix));
  e.member("ProtocolAddress" + decimal(index++), "[ipv6] " + nic.v6_link_local + (loopback ? "/128" : "/64"));
  if (!nic.v6_global.empty()) e.member("ProtocolAddress" + decimal(index++), "[ipv6] " + nic.v6_global + "/64");
  if (!loopback && !nic.gateway.empty()) e.member("DNS server0", nic.gateway);
  e.member("DHCP enabled", nic.dhcp ? "true" : "false");
  e.member_uint("MTU", nic.mtu);
  e.key("Stats");
  e.begin_object();
  emit_spec(e, prng, kNicStatsSpec, 40);
  e.end_object();
  e.key("Network Endpoint Stats");
  e.begin_object();
  emit_spec(e, prng, kNetworkEndpointStatsSpec, 60);
  e.end_object();
  if (nic.dhcp) emit_dhcp_info(e, prng, nic);
  if (!loopback) {
    e.key("Neighbors");
    e.begin_object();
    static constexpr std::string_view kNeighborStates[] = {"Reachable", "Stale", "Stale", "Delay",
                                                           "Probe",     "Static", "Unreachable", "Incomplete"};
    std::uint64_t neighbors = prng.below(5);
    for (std::uint64_t i = 0; i < neighbors; ++i) {
      std::string ip = i == 0 && !nic.gateway.empty()
                           ? nic.gateway
                           : nic.v4_subnet.substr(0, nic.v4_subnet.size() - 4) + decimal(prng.between(2, 254));
      e.key(ip);
      e.begin_object();
      std::string mac;
      for (int b = 0; b < 6; ++b) mac += (b ? ":" : "") + hex_byte(prng.below(256));
      e.member("Link address", mac);
      e.member("State", prng.pick(kNeighborStates));
      e.key("Last updated");
      e.integer(static_cast<std::int64_t>(86000000000000ULL + prng.below(400000000000ULL)));
      e.end_object();
    }
    e.end_object();
    e.key("Network Device Info");
    e.begin_object();
    e.member("Class", nic.device_class);
    e.member_uint("TxDrops", prng.counter(70));
    for (std::string_view histogram : {"RxReads", "RxWrites", "TxReads", "TxWrites"}) {
      e.key(histogram);
      e.begin_object();
      std::uint64_t batch = 0;
      std::uint64_t buckets = prng.below(10);
      for (std::uint64_t i = 0; i < buckets; ++i) {
        batch += prng.between(1, 8);
        e.member_uint(decimal(batch), prng.between(1, 100000));
      }
      e.end_object();
    }
    e.end_object();
  }
  e.end_object();
}

// ---------------------------------------------------------------- sockets

enum class SocketKind : std::uint8_t { Tcp, Udp, Icmp, Raw, Packet };

struct TcpState {
  std::string_view name;
  unsigned weight;
  bool established;  // counted by CurrentEstablished
  bool connected;    // counted by CurrentConnected
};
constexpr TcpState kTcpStates[] = {
    {"ESTABLISHED", 45, true, true}, {"LISTEN", 15, false, false},    {"TIME-WAIT", 10, false, true},
    {"CLOSE-WAIT", 6, true, true},   {"SYN-SENT", 4, false, false},   {"FIN-WAIT1", 3, false, true},
    {"FIN-WAIT2", 3, false, true},   {"LAST-ACK", 2, false, true},    {"CLOSING", 1, false, true},
    {"CLOSED", 4, false, false},     {"BOUND", 3, false, false},      {"INITIAL", 2, false, false},
    {"CONNECTING", 1, false, false}, {"SYN-RCVD", 1, false, true},
};
constexpr std::string_view kUdpStates[] = {"BOUND", "BOUND", "CONNECTED", "INITIAL", "CLOSED"};

struct SocketShape {
  SocketKind kind;
  bool v6;
  std::size_t state;  // index into kTcpStates or kUdpStates
};

// The first draws of a socket's stream: shared by the census and the writer.
SocketShape draw_shape(Prng& prng) {
  SocketShape shape{};
  std::uint64_t k = prng.below(100);
  shape.kind = k < 55 ? SocketKind::Tcp : k < 85 ? SocketKind::Udp : k < 93 ? SocketKind::Icmp
               : k < 97 ? SocketKind::Raw : SocketKind::Packet;
  shape.v6 = prng.percent(35);
  if (shape.kind == SocketKind::Tcp) {
    std::uint64_t w = prng.below(100);
    for (shape.state = 0; shape.state + 1 < std::size(kTcpStates) && w >= kTcpStates[shape.state].weight;
         ++shape.state) {
      w -= kTcpStates[shape.state].weight;
    }
  } else if (shape.kind == SocketKind::Udp) {
    shape.state = prng.below(std::size(kUdpStates));
  }
  return shape;
}

std::string join_host_port(const std::string& host, std::uint64_t port, bool v6) {
  return v6 ? "[" + host + "]:" + decimal(port) : host + ":" + decimal(port);
}

void emit_socket(Emitter& e, std::uint64_t seed, std::uint64_t index, const std::vector<Nic>& nics) {
  Prng prng = derive(seed, kSocket, index);
  SocketShape shape = draw_shape(prng);
  const Nic& nic = nics.size() > 1 ? nics[1 + prng.below(nics.size() - 1)] : nics[0];
  std::string network = shape.kind == SocketKind::Packet ? "UNKNOWN" : shape.v6 ? "IPv6" : "IPv4";
  std::string transport, state, local, remote;
  std::string any = shape.v6 ? "::" : "0.0.0.0";
  std::string self = shape.v6 ? (nic.v6_global.empty() ? nic.v6_link_local : nic.v6_global) : nic.v4;
  std::string peer = shape.v6 ? "2607:f8b0:4005:80" + hex_byte(prng.below(256)) + "::200e"
                              : decimal(prng.between(1, 223)) + "." + decimal(prng.below(256)) + "." +
                                    decimal(prng.below(256)) + "." + decimal(prng.between(1, 254));
  std::uint64_t register_nic = 0, bind_nic = 0;
  switch (shape.kind) {
    case SocketKind::Tcp: {
      transport = "TCP";
      state = kTcpStates[shape.state].name;
      if (state == "LISTEN") {
        static constexpr std::uint64_t kPorts[] = {22, 80, 443, 8080, 5353, 9000};
        local = join_host_port(any, prng.pick(kPorts), shape.v6);
        remote = join_host_port(any, 0, shape.v6);
      } else if (state == "INITIAL" || state == "CLOSED") {
        local = join_host_port(any, 0, shape.v6);
        remote = join_host_port(any, 0, shape.v6);
      } else {
        static constexpr std::uint64_t kPorts[] = {443, 443, 443, 80, 8443, 5228, 22};
        local = join_host_port(self, prng.between(32768, 60999), shape.v6);
        remote = join_host_port(peer, prng.pick(kPorts), shape.v6);
        register_nic = nic.id;
      }
      break;
    }
    case SocketKind::Udp:
      transport = "UDP";
      state = kUdpStates[shape.state];
      local = state == "INITIAL" ? join_host_port(any, 0, shape.v6)
                                 : join_host_port(self, shape.v6 ? 546 : prng.between(32768, 60999), shape.v6);
      remote = state == "CONNECTED" ? join_host_port(nic.gateway.empty() || shape.v6 ? peer : nic.gateway, 53,
                                                     shape.v6)
                                    : join_host_port(any, 0, shape.v6);
      if (state != "INITIAL") register_nic = nic.id;
      if (shape.v6 && state == "BOUND") bind_nic = nic.id;
      break;
    case SocketKind::Icmp:
      transport = shape.v6 ? "ICMPv6" : "ICMPv4";
      local = remote = join_host_port(any, 0, shape.v6);
      break;
    case SocketKind::Raw:
      transport = "UNKNOWN";
      local = remote = join_host_port(any, 0, shape.v6);
      break;
    case SocketKind::Packet:
      transport = "UNKNOWN";
      local = remote = "<nil>:0";
      break;
  }
  e.key(decimal(index + 1));
  e.begin_object();
  e.member("NetworkProtocol", network);
  e.member("TransportProtocol", transport);
  e.member("State", state);
  e.member("LocalAddress", local);
  e.member("RemoteAddress", remote);
  e.member("BindAddress", "");
  e.member("BindNICID", decimal(bind_nic));
  e.member("RegisterNICID", decimal(register_nic));
  e.key("Stats");
  e.begin_object();
  emit_spec(e, prng, shape.kind == SocketKind::Tcp ? kTcpSocketStatsSpec : kTransportStatsSpec, 70);
  e.end_object();
  e.key("Socket Option Stats");
  e.begin_object();
  const SchemaKeys& keys = schema_keys();
  emit_option_stats(e, prng,
                    shape.kind == SocketKind::Tcp   ? keys.tcp_socket_options
                    : shape.kind == SocketKind::Raw ? keys.raw_socket_options
                                                    : keys.socket_options);
  e.end_object();
  e.end_object();
}

// A bijection of [0, n) so socket ids come out in Go sync.Map-like random order.
struct Shuffle {
  std::uint64_t n, a, b;
  Shuffle(std::uint64_t n_, Prng& prng) : n(n_), a(1), b(0) {
    if (n < 2) return;
    b = prng.below(n);
    a = prng.between(1, n - 1) | 1;
    while (std::gcd(a, n) != 1) a = a + 2 < n ? a + 2 : 1;
  }
  std::uint64_t operator()(std::uint64_t i) const {
    return n < 2 ? i : static_cast<std::uint64_t>((static_cast<Uint128>(a) * i + b) % n);
  }
};

// ---------------------------------------------------------------- entries

void begin_entry(Emitter& e, std::string_view name_key, std::string_view name, std::string_view url,
                 std::uint64_t timestamp, std::string_view moniker) {
  e.begin_object();
  e.member("data_source", "Inspect");
  e.key("metadata");
  e.begin_object();
  e.member(name_key, name);
  e.member("component_url", url);
  e.member_uint("timestamp", timestamp);
  e.end_object();
  e.member("moniker", moniker);
  e.key("payload");
}

void end_entry(Emitter& e) {
  e.member_uint("version", 1);
  e.end_object();
}

class Writer {
 public:
  Writer(const GenOptions& options, const Sink& sink)
      : options_(options), e_(sink, options.pretty), census_(socket_census(options)) {
    for (std::uint64_t id = 1; id <= std::max<std::uint64_t>(options.nics, 1); ++id) {
      nics_.push_back(make_nic(options.seed, id));
    }
  }

  GenSummary run();

 private:
  void separator() {
    e_.raw(summary_.entries++ == 0 ? "[\n" : ",\n");
  }
  void netstack_entry(std::string_view dir, std::uint64_t offset) {
    std::string filename = dir == "pprof" ? "pprof/now.inspect" : std::string(dir) + "/fuchsia.inspect.deprecated.Inspect";
    begin_entry(e_, "filename", filename, kNetstackUrl, kBaseTimestamp + offset * 1000000, kNetstackMoniker);
  }
  void special(std::size_t which);
  void counters();
  void component(std::uint64_t index);
  void random_node(Prng& prng, std::uint64_t depth, std::uint64_t budget_end);
  void random_property(Prng& prng, std::string_view name);

  const GenOptions& options_;
  Emitter e_;
  SocketCensus census_;
  std::vector<Nic> nics_;
  GenSummary summary_;
};

constexpr std::size_t kSpecialCount = 10;  // nine netstack sources + the timed-out component

void Writer::special(std::size_t which) {
  separator();
  Prng prng = derive(options_.seed, kCounters, which);
  switch (which) {
    case 0:
      netstack_entry("root", 0);
      e_.begin_object();
      e_.key("root");
      e_.begin_object();
      e_.key("fuchsia.inspect.Health");
      e_.begin_object();
      e_.member("status", "OK");
      e_.end_object();
      e_.end_object();
      e_.end_object();
      break;
    case 1: {
      netstack_entry("configuration", 1);
      e_.begin_object();
      e_.key("Runtime Configuration Flags");
      e_.begin_object();
      e_.member("log-packets", prng.percent(10) ? "true" : "false");
      static constexpr std::string_view kVerbosity[] = {"INFO", "INFO", "DEBUG", "WARN"};
      e_.member("verbosity", prng.pick(kVerbosity));
      e_.member("socket-stats-sampling-interval", "1m0s");
      e_.member("no-opaque-iids", "false");
      e_.member("fast-udp", prng.percent(50) ? "true" : "false");
      e_.key("config-data");
      e_.begin_object();
      e_.member("file", "/config/data/default.json");
      std::string cpus = decimal(std::uint64_t{1} << prng.between(1, 3));
      e_.member("num-cpu", cpus);
      e_.member("max-procs", cpus);
      e_.end_object();
      e_.end_object();
      e_.end_object();
      break;
    }
    case 2:
      netstack_entry("counters", 2);
      counters();
      break;
    case 3:
      netstack_entry("interfaces", 3);
      e_.begin_object();
      e_.key("NICs");
      e_.begin_object();
      for (const Nic& nic : nics_) {
        emit_nic(e_, options_.seed, nic);
        e_.maybe_flush();
      }
      e_.end_object();
      e_.end_object();
      break;
    case 4:
      netstack_entry("fidlStats", 4);
      e_.begin_object();
      e_.key("Networking FIDL Protocol Stats");
      e_.begin_object();
      e_.key("InterfaceWatcherCount");
      e_.integer(static_cast<std::int64_t>(prng.between(1, 8)));
      e_.key("RoutesWatcherV4Count");
      e_.integer(static_cast<std::int64_t>(prng.between(0, 3)));
      e_.key("RoutesWatcherV6Count");
      e_.integer(static_cast<std::int64_t>(prng.between(0, 3)));
      e_.end_object();
      e_.end_object();
      break;
    case 5: {
      netstack_entry("sockets", 5);
      e_.begin_object();
      e_.key("Socket Info");
      e_.begin_object();
      Prng order_prng = derive(options_.seed, kLayout, 99);
      Shuffle order(options_.sockets, order_prng);
      for (std::uint64_t i = 0; i < options_.sockets; ++i) {
        emit_socket(e_, options_.seed, order(i), nics_);
        e_.maybe_flush();
      }
      e_.end_object();
      e_.end_object();
      break;
    }
    case 6: {
      netstack_entry("routes", 6);
      e_.begin_object();
      e_.key("Routes");
      e_.begin_object();
      std::uint64_t index = 0;
      auto route = [&](const std::string& destination, const std::string& gateway, std::uint64_t nic,
                       std::string_view metric, bool tracks, bool dynamic) {
        e_.key(decimal(index++));
        e_.begin_object();
        e_.member("Destination", destination);
        e_.member("Gateway", gateway);
        e_.member("NIC", decimal(nic));
        e_.member("Metric", metric);
        e_.member("MetricTracksInterface", tracks ? "true" : "false");
        e_.member("Dynamic", dynamic ? "true" : "false");
        e_.member("Enabled", "true");
        e_.end_object();
      };
      route("127.0.0.0/8", "", 1, "100", true, false);
      route("::1/128", "", 1, "100", true, false);
      route("255.255.255.255/32", "", 1, "99999", false, false);
      bool have_default = false;
      for (std::size_t i = 1; i < nics_.size(); ++i) {
        const Nic& nic = nics_[i];
        std::string metric = decimal(100 * (i + 1) / 2 * 2);
        if (!nic.gateway.empty() && nic.up) {
          route("0.0.0.0/0", nic.gateway, nic.id, have_default ? decimal(100 + 10 * i) : "100", true, nic.dhcp);
          have_default = true;
        }
        route(nic.v4_subnet, "", nic.id, metric, true, false);
        route("fe80::/64", "", nic.id, metric, true, false);
        if (!nic.v6_global.empty()) {
          route(nic.v6_global.substr(0, nic.v6_global.find("::")) + "::/64", "", nic.id, metric, true, true);
        }
        route("224.0.0.0/4", "", nic.id, metric, true, false);
        route("ff00::/8", "", nic.id, metric, true, false);
        e_.maybe_flush();
      }
      e_.end_object();
      e_.end_object();
      break;
    }
    case 7: {
      netstack_entry("memstats", 7);
      e_.begin_object();
      e_.key("memstats");
      e_.begin_object();
      for (std::string_view key : schema_keys().memstats) e_.member_uint(key, prng.between(1000000, 60000000));
      e_.key("GCCPUFraction");
      char text[32];
      double fraction = static_cast<double>(prng.between(1, 999999)) / 1e8;
      e_.number_text(std::string_view(text, std::to_chars(text, text + sizeof text, fraction).ptr));
      e_.end_object();
      e_.end_object();
      break;
    }
    case 8: {
      netstack_entry("pprof", 9);
      e_.begin_object();
      e_.key("root");
      e_.begin_object();
      e_.key("pprof");
      e_.begin_object();
      Prng pprof_prng = derive(options_.seed, kPprof, 0);
      for (std::string_view profile : kPprofProfiles) e_.member(profile, pprof_property(profile, pprof_prng));
      e_.end_object();
      e_.end_object();
      e_.end_object();
      break;
    }
    default:
      e_.begin_object();
      e_.member("data_source", "Inspect");
      e_.key("metadata");
      e_.begin_object();
      e_.key("errors");
      e_.begin_array();
      e_.begin_object();
      e_.member("message", "Exceeded per-component time limit for fetching diagnostics data");
      e_.end_object();
      e_.end_array();
      e_.member("filename", "NO_FILE_SUCCEEDED");
      e_.member("component_url", "fuchsia-pkg://fuchsia.com/slow#meta/slow.cm");
      e_.member_uint("timestamp", kBaseTimestamp + 20000000);
      e_.end_object();
      e_.member("moniker", "core/slow_component");
      e_.key("payload");
      e_.null();
      break;
  }
  end_entry(e_);
  e_.maybe_flush();
}

void Writer::counters() {
  Prng prng = derive(options_.seed, kCounters, 100);
  std::uint64_t destroyed = prng.below(2000000);
  std::uint64_t tcp_opened = census_.tcp + prng.below(1000000);
  e_.begin_object();
  e_.key("Networking Stat Counters");
  e_.begin_object();
  // Sockets and counters agree: SocketCount = SocketsCreated - SocketsDestroyed.
  Override agree = [&](std::string_view parent, std::string_view name, std::uint64_t& value) {
    if (parent.empty()) {
      if (name == "SocketCount") value = options_.sockets;
      if (name == "SocketsCreated") value = options_.sockets + destroyed;
      if (name == "SocketsDestroyed") value = destroyed;
    } else if (parent == "TCP") {
      if (name == "CurrentEstablished") value = census_.established;
      if (name == "CurrentConnected") value = census_.connected;
      if (name == "ActiveConnectionOpenings") value = tcp_opened;
    }
    return true;
  };
  emit_spec(e_, prng, kCountersSpecHead, 50, agree);
  e_.key("MaxSocketOptionStats");
  e_.begin_object();
  emit_option_stats(e_, prng, schema_keys().max_socket_options);
  e_.end_object();
  emit_spec(e_, prng, kCountersSpecTail, 50, agree);
  e_.end_object();
  e_.end_object();
}

// ---------------------------------------------------------------- other components

constexpr std::string_view kComponentNames[] = {
    "bootstrap/archivist", "bootstrap/driver_manager", "bootstrap/fshost", "bootstrap/power_manager",
    "core/audio_core", "core/bt-gap", "core/cobalt", "core/feedback", "core/network/dhcpd",
    "core/network/dns-resolver", "core/network/http-client", "core/network/reachability",
    "core/wlan/wlandevicemonitor", "core/wlancfg", "core/session-manager", "core/sysmem_connector",
    "core/ui/scenic", "core/memory_monitor", "core/timekeeper", "core/pkg-resolver",
};
constexpr std::string_view kCollections[] = {
    "core/session-manager/session:session/", "core/ffx-laboratory:", "core/test_manager/tests:", "core/driver_host:",
};
constexpr std::string_view kWords[] = {
    "connections", "requests", "latency", "buffer", "pool", "events", "errors", "stats", "queue", "cache",
    "device", "config", "state", "channel", "client", "session", "timer", "handle", "retries", "peer",
    "scan", "rssi", "frames", "vmo", "allocations", "bytes", "watchers", "tasks", "Health", "metrics",
};

void Writer::random_property(Prng& prng, std::string_view name) {
  e_.key(name);
  switch (prng.below(12)) {
    case 0:
    case 1:
    case 2:
      e_.uint(prng.counter(30));
      break;
    case 3:
      e_.integer(-static_cast<std::int64_t>(prng.below(1000000)));
      break;
    case 4: {
      char text[32];
      double value = static_cast<double>(prng.below(100000000)) / 1000.0 + 0.5;
      e_.number_text(std::string_view(text, std::to_chars(text, text + sizeof text, value).ptr));
      break;
    }
    case 5:
      e_.boolean(prng.percent(50));
      break;
    case 6:
    case 7: {
      std::string text = std::string(prng.pick(kWords)) + "-" + decimal(prng.below(10000));
      e_.string(text);
      break;
    }
    case 8: {
      e_.begin_array();
      std::uint64_t n = prng.between(1, 12);
      for (std::uint64_t i = 0; i < n; ++i) e_.uint(prng.below(5000));
      e_.end_array();
      break;
    }
    case 9: {
      std::string bytes;
      std::uint64_t n = prng.between(1, 48);
      for (std::uint64_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>(prng.below(256)));
      e_.string("b64:" + base64(bytes));
      break;
    }
    case 10: {
      // A linear histogram as archivist serializes it.
      e_.begin_object();
      e_.key("buckets");
      e_.begin_array();
      std::uint64_t n = prng.between(3, 8), step = prng.between(1, 100);
      for (std::uint64_t i = 0; i < n; ++i) {
        e_.begin_object();
        e_.member_uint("count", prng.percent(30) ? 0 : prng.below(1000));
        e_.key("floor");
        if (i == 0) e_.integer(INT64_MIN); else e_.uint((i - 1) * step);
        e_.key("upper_bound");
        if (i + 1 == n) e_.integer(INT64_MAX); else e_.uint(i * step);
        e_.end_object();
      }
      e_.end_array();
      e_.end_object();
      break;
    }
    default:
      e_.string(decimal(prng.below(100000)));  // numbers as strings, as deprecated-FIDL trees do
  }
}

void Writer::random_node(Prng& prng, std::uint64_t depth, std::uint64_t budget_end) {
  e_.begin_object();
  std::uint64_t properties = prng.between(1, 10);
  for (std::uint64_t i = 0; i < properties; ++i) random_property(prng, std::string(prng.pick(kWords)) + "_" + decimal(i));
  std::uint64_t children = depth >= 4 ? 0 : prng.below(4);
  for (std::uint64_t i = 0; i < children && e_.compact_bytes_written() < budget_end; ++i) {
    e_.key(std::string(prng.pick(kWords)) + (prng.percent(50) ? ":0x" + hex_byte(i + depth * 16) : decimal(i)));
    random_node(prng, depth + 1, budget_end);
  }
  e_.end_object();
  e_.maybe_flush();
}

void Writer::component(std::uint64_t index) {
  Prng prng = derive(options_.seed, kComponent, index);
  std::string moniker;
  if (index < std::size(kComponentNames)) {
    moniker = kComponentNames[index];
  } else {
    moniker = std::string(prng.pick(kCollections)) + std::string(prng.pick(kWords)) + "-" + decimal(index);
  }
  std::string name = moniker.substr(moniker.rfind('/') + 1);
  if (auto colon = name.rfind(':'); colon != std::string::npos) name = name.substr(colon + 1);
  std::string url = (moniker.starts_with("bootstrap/") ? "fuchsia-boot:///" + name : "fuchsia-pkg://fuchsia.com/" + name) +
                    "#meta/" + name + ".cm";
  // Size classes: mostly small trees, some medium, a few large ones.
  std::uint64_t size_class = prng.below(100);
  std::uint64_t budget = size_class < 70 ? prng.between(300, 4000)
                         : size_class < 95 ? prng.between(8000, 64000)
                                           : prng.between(256000, 2000000);
  std::uint64_t sources = prng.percent(15) ? 2 : 1;
  for (std::uint64_t source = 0; source < sources; ++source) {
    separator();
    std::uint64_t start = e_.compact_bytes_written();
    bool named = index == 0 || prng.percent(60);
    begin_entry(e_, named ? "name" : "filename", named ? "root" : (source ? "diagnostics/extra.inspect" : "fuchsia.inspect.Tree"),
                url, kBaseTimestamp - 5000 + index * 7919 % 1000000, moniker);
    e_.begin_object();
    e_.key("root");
    e_.begin_object();
    if (source == 0) {
      e_.key("fuchsia.inspect.Health");
      e_.begin_object();
      e_.member_uint("start_timestamp_nanos", 1000000000 + prng.below(100000000000ULL));
      e_.member("status", prng.percent(95) ? "OK" : "UNHEALTHY");
      e_.end_object();
    }
    std::uint64_t child = 0;
    while (e_.compact_bytes_written() - start < budget / sources) {
      e_.key(std::string(prng.pick(kWords)) + decimal(child++));
      random_node(prng, 1, start + budget / sources);
    }
    e_.end_object();
    e_.end_object();
    end_entry(e_);
    e_.maybe_flush();
  }
  ++summary_.components;
}

GenSummary Writer::run() {
  // Where the special entries go: after how many other components (count
  // mode) or once how many bytes are written (size mode), in shuffled order.
  Prng layout = derive(options_.seed, kLayout, 0);
  std::array<std::size_t, kSpecialCount> order{};
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[layout.below(i + 1)]);
  const bool by_size = options_.target_bytes > 0;
  std::array<std::uint64_t, kSpecialCount> at{};
  for (auto& slot : at) slot = layout.below((by_size ? options_.target_bytes : options_.components) + 1);
  std::sort(at.begin(), at.end());

  std::size_t next_special = 0;
  auto due = [&] {
    return next_special < kSpecialCount &&
           (by_size ? e_.bytes_written() >= at[next_special] : summary_.components >= at[next_special]);
  };
  for (std::uint64_t index = 0;; ++index) {
    while (due()) special(order[next_special++]);
    bool more = by_size ? e_.bytes_written() < options_.target_bytes : index < options_.components;
    if (!more) break;
    component(index);
  }
  while (next_special < kSpecialCount) special(order[next_special++]);
  e_.raw("\n]");
  summary_.bytes = e_.bytes_written();
  e_.finish();
  return summary_;
}

}  // namespace

SocketCensus socket_census(const GenOptions& options) {
  SocketCensus census;
  for (std::uint64_t i = 0; i < options.sockets; ++i) {
    Prng prng = derive(options.seed, kSocket, i);
    SocketShape shape = draw_shape(prng);
    switch (shape.kind) {
      case SocketKind::Tcp:
        ++census.tcp;
        census.established += kTcpStates[shape.state].established;
        census.connected += kTcpStates[shape.state].connected;
        break;
      case SocketKind::Udp: ++census.udp; break;
      case SocketKind::Icmp: ++census.icmp; break;
      case SocketKind::Raw: ++census.raw; break;
      case SocketKind::Packet: ++census.packet; break;
    }
  }
  return census;
}

GenSummary generate(const GenOptions& options, const Sink& sink) {
  Writer writer(options, sink);
  return writer.run();
}

}  // namespace netinspect::gen
