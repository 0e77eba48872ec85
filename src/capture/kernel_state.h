// netinspect::capture — the host's network state as read from the kernel
// (plain structs), the netlink readers that fill them, and the pure functions
// that turn them into netstack2-shaped Inspect nodes. Tests build the structs
// by hand to check the formatting without a kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capture/proc_counters.h"
#include "json/value.h"

namespace netinspect::capture {

class NetlinkSocket;

// One RTM_NEWLINK reply.
struct LinkInfo {
  int index = 0;
  std::string name;
  unsigned flags = 0;  // ifi_flags: IFF_UP, IFF_RUNNING, IFF_LOWER_UP, IFF_LOOPBACK, IFF_PROMISC...
  unsigned mtu = 0;
  std::vector<std::uint8_t> address;  // IFLA_ADDRESS
  std::string kind;                   // IFLA_LINKINFO/IFLA_INFO_KIND: "veth", "bridge"; empty for hardware
  unsigned operstate = 0;             // IF_OPER_*
  unsigned txqlen = 0;
  // IFLA_STATS64 in struct order, named as in struct rtnl_link_stats64.
  std::vector<std::pair<std::string_view, std::uint64_t>> stats;
  std::uint64_t stat(std::string_view name) const;  // 0 when absent
};

// One RTM_NEWADDR reply.
struct AddressInfo {
  int index = 0;
  int family = 0;  // AF_INET / AF_INET6
  unsigned prefix_len = 0;
  std::vector<std::uint8_t> address;  // IFA_LOCAL for IPv4 (peer setups), else IFA_ADDRESS
};

// One RTM_NEWNEIGH reply (the ARP / NDP cache).
struct NeighborInfo {
  int index = 0;
  int family = 0;  // AF_INET / AF_INET6
  std::vector<std::uint8_t> address;       // NDA_DST
  std::vector<std::uint8_t> link_address;  // NDA_LLADDR; empty while unresolved
  unsigned state = 0;                      // NUD_* bits
  // NDA_CACHEINFO's ndm_updated turned into CLOCK_BOOTTIME nanoseconds by the
  // reader (netstack's "Last updated" is a time, the kernel gives an age).
  std::optional<std::int64_t> last_updated_ns;
};

// One RTM_NEWROUTE reply (one per next hop for multipath routes).
struct RouteInfo {
  int family = 0;
  unsigned dst_len = 0;
  std::vector<std::uint8_t> destination;  // empty = the unspecified address (default route)
  int gateway_family = 0;                 // differs from family with RTA_VIA (IPv4 via IPv6)
  std::vector<std::uint8_t> gateway;
  int output_interface = 0;
  std::optional<std::uint32_t> priority;  // RTA_PRIORITY, the metric
  std::uint32_t table = 0;
  unsigned protocol = 0;  // RTPROT_*
  unsigned scope = 0;
  unsigned type = 0;  // RTN_*
  unsigned flags = 0;  // rtm_flags | rtnh_flags (RTNH_F_DEAD, RTNH_F_LINKDOWN)
  std::vector<std::uint8_t> preferred_source;
};

// The parts of struct tcp_info that have a meaning netstack or a reader cares about.
struct TcpInfo {
  std::uint32_t rto_us = 0, rtt_us = 0, rttvar_us = 0, min_rtt_us = 0, snd_mss = 0, rcv_mss = 0;
  std::uint32_t snd_cwnd = 0, snd_ssthresh = 0, unacked = 0, lost = 0, retrans = 0, total_retrans = 0;
  std::uint32_t segs_in = 0, segs_out = 0, reordering = 0, retransmits = 0;
  std::uint64_t bytes_acked = 0, bytes_received = 0, bytes_sent = 0, bytes_retrans = 0, delivery_rate = 0;
  std::uint32_t snd_wnd = 0;
};

// One sock_diag reply.
struct SocketInfo {
  int family = 0;          // AF_INET / AF_INET6
  // IPPROTO_TCP / IPPROTO_UDP / IPPROTO_RAW (then raw_protocol) /
  // IPPROTO_ICMP, IPPROTO_ICMPV6 for ping (datagram ICMP echo) sockets.
  unsigned protocol = 0;
  unsigned raw_protocol = 0;
  unsigned state = 0;      // Linux TCP_* numbering (UDP uses 1 connected, 7 otherwise)
  std::vector<std::uint8_t> local, remote;  // 4 or 16 bytes
  std::uint16_t local_port = 0, remote_port = 0;
  int bound_interface = 0;  // SO_BINDTODEVICE; 0 = any
  std::uint32_t inode = 0;
  std::uint64_t cookie = 0;
  std::uint32_t uid = 0;
  std::uint32_t receive_queue = 0, send_queue = 0;
  std::optional<std::uint32_t> drops;  // SK_MEMINFO_DROPS
  std::optional<TcpInfo> tcp;
  std::string congestion;  // INET_DIAG_CONG
};

// Readers. Each throws NetlinkError when the dump itself fails.
std::vector<LinkInfo> read_links(NetlinkSocket& route_socket);
std::vector<AddressInfo> read_addresses(NetlinkSocket& route_socket);
std::vector<RouteInfo> read_routes(NetlinkSocket& route_socket);
// IPv4 and IPv6 neighbor entries; NUD_NOARP ones (multicast, broadcast,
// point-to-point: never resolved) are left out, as netstack has no such entries.
std::vector<NeighborInfo> read_neighbors(NetlinkSocket& route_socket);
// TCP, UDP, raw and ping (datagram ICMP echo) sockets, IPv4 and IPv6, through
// sock_diag. Where the kernel has no sock_diag handler (ping sockets always;
// raw sockets without the raw_diag module) the socket tables
// `proc_net_dir`/icmp, icmp6, raw, raw6 serve instead.
std::vector<SocketInfo> read_sockets(NetlinkSocket& diag_socket, const std::string& proc_net_dir);
// A /proc/net socket table in the ping/raw layout (icmp, icmp6, raw, raw6: one
// socket per line after the header). `protocol` is IPPROTO_ICMP,
// IPPROTO_ICMPV6 or IPPROTO_RAW (whose "port" column is the IP protocol).
// `file` names the input in errors. Throws ProcParseError.
std::vector<SocketInfo> parse_proc_socket_table(std::string_view text, int family, unsigned protocol,
                                                std::string_view file);

// What a NIC node holds besides its link and addresses.
struct NicDetails {
  std::vector<NeighborInfo> neighbors;
  // ifindex -> the NIC's "Network Endpoint Stats" node (network_endpoint_stats).
  std::vector<std::pair<int, json::Value>> endpoint_stats;
};

// Pure builders of the payload root nodes.
json::Value nics_payload(const std::vector<LinkInfo>& links, const std::vector<AddressInfo>& addresses,
                         const NicDetails& details = {});
NicTotals nic_totals(const std::vector<LinkInfo>& links);
// Routes of the main table only unless `all_tables`.
json::Value routes_payload(const std::vector<RouteInfo>& routes, bool all_tables);
// `addresses` lets a socket bound to one local address name its NIC (RegisterNICID).
json::Value sockets_payload(const std::vector<SocketInfo>& sockets, const std::vector<AddressInfo>& addresses);

}  // namespace netinspect::capture
