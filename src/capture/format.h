// netinspect::capture — how Linux values are spelled in netstack2's Inspect
// strings. Pure functions: no kernel access, unit-tested on their own.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "json/value.h"

namespace netinspect::capture {

// "192.168.1.23" / "fe80::1" (RFC 5952, as Go's net.IP.String prints it; an
// IPv4-mapped IPv6 address prints as "::ffff:1.2.3.4"). `family` is AF_INET or
// AF_INET6; `bytes` holds 4 or 16 bytes in network order. Anything else gives
// "<nil>", Go's spelling of a missing address.
std::string format_ip(int family, std::span<const std::uint8_t> bytes);

// "ip:port" or "[ipv6]:port", as Go's net.JoinHostPort (netstack's
// LocalAddress / RemoteAddress).
std::string format_endpoint(int family, std::span<const std::uint8_t> bytes, std::uint16_t port);

// "[ipv4] a.b.c.d/len" / "[ipv6] addr/len" (netstack's ProtocolAddressN).
std::string format_protocol_address(int family, std::span<const std::uint8_t> bytes, unsigned prefix_len);

// "a.b.c.d/len" / "addr/len" (a route's Destination).
std::string format_subnet(int family, std::span<const std::uint8_t> bytes, unsigned prefix_len);

// "02:fc:00:00:00:01": lowercase hex pairs joined by ':' (any length).
std::string format_link_address(std::span<const std::uint8_t> bytes);

// netstack's TCP state names (gVisor tcp.EndpointState.String) for a Linux
// TCP_* state number: ESTABLISHED, SYN-SENT, SYN-RCVD, FIN-WAIT1, FIN-WAIT2,
// TIME-WAIT, CLOSED, CLOSE-WAIT, LAST-ACK, LISTEN, CLOSING. TCP_CLOSE with a
// local port is BOUND (bind() without listen/connect). Unknown: "ERROR".
std::string_view tcp_state_name(unsigned linux_state, std::uint16_t local_port);

// netstack's UDP states: CONNECTED (TCP_ESTABLISHED in sock_diag), BOUND (a
// local port, not connected), INITIAL (neither).
std::string_view udp_state_name(unsigned linux_state, std::uint16_t local_port);

// "TCP", "UDP", "ICMPv4", "ICMPv6", else "UNKNOWN" (netstack's
// transportProtocolToString for an IP protocol number).
std::string_view transport_protocol_name(unsigned ip_protocol);

// "true" / "false": netstack writes booleans as strings in info nodes.
inline std::string_view bool_string(bool b) { return b ? "true" : "false"; }

// A counter as a JSON number that keeps all 64 bits (no rounding through double).
json::Value counter(std::uint64_t value);

// `text` must be an optionally signed decimal integer; the number keeps its text.
// Returns null Value when `text` is not one.
json::Value integer_literal(std::string_view text);

}  // namespace netinspect::capture
