// NICs: RTM_GETLINK + RTM_GETADDR into netstack's "NICs" node.
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "capture/format.h"
#include "capture/kernel_state.h"
#include "capture/netlink.h"
#include "capture/node_builder.h"

namespace netinspect::capture {

namespace {

// struct rtnl_link_stats64 field names, in struct order (linux/if_link.h).
constexpr std::string_view kLinkStatNames[] = {
    "rx_packets",        "tx_packets",        "rx_bytes",          "tx_bytes",
    "rx_errors",         "tx_errors",         "rx_dropped",        "tx_dropped",
    "multicast",         "collisions",        "rx_length_errors",  "rx_over_errors",
    "rx_crc_errors",     "rx_frame_errors",   "rx_fifo_errors",    "rx_missed_errors",
    "tx_aborted_errors", "tx_carrier_errors", "tx_fifo_errors",    "tx_heartbeat_errors",
    "tx_window_errors",  "rx_compressed",     "tx_compressed",     "rx_nohandler",
    "rx_otherhost_dropped",
};

std::string_view operstate_name(unsigned state) {
  static constexpr std::string_view kNames[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
                                                "TESTING", "DORMANT",    "UP"};
  return state < std::size(kNames) ? kNames[state] : "UNKNOWN";
}

nlmsghdr* start_dump(char* buffer, std::uint16_t type) {
  nlmsghdr* header = mnl_nlmsg_put_header(buffer);
  header->nlmsg_type = type;
  header->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  return header;
}

// netstack's neighbor states (stack.NeighborState.String) for a NUD_* set.
std::string_view neighbor_state_name(unsigned nud) {
  if (nud & NUD_PERMANENT) return "Static";
  if (nud & NUD_REACHABLE) return "Reachable";
  if (nud & NUD_STALE) return "Stale";
  if (nud & NUD_DELAY) return "Delay";
  if (nud & NUD_PROBE) return "Probe";
  if (nud & NUD_INCOMPLETE) return "Incomplete";
  if (nud & NUD_FAILED) return "Unreachable";
  return "Unknown";  // NUD_NONE: created, not yet used
}

std::int64_t boot_time_now_ns() {
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

}  // namespace

std::uint64_t LinkInfo::stat(std::string_view stat_name) const {
  for (const auto& [key, value] : stats) {
    if (key == stat_name) return value;
  }
  return 0;
}

std::vector<LinkInfo> read_links(NetlinkSocket& route_socket) {
  alignas(nlmsghdr) char buffer[kRequestBufferSize] = {};
  nlmsghdr* request = start_dump(buffer, RTM_GETLINK);
  auto* body = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(request, sizeof(ifinfomsg)));
  body->ifi_family = AF_UNSPEC;
  std::vector<LinkInfo> links;
  route_socket.dump(request, "RTM_GETLINK", [&](const nlmsghdr& message) {
    if (message.nlmsg_type != RTM_NEWLINK) return;
    const auto* info = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&message));
    LinkInfo link;
    link.index = info->ifi_index;
    link.flags = info->ifi_flags;
    for_each_attribute(message, sizeof(ifinfomsg), [&](const nlattr* attribute) {
      switch (mnl_attr_get_type(attribute)) {
        case IFLA_IFNAME:
          if (mnl_attr_validate(attribute, MNL_TYPE_NUL_STRING) >= 0) link.name = mnl_attr_get_str(attribute);
          break;
        case IFLA_MTU:
          if (mnl_attr_validate(attribute, MNL_TYPE_U32) >= 0) link.mtu = mnl_attr_get_u32(attribute);
          break;
        case IFLA_TXQLEN:
          if (mnl_attr_validate(attribute, MNL_TYPE_U32) >= 0) link.txqlen = mnl_attr_get_u32(attribute);
          break;
        case IFLA_OPERSTATE:
          if (mnl_attr_validate(attribute, MNL_TYPE_U8) >= 0) link.operstate = mnl_attr_get_u8(attribute);
          break;
        case IFLA_ADDRESS:
          link.address = attribute_bytes(attribute);
          break;
        case IFLA_STATS64: {
          std::size_t count = std::min<std::size_t>(mnl_attr_get_payload_len(attribute) / 8, std::size(kLinkStatNames));
          const char* data = static_cast<const char*>(mnl_attr_get_payload(attribute));
          for (std::size_t i = 0; i < count; ++i) {
            std::uint64_t value;
            std::memcpy(&value, data + i * 8, 8);
            link.stats.emplace_back(kLinkStatNames[i], value);
          }
          break;
        }
        case IFLA_LINKINFO: {
          for_each_nested(attribute, [&](const nlattr* nested) {
            if (mnl_attr_get_type(nested) == IFLA_INFO_KIND &&
                mnl_attr_validate(nested, MNL_TYPE_NUL_STRING) >= 0) {
              link.kind = mnl_attr_get_str(nested);
            }
          });
          break;
        }
        default:
          break;
      }
    });
    links.push_back(std::move(link));
  });
  std::sort(links.begin(), links.end(), [](const LinkInfo& a, const LinkInfo& b) { return a.index < b.index; });
  return links;
}

