// netinspect::netstack — typed views over a Snapshot: sockets, NICs, routes,
// counters. Every field is optional: a snapshot of another year may lack it,
// and a missing field is an empty cell, never an error. Fields of an
// unexpected type are reported to `surprises` (shown with `--strict`).
//
// to_json() gives each view's typed object (numbers as numbers, booleans as
// booleans, absent as null), with the same keys in the same order for every
// row: it is what `--json`, `--ndjson`, `--csv`, `--sort` and tables read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json/value.h"
#include "netstack/address.h"
#include "netstack/snapshot.h"

namespace netinspect::netstack {

using Surprises = std::vector<std::string>;

struct Socket {
  std::string id;
  std::string network;    // "IPv4", "IPv6", "" (packet sockets publish "UNKNOWN")
  std::string transport;  // as published: "TCP", "UDP", "ICMPv4", "ICMP_ECHO", "UNKNOWN"
  std::string protocol;   // normalized: "tcp", "udp", "icmp", "raw", "packet", ""
  std::string state;      // "" when the stack publishes none
  std::string local, remote;  // "" for unbound/unconnected markers of netstack3
  std::optional<std::uint64_t> bind_nic, register_nic;  // 0 ("any") is kept as 0
  std::string bind_nic_name, register_nic_name;         // joined from the NICs
  std::optional<std::uint64_t> sent, received;  // segments (TCP) or packets
  std::optional<std::uint64_t> errors, drops;   // see docs/views/sockets.md
  std::vector<std::pair<std::string, std::uint64_t>> options;  // non-zero Socket Option Stats
  json::Value raw;  // the socket's node as published (for --where)
};

struct Nic {
  std::optional<std::uint64_t> id;
  std::string name;
  std::optional<bool> admin_up, link_online, up, running, loopback, promiscuous;
  std::optional<std::uint64_t> mtu;
  std::string link_address;
  std::vector<std::string> addresses;  // "192.168.1.23/24", "fe80::1/64"
  std::vector<std::string> dns_servers;
  std::optional<bool> dhcp_enabled;
  std::string dhcp_state, dhcp_address;
  std::string device_class;  // "Wlan", "Ethernet", ...; old Ethernet Info: its Features
  std::optional<std::uint64_t> rx_packets, rx_bytes, rx_errors;
  std::optional<std::uint64_t> tx_packets, tx_bytes, tx_errors;
  json::Value raw;
};

struct Route {
  std::optional<std::uint64_t> index;
  std::string destination, gateway;  // gateway "" when none
  std::optional<std::uint64_t> nic;
  std::string nic_name;
  std::optional<std::uint64_t> metric;
  std::optional<bool> tracks_interface, dynamic, enabled;
};

struct Counter {
  std::string name;  // dotted: "TCP.ActiveConnectionOpenings"
  std::uint64_t value = 0;
};

std::vector<Nic> nics(const Snapshot& snapshot, Surprises& surprises);
// `options` is filled only `with_option_stats`: reading every socket's
// option counters is most of the work on a big snapshot.
std::vector<Socket> sockets(const Snapshot& snapshot, Surprises& surprises, bool with_option_stats = false);
std::vector<Route> routes(const Snapshot& snapshot, Surprises& surprises);
// Flattened in tree order; {"Count": "n"} leaves are named after their map key.
std::vector<Counter> counters(const Snapshot& snapshot, Surprises& surprises);

// Counter names that denote errors, drops, failures, invalid or malformed
// input, timeouts (`counters --errors`, the overview).
bool is_error_counter(std::string_view dotted_name);

json::Value to_json(const Socket& socket, bool with_options);
json::Value to_json(const Nic& nic);
json::Value to_json(const Route& route);
json::Value to_json(const Counter& counter);

// The route a packet to `address` takes: the longest enabled prefix of its
// family holding it, the lowest metric among equals. nullptr when none.
const Route* best_route(const std::vector<Route>& routes, const IpAddress& address);

// Socket filters of `netinspect sockets` (each optional; all must hold).
struct SocketFilter {
  std::vector<std::string> protocols;  // tcp, udp, icmp, raw, packet
  std::vector<std::string> states;     // case-insensitive
  std::vector<std::string> nics;       // id or name, bind or register NIC
  std::vector<std::uint32_t> ports;    // local or remote
  std::vector<Prefix> addresses;       // local or remote host within
  bool matches(const Socket& socket) const;
};

// Things that look wrong, one sentence each (the overview's warnings).
std::vector<std::string> warnings(const Snapshot& snapshot, const std::vector<Nic>& nics,
                                  const std::vector<Counter>& counters);

}  // namespace netinspect::netstack
