// netinspect::netstack — IP addresses as netstack prints them: "a.b.c.d",
// "fe80::1", "[fe80::1%2]:546", "192.168.1.23:41234", "[ipv4] 10.0.0.2/24",
// and prefix matching for `--addr` and `routes --dest`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netinspect::netstack {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  std::size_t bits() const { return v6 ? 128 : 32; }
};

// "192.168.1.1", "::1", "fe80::1%2" (zone dropped); nullopt otherwise.
std::optional<IpAddress> parse_ip(std::string_view text);

struct Prefix {
  IpAddress address;
  std::size_t length = 0;
};
// "10.0.0.0/8", "fe80::/64"; a bare address is a full-length prefix.
std::optional<Prefix> parse_prefix(std::string_view text);
bool prefix_contains(const Prefix& prefix, const IpAddress& address);

// "host:port" or "[host]:port" split into host and port ("<nil>:0" keeps "<nil>").
struct Endpoint {
  std::string host;
  std::optional<std::uint32_t> port;
};
Endpoint split_endpoint(std::string_view text);

}  // namespace netinspect::netstack