std::vector<AddressInfo> read_addresses(NetlinkSocket& route_socket) {
  alignas(nlmsghdr) char buffer[kRequestBufferSize] = {};
  nlmsghdr* request = start_dump(buffer, RTM_GETADDR);
  auto* body = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(ifaddrmsg)));
  body->ifa_family = AF_UNSPEC;
  std::vector<AddressInfo> addresses;
  route_socket.dump(request, "RTM_GETADDR", [&](const nlmsghdr& message) {
    if (message.nlmsg_type != RTM_NEWADDR) return;
    const auto* info = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(&message));
    AddressInfo address;
    address.index = static_cast<int>(info->ifa_index);
    address.family = info->ifa_family;
    address.prefix_len = info->ifa_prefixlen;
    std::vector<std::uint8_t> local, peer;
    for_each_attribute(message, sizeof(ifaddrmsg), [&](const nlattr* attribute) {
      if (mnl_attr_get_type(attribute) == IFA_LOCAL) local = attribute_bytes(attribute);
      if (mnl_attr_get_type(attribute) == IFA_ADDRESS) peer = attribute_bytes(attribute);
    });
    // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on
    // point-to-point links and the same address elsewhere (IPv6 has no LOCAL).
    address.address = !local.empty() ? std::move(local) : std::move(peer);
    if (address.family != AF_INET && address.family != AF_INET6) return;
    addresses.push_back(std::move(address));
  });
  return addresses;
}

std::vector<NeighborInfo> read_neighbors(NetlinkSocket& route_socket) {
  alignas(nlmsghdr) char buffer[kRequestBufferSize] = {};
  nlmsghdr* request = start_dump(buffer, RTM_GETNEIGH);
  auto* body = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(ndmsg)));
  body->ndm_family = AF_UNSPEC;
  // NDA_CACHEINFO ages are in USER_HZ ticks.
  const long ticks_per_second = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
  const std::int64_t now_ns = boot_time_now_ns();
  std::vector<NeighborInfo> neighbors;
  route_socket.dump(request, "RTM_GETNEIGH", [&](const nlmsghdr& message) {
    if (message.nlmsg_type != RTM_NEWNEIGH || mnl_nlmsg_get_payload_len(&message) < sizeof(ndmsg)) return;
    ndmsg header;
    std::memcpy(&header, mnl_nlmsg_get_payload(&message), sizeof header);
    if (header.ndm_family != AF_INET && header.ndm_family != AF_INET6) return;
    if ((header.ndm_state & NUD_NOARP) != 0 || (header.ndm_flags & NTF_PROXY) != 0) return;
    NeighborInfo neighbor;
    neighbor.index = header.ndm_ifindex;
    neighbor.family = header.ndm_family;
    neighbor.state = header.ndm_state;
    for_each_attribute(message, sizeof(ndmsg), [&](const nlattr* attribute) {
      switch (mnl_attr_get_type(attribute)) {
        case NDA_DST:
          neighbor.address = attribute_bytes(attribute);
          break;
        case NDA_LLADDR:
          neighbor.link_address = attribute_bytes(attribute);
          break;
        case NDA_CACHEINFO:
          if (mnl_attr_get_payload_len(attribute) >= sizeof(nda_cacheinfo)) {
            nda_cacheinfo cache;
            std::memcpy(&cache, mnl_attr_get_payload(attribute), sizeof cache);
            neighbor.last_updated_ns =
                now_ns - static_cast<std::int64_t>(cache.ndm_updated) * (1000000000 / ticks_per_second);
          }
          break;
        default:
          break;
      }
    });
    if (neighbor.address.size() != (neighbor.family == AF_INET ? 4u : 16u)) return;
    neighbors.push_back(std::move(neighbor));
  });
  return neighbors;
}

