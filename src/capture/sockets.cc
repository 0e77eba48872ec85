// Socket Info: NETLINK_SOCK_DIAG (TCP, UDP, raw; IPv4 and IPv6) into
// netstack's "Socket Info" node.
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "capture/format.h"
#include "capture/kernel_state.h"
#include "capture/netlink.h"
#include "capture/proc_counters.h"

namespace netinspect::capture {

namespace {

TcpInfo to_tcp_info(const nlattr* attribute) {
  struct tcp_info kernel {};
  // Older kernels send a shorter struct; newer ones a longer one.
  std::memcpy(&kernel, mnl_attr_get_payload(attribute),
              std::min<std::size_t>(mnl_attr_get_payload_len(attribute), sizeof kernel));
  TcpInfo info;
  info.rto_us = kernel.tcpi_rto;
  info.rtt_us = kernel.tcpi_rtt;
  info.rttvar_us = kernel.tcpi_rttvar;
  info.min_rtt_us = kernel.tcpi_min_rtt;
  info.snd_mss = kernel.tcpi_snd_mss;
  info.rcv_mss = kernel.tcpi_rcv_mss;
  info.snd_cwnd = kernel.tcpi_snd_cwnd;
  info.snd_ssthresh = kernel.tcpi_snd_ssthresh;
  info.unacked = kernel.tcpi_unacked;
  info.lost = kernel.tcpi_lost;
  info.retrans = kernel.tcpi_retrans;
  info.total_retrans = kernel.tcpi_total_retrans;
  info.retransmits = kernel.tcpi_retransmits;
  info.segs_in = kernel.tcpi_segs_in;
  info.segs_out = kernel.tcpi_segs_out;
  info.reordering = kernel.tcpi_reordering;
  info.bytes_acked = kernel.tcpi_bytes_acked;
  info.bytes_received = kernel.tcpi_bytes_received;
  info.bytes_sent = kernel.tcpi_bytes_sent;
  info.bytes_retrans = kernel.tcpi_bytes_retrans;
  info.delivery_rate = kernel.tcpi_delivery_rate;
  info.snd_wnd = kernel.tcpi_snd_wnd;
  return info;
}

void read_socket(const nlmsghdr& message, unsigned protocol, std::vector<SocketInfo>& sockets) {
  if (message.nlmsg_type != SOCK_DIAG_BY_FAMILY) return;
  if (mnl_nlmsg_get_payload_len(&message) < sizeof(inet_diag_msg)) return;
  inet_diag_msg header;
  std::memcpy(&header, mnl_nlmsg_get_payload(&message), sizeof header);
  SocketInfo socket;
  socket.family = header.idiag_family;
  socket.protocol = protocol;
  socket.state = header.idiag_state;
  std::size_t address_size = socket.family == AF_INET6 ? 16 : 4;
  const auto* source = reinterpret_cast<const std::uint8_t*>(header.id.idiag_src);
  const auto* destination = reinterpret_cast<const std::uint8_t*>(header.id.idiag_dst);
  socket.local.assign(source, source + address_size);
  socket.remote.assign(destination, destination + address_size);
  socket.local_port = ntohs(header.id.idiag_sport);
  socket.remote_port = ntohs(header.id.idiag_dport);
  socket.bound_interface = static_cast<int>(header.id.idiag_if);
  socket.cookie = header.id.idiag_cookie[0] | (static_cast<std::uint64_t>(header.id.idiag_cookie[1]) << 32);
  socket.inode = header.idiag_inode;
  socket.uid = header.idiag_uid;
  socket.receive_queue = header.idiag_rqueue;
  socket.send_queue = header.idiag_wqueue;
  if (protocol == IPPROTO_RAW) {
    // A raw socket's "port" is its IP protocol number.
    socket.raw_protocol = socket.local_port;
    socket.local_port = 0;
    socket.remote_port = 0;
  }
  for_each_attribute(message, sizeof(inet_diag_msg), [&](const nlattr* attribute) {
    switch (mnl_attr_get_type(attribute)) {
      case INET_DIAG_INFO:
        if (protocol == IPPROTO_TCP) socket.tcp = to_tcp_info(attribute);
        break;
      case INET_DIAG_SKMEMINFO:
        if (mnl_attr_get_payload_len(attribute) >= (SK_MEMINFO_DROPS + 1) * sizeof(std::uint32_t)) {
          std::uint32_t drops;
          std::memcpy(&drops, static_cast<const char*>(mnl_attr_get_payload(attribute)) +
                                  SK_MEMINFO_DROPS * sizeof(std::uint32_t), sizeof drops);
          socket.drops = drops;
        }
        break;
      case INET_DIAG_CONG:
        if (mnl_attr_validate(attribute, MNL_TYPE_NUL_STRING) >= 0) socket.congestion = mnl_attr_get_str(attribute);
        break;
      case INET_DIAG_PROTOCOL:
        if (protocol == IPPROTO_RAW && mnl_attr_validate(attribute, MNL_TYPE_U8) >= 0) {
          socket.raw_protocol = mnl_attr_get_u8(attribute);
        }
        break;
      default:
        break;
    }
  });
  sockets.push_back(std::move(socket));
}

void dump_sockets(NetlinkSocket& diag_socket, int family, unsigned protocol, std::vector<SocketInfo>& sockets) {
  alignas(nlmsghdr) char buffer[kRequestBufferSize] = {};
  nlmsghdr* request = mnl_nlmsg_put_header(buffer);
  request->nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  // inet_diag_req_raw has inet_diag_req_v2's layout, with the raw protocol in its padding byte.
  auto* body = static_cast<inet_diag_req_raw*>(mnl_nlmsg_put_extra_header(request, sizeof(inet_diag_req_raw)));
  body->sdiag_family = static_cast<std::uint8_t>(family);
  body->sdiag_protocol = static_cast<std::uint8_t>(protocol);
  body->idiag_states = ~0u;
  body->idiag_ext = static_cast<std::uint8_t>(1u << (INET_DIAG_SKMEMINFO - 1));
  if (protocol == IPPROTO_TCP) {
    body->idiag_ext |= static_cast<std::uint8_t>((1u << (INET_DIAG_INFO - 1)) | (1u << (INET_DIAG_CONG - 1)));
  }
  if (protocol == IPPROTO_RAW) body->sdiag_raw_protocol = IPPROTO_RAW;  // every raw socket
  const char* what = protocol == IPPROTO_TCP   ? "sock_diag TCP"
                     : protocol == IPPROTO_UDP ? "sock_diag UDP"
                     : protocol == IPPROTO_RAW ? "sock_diag raw"
                                               : "sock_diag ICMP";
  diag_socket.dump(request, what, [&](const nlmsghdr& message) { read_socket(message, protocol, sockets); });
}

}  // namespace

std::vector<SocketInfo> read_sockets(NetlinkSocket& diag_socket, const std::string& proc_net_dir) {
  struct Source {
    int family;
    unsigned protocol;
    const char* table;  // under proc_net_dir, when sock_diag cannot dump the protocol
  };
  static constexpr Source kSources[] = {
      {AF_INET, IPPROTO_TCP, nullptr},  {AF_INET6, IPPROTO_TCP, nullptr},  {AF_INET, IPPROTO_UDP, nullptr},
      {AF_INET6, IPPROTO_UDP, nullptr}, {AF_INET, IPPROTO_RAW, "raw"},     {AF_INET6, IPPROTO_RAW, "raw6"},
      {AF_INET, IPPROTO_ICMP, "icmp"},  {AF_INET6, IPPROTO_ICMPV6, "icmp6"},
  };
  std::vector<SocketInfo> sockets;
  for (const Source& source : kSources) {
    try {
      dump_sockets(diag_socket, source.family, source.protocol, sockets);
    } catch (const NetlinkError& error) {
      // ENOENT: no sock_diag handler. Ping sockets never have one; raw ones
      // need the raw_diag module. TCP and UDP always have one.
      if (source.table == nullptr || error.error_number != ENOENT) throw;
      std::string file = proc_net_dir + "/" + source.table;
      std::vector<SocketInfo> table =
          parse_proc_socket_table(read_text_file(file), source.family, source.protocol, file);
      sockets.insert(sockets.end(), std::make_move_iterator(table.begin()), std::make_move_iterator(table.end()));
    }
  }
  return sockets;
}

namespace {

std::string_view socket_kind(unsigned protocol) {
  switch (protocol) {
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_RAW: return "raw";
    default: return "ping";
  }
}

// Strings most sockets share ("IPv4", "TCP", "LISTEN", "0"...) are made once:
// a json::Value copy shares its payload, so 10,000 sockets cost no extra
// allocation for them.
class SharedStrings {
 public:
  const json::Value& operator()(std::string_view text) {
    auto found = values_.find(text);
    if (found != values_.end()) return found->second;
    return values_.emplace(std::string(text), json::Value::string(text)).first->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  std::unordered_map<std::string, json::Value, Hash, std::equal_to<>> values_;
};

json::Value object_of(json::Object object) { return json::Value::object(std::move(object)); }

json::Value tcp_info_node(const TcpInfo& tcp) {
  json::Object info;
  info.reserve(20);
  info.set("RtoMicros", counter(tcp.rto_us));
  info.set("RttMicros", counter(tcp.rtt_us));
  info.set("RttVarMicros", counter(tcp.rttvar_us));
  info.set("MinRttMicros", counter(tcp.min_rtt_us));
  info.set("SendMss", counter(tcp.snd_mss));
  info.set("ReceiveMss", counter(tcp.rcv_mss));
  info.set("CongestionWindow", counter(tcp.snd_cwnd));
  info.set("SlowStartThreshold", counter(tcp.snd_ssthresh));
  info.set("Unacked", counter(tcp.unacked));
  info.set("Lost", counter(tcp.lost));
  info.set("Retrans", counter(tcp.retrans));
  info.set("Retransmits", counter(tcp.retransmits));
  info.set("TotalRetrans", counter(tcp.total_retrans));
  info.set("Reordering", counter(tcp.reordering));
  info.set("BytesAcked", counter(tcp.bytes_acked));
  info.set("BytesReceived", counter(tcp.bytes_received));
  info.set("BytesSent", counter(tcp.bytes_sent));
  info.set("BytesRetrans", counter(tcp.bytes_retrans));
  info.set("DeliveryRate", counter(tcp.delivery_rate));
  info.set("SendWindow", counter(tcp.snd_wnd));
  return object_of(std::move(info));
}

}  // namespace

json::Value sockets_payload(const std::vector<SocketInfo>& sockets, const std::vector<AddressInfo>& addresses) {
  // Built as json objects directly, not through NodeBuilder: this node holds
  // every socket of the host and dominates the cost of a capture.
  SharedStrings shared;
  json::Object root;
  root.reserve(sockets.size());
  std::unordered_set<std::uint64_t> used_keys;
  used_keys.reserve(sockets.size());
  for (const SocketInfo& socket : sockets) {
    // The inode is the socket's stable id (what `ss -e` and /proc/*/fd show);
    // sockets without one (TIME-WAIT, pending connections) use their cookie.
    std::uint64_t key = socket.inode != 0 ? socket.inode : socket.cookie;
    while (!used_keys.insert(key).second) ++key;
    json::Object node;
    node.reserve(11);
    node.set("NetworkProtocol", shared(socket.family == AF_INET6 ? "IPv6" : "IPv4"));
    unsigned transport = socket.protocol == IPPROTO_RAW ? socket.raw_protocol : socket.protocol;
    node.set("TransportProtocol", shared(transport_protocol_name(transport)));
    std::string_view state = socket.protocol == IPPROTO_TCP   ? tcp_state_name(socket.state, socket.local_port)
                             : socket.protocol == IPPROTO_UDP ? udp_state_name(socket.state, socket.local_port)
                                                              : std::string_view();
    node.set("State", shared(state));
    node.set("LocalAddress", json::Value::string(format_endpoint(socket.family, socket.local, socket.local_port)));
    node.set("RemoteAddress", json::Value::string(format_endpoint(socket.family, socket.remote, socket.remote_port)));
    node.set("BindAddress", shared(""));
    node.set("BindNICID", shared(std::to_string(socket.bound_interface)));
    int register_nic = socket.bound_interface;
    if (register_nic == 0) {
      for (const AddressInfo& address : addresses) {
        if (address.family == socket.family && address.address == socket.local) {
          register_nic = address.index;
          break;
        }
      }
    }
    node.set("RegisterNICID", shared(std::to_string(register_nic)));

    json::Object stats;
    if (socket.tcp) {
      stats.set("SegmentsReceived", counter(socket.tcp->segs_in));
      stats.set("SegmentsSent", counter(socket.tcp->segs_out));
    }
    if (socket.drops) {
      json::Object receive_errors;
      receive_errors.set("ReceiveBufferOverflow", counter(*socket.drops));
      stats.set("ReceiveErrors", object_of(std::move(receive_errors)));
    }
    if (socket.tcp) {
      json::Object send_errors;
      send_errors.set("Retransmits", counter(socket.tcp->total_retrans));
      stats.set("SendErrors", object_of(std::move(send_errors)));
    }
    node.set("Stats", object_of(std::move(stats)));

    json::Object extra;
    extra.reserve(9);
    extra.set("Kind", shared(socket_kind(socket.protocol)));
    extra.set("Inode", counter(socket.inode));
    extra.set("Cookie", counter(socket.cookie));
    extra.set("UID", counter(socket.uid));
    extra.set("ReceiveQueue", counter(socket.receive_queue));
    extra.set("SendQueue", counter(socket.send_queue));
    if (socket.protocol == IPPROTO_RAW) extra.set("RawProtocol", counter(socket.raw_protocol));
    if (socket.tcp) {
      extra.set("Congestion", shared(socket.congestion));
      extra.set("TcpInfo", tcp_info_node(*socket.tcp));
    }
    node.set("Linux", object_of(std::move(extra)));
    root.set(std::to_string(key), object_of(std::move(node)));
  }
  return object_of(std::move(root));
}

}  // namespace netinspect::capture
