// Routes: RTM_GETROUTE (IPv4 then IPv6) into netstack's "Routes" node.
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

#include "capture/format.h"
#include "capture/kernel_state.h"
#include "capture/netlink.h"
#include "capture/node_builder.h"

namespace netinspect::capture {

namespace {

std::string table_name(std::uint32_t table) {
  switch (table) {
    case RT_TABLE_MAIN: return "main";
    case RT_TABLE_LOCAL: return "local";
    case RT_TABLE_DEFAULT: return "default";
    default: return std::to_string(table);
  }
}

std::string protocol_name(unsigned protocol) {
  switch (protocol) {
    case RTPROT_UNSPEC: return "unspec";
    case RTPROT_REDIRECT: return "redirect";
    case RTPROT_KERNEL: return "kernel";
    case RTPROT_BOOT: return "boot";
    case RTPROT_STATIC: return "static";
    case RTPROT_RA: return "ra";
    case RTPROT_DHCP: return "dhcp";
    default: return std::to_string(protocol);
  }
}

std::string type_name(unsigned type) {
  static constexpr std::string_view kNames[] = {"unspec",    "unicast",     "local",    "broadcast",
                                                "anycast",   "multicast",   "blackhole", "unreachable",
                                                "prohibit",  "throw",       "nat",      "xresolve"};
  return type < std::size(kNames) ? std::string(kNames[type]) : std::to_string(type);
}

std::string scope_name(unsigned scope) {
  switch (scope) {
    case RT_SCOPE_UNIVERSE: return "global";
    case RT_SCOPE_SITE: return "site";
    case RT_SCOPE_LINK: return "link";
    case RT_SCOPE_HOST: return "host";
    case RT_SCOPE_NOWHERE: return "nowhere";
    default: return std::to_string(scope);
  }
}

// RTA_VIA: struct rtvia {family; addr[]}.
void read_via(const nlattr* attribute, RouteInfo& route) {
  std::vector<std::uint8_t> bytes = attribute_bytes(attribute);
  if (bytes.size() < 2) return;
  std::uint16_t family;
  std::memcpy(&family, bytes.data(), 2);
  route.gateway_family = family;
  route.gateway.assign(bytes.begin() + 2, bytes.end());
}

void read_route(const nlmsghdr& message, std::vector<RouteInfo>& routes) {
  if (message.nlmsg_type != RTM_NEWROUTE) return;
  const auto* header = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(&message));
  if (header->rtm_flags & RTM_F_CLONED) return;  // route cache entries, not routes
  RouteInfo route;
  route.family = header->rtm_family;
  route.gateway_family = header->rtm_family;
  route.dst_len = header->rtm_dst_len;
  route.table = header->rtm_table;
  route.protocol = header->rtm_protocol;
  route.scope = header->rtm_scope;
  route.type = header->rtm_type;
  route.flags = header->rtm_flags;
  const nlattr* multipath = nullptr;
  for_each_attribute(message, sizeof(rtmsg), [&](const nlattr* attribute) {
    switch (mnl_attr_get_type(attribute)) {
      case RTA_DST: route.destination = attribute_bytes(attribute); break;
      case RTA_GATEWAY: route.gateway = attribute_bytes(attribute); break;
      case RTA_VIA: read_via(attribute, route); break;
      case RTA_OIF:
        if (mnl_attr_validate(attribute, MNL_TYPE_U32) >= 0) route.output_interface = static_cast<int>(mnl_attr_get_u32(attribute));
        break;
      case RTA_PRIORITY:
        if (mnl_attr_validate(attribute, MNL_TYPE_U32) >= 0) route.priority = mnl_attr_get_u32(attribute);
        break;
      case RTA_TABLE:
        if (mnl_attr_validate(attribute, MNL_TYPE_U32) >= 0) route.table = mnl_attr_get_u32(attribute);
        break;
      case RTA_PREFSRC: route.preferred_source = attribute_bytes(attribute); break;
      case RTA_MULTIPATH: multipath = attribute; break;
      default: break;
    }
  });
  if (multipath == nullptr) {
    routes.push_back(std::move(route));
    return;
  }
  // One route per next hop, as netstack keeps one entry per (destination, NIC, gateway).
  const auto* data = static_cast<const char*>(mnl_attr_get_payload(multipath));
  std::size_t remaining = mnl_attr_get_payload_len(multipath);
  while (remaining >= sizeof(rtnexthop)) {
    rtnexthop hop;
    std::memcpy(&hop, data, sizeof hop);
    if (hop.rtnh_len < sizeof(rtnexthop) || hop.rtnh_len > remaining) break;
    RouteInfo path = route;
    path.output_interface = hop.rtnh_ifindex;
    path.flags |= hop.rtnh_flags;
    path.gateway.clear();
    std::size_t offset = RTNH_ALIGN(sizeof(rtnexthop));
    while (offset + sizeof(nlattr) <= hop.rtnh_len) {
      nlattr nested;
      std::memcpy(&nested, data + offset, sizeof nested);
      if (nested.nla_len < sizeof(nlattr) || offset + nested.nla_len > hop.rtnh_len) break;
      const auto* payload = reinterpret_cast<const std::uint8_t*>(data + offset + sizeof(nlattr));
      std::size_t payload_len = nested.nla_len - sizeof(nlattr);
      if ((nested.nla_type & NLA_TYPE_MASK) == RTA_GATEWAY) {
        path.gateway.assign(payload, payload + payload_len);
      } else if ((nested.nla_type & NLA_TYPE_MASK) == RTA_VIA && payload_len >= 2) {
        std::uint16_t family;
        std::memcpy(&family, payload, 2);
        path.gateway_family = family;
        path.gateway.assign(payload + 2, payload + payload_len);
      }
      offset += NLA_ALIGN(nested.nla_len);
    }
    routes.push_back(std::move(path));
    std::size_t step = RTNH_ALIGN(hop.rtnh_len);
    if (step >= remaining) break;
    data += step;
    remaining -= step;
  }
}

}  // namespace