NicTotals nic_totals(const std::vector<LinkInfo>& links) {
  NicTotals totals;
  for (const LinkInfo& link : links) {
    if (link.stats.empty()) continue;
    totals.present = true;
    totals.rx_packets += link.stat("rx_packets");
    totals.rx_bytes += link.stat("rx_bytes");
    totals.tx_packets += link.stat("tx_packets");
    totals.tx_bytes += link.stat("tx_bytes");
    totals.tx_dropped += link.stat("tx_dropped");
    totals.rx_nohandler += link.stat("rx_nohandler");
  }
  return totals;
}

json::Value nics_payload(const std::vector<LinkInfo>& links, const std::vector<AddressInfo>& addresses,
                         const NicDetails& details) {
  NodeBuilder root;
  for (const LinkInfo& link : links) {
    NodeBuilder& nic = root.child(std::to_string(link.index));
    nic.set_string("Name", link.name);
    nic.set_string("NICID", std::to_string(link.index));
    nic.set_string("AdminUp", bool_string(link.flags & IFF_UP));
    nic.set_string("LinkOnline", bool_string(link.flags & IFF_LOWER_UP));
    nic.set_string("Up", bool_string(link.flags & IFF_UP));
    nic.set_string("Running", bool_string(link.flags & IFF_RUNNING));
    nic.set_string("Loopback", bool_string(link.flags & IFF_LOOPBACK));
    nic.set_string("Promiscuous", bool_string(link.flags & IFF_PROMISC));
    if (!link.address.empty()) nic.set_string("LinkAddress", format_link_address(link.address));
    std::size_t n = 0;
    for (int family : {AF_INET, AF_INET6}) {  // netstack lists IPv4 first
      for (const AddressInfo& address : addresses) {
        if (address.index != link.index || address.family != family) continue;
        nic.set_string("ProtocolAddress" + std::to_string(n++),
                       format_protocol_address(address.family, address.address, address.prefix_len));
      }
    }
    nic.set("MTU", counter(link.mtu));
    if (!link.stats.empty()) {
      NodeBuilder& stats = nic.child("Stats");
      stats.set("TxPacketsDroppedNoBufferSpace", counter(link.stat("tx_dropped")));
      stats.child("Rx").set("Bytes", counter(link.stat("rx_bytes")));
      stats.child("Rx").set("Packets", counter(link.stat("rx_packets")));
      stats.child("Tx").set("Bytes", counter(link.stat("tx_bytes")));
      stats.child("Tx").set("Packets", counter(link.stat("tx_packets")));
      stats.path("UnknownL3ProtocolRcvdPacketCounts.Total").set_string("Count", std::to_string(link.stat("rx_nohandler")));
    }
    for (const auto& [index, node] : details.endpoint_stats) {
      if (index == link.index && !node.is_null()) nic.set_node("Network Endpoint Stats", node);
    }
    // Netstack's loopback has no neighbor table; every other NIC has one, maybe empty.
    if ((link.flags & IFF_LOOPBACK) == 0) {
      NodeBuilder& table = nic.child("Neighbors");
      for (const NeighborInfo& neighbor : details.neighbors) {
        if (neighbor.index != link.index) continue;
        NodeBuilder& entry = table.child(format_ip(neighbor.family, neighbor.address));
        entry.set_string("Link address", format_link_address(neighbor.link_address));
        entry.set_string("State", neighbor_state_name(neighbor.state));
        if (neighbor.last_updated_ns) {
          entry.set("Last updated", integer_literal(std::to_string(*neighbor.last_updated_ns)));
        }
      }
    }
    NodeBuilder& extra = nic.child("Linux");
    extra.set_string("Kind", link.kind);
    extra.set_string("OperState", operstate_name(link.operstate));
    extra.set("TxQueueLength", counter(link.txqlen));
    extra.set("Flags", counter(link.flags));
    if (!link.stats.empty()) {
      NodeBuilder& stats = extra.child("Stats");
      for (const auto& [name, value] : link.stats) stats.set(name, counter(value));
    }
  }
  return root.build();
}

}  // namespace netinspect::capture
