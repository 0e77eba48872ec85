#include "capture/format.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstdio>
#include <cstring>

namespace netinspect::capture {

std::string format_ip(int family, std::span<const std::uint8_t> bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET && bytes.size() == 4) {
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
    return text;
  }
  if (family == AF_INET6 && bytes.size() == 16) {
    // glibc's inet_ntop follows RFC 5952 like Go, except that Go prints an
    // IPv4-mapped address the same way ("::ffff:1.2.3.4"): both agree.
    in6_addr address;
    std::memcpy(&address, bytes.data(), 16);
    if (inet_ntop(AF_INET6, &address, text, sizeof text) != nullptr) return text;
  }
  return "<nil>";
}

std::string format_endpoint(int family, std::span<const std::uint8_t> bytes, std::uint16_t port) {
  std::string host = format_ip(family, bytes);
  std::string out;
  if (family == AF_INET6 && host != "<nil>") {
    out = "[" + host + "]";
  } else {
    out = std::move(host);
  }
  out += ':';
  out += std::to_string(port);
  return out;
}

std::string format_protocol_address(int family, std::span<const std::uint8_t> bytes, unsigned prefix_len) {
  std::string_view tag = family == AF_INET ? "[ipv4] " : family == AF_INET6 ? "[ipv6] " : "[unknown] ";
  return std::string(tag) + format_subnet(family, bytes, prefix_len);
}

std::string format_subnet(int family, std::span<const std::uint8_t> bytes, unsigned prefix_len) {
  return format_ip(family, bytes) + "/" + std::to_string(prefix_len);
}

std::string format_link_address(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) out += ':';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xf];
  }
  return out;
}

std::string_view tcp_state_name(unsigned linux_state, std::uint16_t local_port) {
  // Linux TCP_* numbering from include/net/tcp_states.h (stable ABI).
  switch (linux_state) {
    case 1: return "ESTABLISHED";
    case 2: return "SYN-SENT";
    case 3: return "SYN-RCVD";
    case 4: return "FIN-WAIT1";
    case 5: return "FIN-WAIT2";
    case 6: return "TIME-WAIT";
    case 7: return local_port != 0 ? "BOUND" : "CLOSED";
    case 8: return "CLOSE-WAIT";
    case 9: return "LAST-ACK";
    case 10: return "LISTEN";
    case 11: return "CLOSING";
    case 12: return "SYN-RCVD";  // TCP_NEW_SYN_RECV: a request socket, still a SYN-RCVD connection
    default: return "ERROR";
  }
}

std::string_view udp_state_name(unsigned linux_state, std::uint16_t local_port) {
  if (linux_state == 1) return "CONNECTED";
  return local_port != 0 ? "BOUND" : "INITIAL";
}

std::string_view transport_protocol_name(unsigned ip_protocol) {
  switch (ip_protocol) {
    case IPPROTO_TCP: return "TCP";
    case IPPROTO_UDP: return "UDP";
    case IPPROTO_ICMP: return "ICMPv4";
    case IPPROTO_ICMPV6: return "ICMPv6";
    default: return "UNKNOWN";
  }
}

json::Value counter(std::uint64_t value) {
  char text[24];
  auto result = std::to_chars(text, text + sizeof text, value);
  return json::Value::number_literal(static_cast<double>(value), std::string_view(text, result.ptr - text));
}

json::Value integer_literal(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 20) return json::Value();
  for (char c : digits) {
    if (c < '0' || c > '9') return json::Value();
  }
  if (digits.size() > 1 && digits.front() == '0') return json::Value();
  double d = 0;
  std::from_chars(text.data(), text.data() + text.size(), d);
  return json::Value::number_literal(d, text);
}

}  // namespace netinspect::capture