std::vector<RouteInfo> read_routes(NetlinkSocket& route_socket) {
  std::vector<RouteInfo> routes;
  for (int family : {AF_INET, AF_INET6}) {
    alignas(nlmsghdr) char buffer[kRequestBufferSize] = {};
    nlmsghdr* request = mnl_nlmsg_put_header(buffer);
    request->nlmsg_type = RTM_GETROUTE;
    request->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    auto* body = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(rtmsg)));
    body->rtm_family = static_cast<unsigned char>(family);
    route_socket.dump(request, "RTM_GETROUTE", [&](const nlmsghdr& message) { read_route(message, routes); });
  }
  return routes;
}

json::Value routes_payload(const std::vector<RouteInfo>& routes, bool all_tables) {
  NodeBuilder root;
  std::size_t n = 0;
  for (const RouteInfo& route : routes) {
    if (!all_tables && route.table != RT_TABLE_MAIN) continue;
    NodeBuilder& node = root.child(std::to_string(n++));
    std::vector<std::uint8_t> destination = route.destination;
    if (destination.empty()) destination.assign(route.family == AF_INET6 ? 16 : 4, 0);
    node.set_string("Destination", format_subnet(route.family, destination, route.dst_len));
    node.set_string("Gateway", route.gateway.empty() ? std::string() : format_ip(route.gateway_family, route.gateway));
    node.set_string("NIC", std::to_string(route.output_interface));
    node.set_string("Metric", std::to_string(route.priority.value_or(0)));
    // Linux metrics are always explicit; netstack's "tracks interface" has no counterpart.
    node.set_string("MetricTracksInterface", "false");
    bool dynamic = route.protocol == RTPROT_REDIRECT || route.protocol == RTPROT_RA || route.protocol == RTPROT_DHCP;
    node.set_string("Dynamic", bool_string(dynamic));
    node.set_string("Enabled", bool_string((route.flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN)) == 0));
    NodeBuilder& extra = node.child("Linux");
    extra.set_string("Table", table_name(route.table));
    extra.set_string("Type", type_name(route.type));
    extra.set_string("Protocol", protocol_name(route.protocol));
    extra.set_string("Scope", scope_name(route.scope));
    extra.set_string("PreferredSource",
                     route.preferred_source.empty() ? std::string() : format_ip(route.family, route.preferred_source));
  }
  return root.build();
}

}  // namespace netinspect::capture
