#include "netstack/address.h"

#include <charconv>
#include <vector>

namespace netinspect::netstack {

namespace {

std::optional<std::uint32_t> parse_number(std::string_view text, int base, std::uint32_t max) {
  if (text.empty()) return std::nullopt;
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

bool parse_v4(std::string_view text, std::uint8_t* out) {
  for (int i = 0; i < 4; ++i) {
    std::size_t dot = i < 3 ? text.find('.') : text.size();
    if (dot == std::string_view::npos || dot == 0 || dot > 3) return false;
    auto part = parse_number(text.substr(0, dot), 10, 255);
    if (!part) return false;
    out[i] = static_cast<std::uint8_t>(*part);
    text.remove_prefix(i < 3 ? dot + 1 : dot);
  }
  return text.empty();
}

bool parse_v6(std::string_view text, std::uint8_t* out) {
  std::vector<std::uint16_t> head, tail;
  bool gap = false;
  std::vector<std::uint16_t>* groups = &head;
  if (text.starts_with("::")) {
    gap = true;
    groups = &tail;
    text.remove_prefix(2);
  }
  std::size_t v4_bytes = 0;
  std::uint8_t v4[4];
  while (!text.empty()) {
    std::size_t colon = text.find(':');
    std::string_view group = text.substr(0, colon);
    if (colon == std::string_view::npos && group.find('.') != std::string_view::npos) {
      if (!parse_v4(group, v4)) return false;
      v4_bytes = 4;
      text = {};
      break;
    }
    auto value = parse_number(group, 16, 0xffff);
    if (!value || group.size() > 4) return false;
    groups->push_back(static_cast<std::uint16_t>(*value));
    if (colon == std::string_view::npos) {
      text = {};
    } else if (text.substr(colon).starts_with("::")) {
      if (gap) return false;
      gap = true;
      groups = &tail;
      text.remove_prefix(colon + 2);
    } else {
      text.remove_prefix(colon + 1);
      if (text.empty()) return false;
    }
  }
  std::size_t total = (head.size() + tail.size()) * 2 + v4_bytes;
  if (total > 16 || (!gap && total != 16) || (gap && total == 16)) return false;
  std::size_t pos = 0;
  for (auto g : head) {
    out[pos++] = static_cast<std::uint8_t>(g >> 8);
    out[pos++] = static_cast<std::uint8_t>(g);
  }
  std::size_t tail_start = 16 - tail.size() * 2 - v4_bytes;
  for (; pos < tail_start; ++pos) out[pos] = 0;
  for (auto g : tail) {
    out[pos++] = static_cast<std::uint8_t>(g >> 8);
    out[pos++] = static_cast<std::uint8_t>(g);
  }
  for (std::size_t i = 0; i < v4_bytes; ++i) out[pos++] = v4[i];
  return true;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (std::size_t zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  IpAddress address;
  if (text.find(':') != std::string_view::npos) {
    address.v6 = true;
    if (!parse_v6(text, address.bytes.data())) return std::nullopt;
    return address;
  }
  if (!parse_v4(text, address.bytes.data())) return std::nullopt;
  return address;
}

std::optional<Prefix> parse_prefix(std::string_view text) {
  std::size_t slash = text.find('/');
  auto address = parse_ip(text.substr(0, slash));
  if (!address) return std::nullopt;
  Prefix prefix{*address, address->bits()};
  if (slash != std::string_view::npos) {
    auto length = parse_number(text.substr(slash + 1), 10, static_cast<std::uint32_t>(address->bits()));
    if (!length) return std::nullopt;
    prefix.length = *length;
  }
  return prefix;
}

bool prefix_contains(const Prefix& prefix, const IpAddress& address) {
  if (prefix.address.v6 != address.v6) return false;
  std::size_t full = prefix.length / 8, rest = prefix.length % 8;
  for (std::size_t i = 0; i < full; ++i) {
    if (prefix.address.bytes[i] != address.bytes[i]) return false;
  }
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (prefix.address.bytes[full] & mask) == (address.bytes[full] & mask);
}

Endpoint split_endpoint(std::string_view text) {
  Endpoint endpoint;
  std::string_view host = text, port;
  if (text.starts_with('[')) {
    std::size_t close = text.find(']');
    if (close != std::string_view::npos) {
      host = text.substr(1, close - 1);
      if (text.substr(close + 1).starts_with(':')) port = text.substr(close + 2);
    }
  } else if (std::size_t colon = text.rfind(':');
             colon != std::string_view::npos && text.find(':') == colon) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  endpoint.host = std::string(host);
  endpoint.port = parse_number(port, 10, 65535);
  return endpoint;
}

}  // namespace netinspect::netstack
