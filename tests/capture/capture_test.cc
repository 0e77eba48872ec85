// Unit tests of src/capture: /proc parsers on stored sample texts, the
// netstack spellings, the payload builders on hand-made kernel state, and
// the snapshot writer.
#include <gtest/gtest.h>
#include <linux/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "capture/capture.h"
#include "capture/format.h"
#include "capture/kernel_state.h"
#include "capture/proc_counters.h"
#include "capture/snapshot.h"
#include "json/write.h"

namespace netinspect::capture {
namespace {

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(NETINSPECT_CAPTURE_TEST_DATA) + "/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ProcNetTexts sample_texts() {
  return {read_data("proc_net_snmp.txt"), read_data("proc_net_snmp6.txt"), read_data("proc_net_netstat.txt"),
          read_data("proc_net_sockstat.txt"), read_data("proc_net_sockstat6.txt")};
}

std::string at(const json::Value& value, std::initializer_list<std::string_view> path) {
  json::Value node = value;
  for (std::string_view key : path) node = node.get(key);
  return json::to_json(node);
}

const std::string* find_counter(const std::vector<CounterGroup>& groups, std::string_view group, std::string_view name) {
  for (const CounterGroup& g : groups) {
    if (g.name != group) continue;
    for (const auto& [key, value] : g.counters) {
      if (key == name) return &value;
    }
  }
  return nullptr;
}

std::vector<std::uint8_t> v4(int a, int b, int c, int d) {
  return {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(c),
          static_cast<std::uint8_t>(d)};
}

std::vector<std::uint8_t> v6(std::initializer_list<std::uint8_t> head, std::uint8_t last) {
  std::vector<std::uint8_t> bytes(16, 0);
  std::copy(head.begin(), head.end(), bytes.begin());
  bytes[15] = last;
  return bytes;
}

TEST(Format, Addresses) {
  EXPECT_EQ(format_ip(AF_INET, v4(192, 168, 1, 23)), "192.168.1.23");
  EXPECT_EQ(format_ip(AF_INET6, v6({0xfd, 0x00, 0x02, 0x00}, 1)), "fd00:200::1");
  EXPECT_EQ(format_ip(AF_INET6, v6({}, 0)), "::");
  std::vector<std::uint8_t> mapped = v6({}, 4);
  mapped[10] = mapped[11] = 0xff;
  mapped[12] = 1;
  mapped[13] = 2;
  mapped[14] = 3;
  EXPECT_EQ(format_ip(AF_INET6, mapped), "::ffff:1.2.3.4");
  EXPECT_EQ(format_ip(AF_INET, {}), "<nil>");
  EXPECT_EQ(format_endpoint(AF_INET, v4(0, 0, 0, 0), 0), "0.0.0.0:0");
  EXPECT_EQ(format_endpoint(AF_INET6, v6({}, 0), 8080), "[::]:8080");
  EXPECT_EQ(format_endpoint(AF_INET6, {}, 0), "<nil>:0");
  EXPECT_EQ(format_protocol_address(AF_INET, v4(127, 0, 0, 1), 8), "[ipv4] 127.0.0.1/8");
  EXPECT_EQ(format_protocol_address(AF_INET6, v6({}, 1), 128), "[ipv6] ::1/128");
  EXPECT_EQ(format_subnet(AF_INET, v4(10, 200, 9, 0), 24), "10.200.9.0/24");
  EXPECT_EQ(format_link_address(std::vector<std::uint8_t>{0x02, 0xfc, 0, 0, 0, 1}), "02:fc:00:00:00:01");
  EXPECT_EQ(format_link_address(std::vector<std::uint8_t>{}), "");
}

TEST(Format, StatesAndProtocols) {
  EXPECT_EQ(tcp_state_name(1, 80), "ESTABLISHED");
  EXPECT_EQ(tcp_state_name(2, 1), "SYN-SENT");
  EXPECT_EQ(tcp_state_name(3, 1), "SYN-RCVD");
  EXPECT_EQ(tcp_state_name(4, 1), "FIN-WAIT1");
  EXPECT_EQ(tcp_state_name(5, 1), "FIN-WAIT2");
  EXPECT_EQ(tcp_state_name(6, 1), "TIME-WAIT");
  EXPECT_EQ(tcp_state_name(7, 1), "BOUND");
  EXPECT_EQ(tcp_state_name(7, 0), "CLOSED");
  EXPECT_EQ(tcp_state_name(8, 1), "CLOSE-WAIT");
  EXPECT_EQ(tcp_state_name(9, 1), "LAST-ACK");
  EXPECT_EQ(tcp_state_name(10, 1), "LISTEN");
  EXPECT_EQ(tcp_state_name(11, 1), "CLOSING");
  EXPECT_EQ(tcp_state_name(99, 1), "ERROR");
  EXPECT_EQ(udp_state_name(1, 5000), "CONNECTED");
  EXPECT_EQ(udp_state_name(7, 5000), "BOUND");
  EXPECT_EQ(udp_state_name(7, 0), "INITIAL");
  EXPECT_EQ(transport_protocol_name(IPPROTO_TCP), "TCP");
  EXPECT_EQ(transport_protocol_name(IPPROTO_UDP), "UDP");
  EXPECT_EQ(transport_protocol_name(IPPROTO_ICMP), "ICMPv4");
  EXPECT_EQ(transport_protocol_name(IPPROTO_ICMPV6), "ICMPv6");
  EXPECT_EQ(transport_protocol_name(IPPROTO_RAW), "UNKNOWN");
}

TEST(Format, CountersKeepAll64Bits) {
  EXPECT_EQ(json::to_json(counter(18446744073709551615ULL)), "18446744073709551615");
  EXPECT_EQ(json::to_json(counter(0)), "0");
  EXPECT_EQ(json::to_json(integer_literal("-1")), "-1");
  EXPECT_EQ(json::to_json(integer_literal("9007199254740993")), "9007199254740993");
  EXPECT_TRUE(integer_literal("").is_null());
  EXPECT_TRUE(integer_literal("1x").is_null());
  EXPECT_TRUE(integer_literal("-").is_null());
  EXPECT_TRUE(integer_literal("012").is_null());
  EXPECT_TRUE(integer_literal("123456789012345678901").is_null());
}

TEST(ProcParsers, SnmpSample) {
  auto groups = parse_snmp_text(read_data("proc_net_snmp.txt"), "snmp");
  std::vector<std::string> names;
  for (const CounterGroup& group : groups) names.push_back(group.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite"}));
  ASSERT_NE(find_counter(groups, "Tcp", "MaxConn"), nullptr);
  EXPECT_EQ(*find_counter(groups, "Tcp", "MaxConn"), "-1");
  EXPECT_EQ(*find_counter(groups, "Tcp", "ActiveOpens"), "14");
  EXPECT_EQ(*find_counter(groups, "Udp", "InDatagrams"), "29");
}

TEST(ProcParsers, NetstatSample) {
  auto groups = parse_snmp_text(read_data("proc_net_netstat.txt"), "netstat");
  ASSERT_GE(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "TcpExt");
  EXPECT_GT(groups[0].counters.size(), 100u);
  EXPECT_NE(find_counter(groups, "TcpExt", "TCPTimeouts"), nullptr);
  EXPECT_NE(find_counter(groups, "IpExt", "InOctets"), nullptr);
}

TEST(ProcParsers, Snmp6Sample) {
  auto groups = parse_snmp6_text(read_data("proc_net_snmp6.txt"), "snmp6");
  ASSERT_NE(find_counter(groups, "Ip6", "InReceives"), nullptr);
  EXPECT_EQ(*find_counter(groups, "Ip6", "InReceives"), "1");
  EXPECT_EQ(*find_counter(groups, "Ip6", "OutRequests"), "10");
  EXPECT_NE(find_counter(groups, "Icmp6", "InDestUnreachs"), nullptr);
  EXPECT_NE(find_counter(groups, "Udp6", "InDatagrams"), nullptr);
  EXPECT_NE(find_counter(groups, "UdpLite6", "InDatagrams"), nullptr);
  auto typed = parse_snmp6_text("Icmp6InType133 4\nIcmp6OutType135\t2\n", "x");
  ASSERT_EQ(typed.size(), 1u);
  EXPECT_EQ(typed[0].counters[0].first, "InType133");
}

TEST(ProcParsers, SockstatSample) {
  auto groups = parse_sockstat_text(read_data("proc_net_sockstat.txt"), "sockstat");
  EXPECT_EQ(*find_counter(groups, "sockets", "used"), "14");
  EXPECT_EQ(*find_counter(groups, "TCP", "inuse"), "1");
  EXPECT_EQ(*find_counter(groups, "FRAG", "memory"), "0");
  auto six = parse_sockstat_text(read_data("proc_net_sockstat6.txt"), "sockstat6");
  EXPECT_NE(find_counter(six, "TCP6", "inuse"), nullptr);
}

TEST(ProcParsers, EmptyTextIsNoGroups) {
  EXPECT_TRUE(parse_snmp_text("", "x").empty());
  EXPECT_TRUE(parse_snmp6_text("\n\n", "x").empty());
  EXPECT_TRUE(parse_sockstat_text("", "x").empty());
}

void expect_parse_error(const std::function<void()>& parse, const std::string& message) {
  try {
    parse();
    ADD_FAILURE() << "no error; expected: " << message;
  } catch (const ProcParseError& error) {
    EXPECT_EQ(error.what(), message);
  }
}

TEST(ProcParsers, MalformedTextsNameFileAndLine) {
  expect_parse_error([] { parse_snmp_text("Tcp: A B\n", "/proc/net/snmp"); },
                     "/proc/net/snmp: line 1: header of 'Tcp' has no value line");
  expect_parse_error([] { parse_snmp_text("Tcp: A B\nTcp: 1\n", "/proc/net/snmp"); },
                     "/proc/net/snmp: line 2: 'Tcp' has 2 names but 1 values");
  expect_parse_error([] { parse_snmp_text("Tcp: A\nUdp: 1\n", "f"); }, "f: line 2: expected the values of 'Tcp'");
  expect_parse_error([] { parse_snmp_text("Tcp: A\nTcp: x\n", "f"); }, "f: line 2: 'Tcp A' is not an integer: 'x'");
  expect_parse_error([] { parse_snmp_text("garbage\n", "f"); },
                     "f: line 1: expected 'Group: Name...' header, got 'garbage'");
  expect_parse_error([] { parse_snmp6_text("Ip6InReceives\n", "f"); }, "f: line 1: expected 'Name value'");
  expect_parse_error([] { parse_snmp6_text("Ip6InReceives 1 2\n", "f"); }, "f: line 1: expected 'Name value'");
  expect_parse_error([] { parse_snmp6_text("Ip6InReceives z\n", "f"); }, "f: line 1: 'Ip6InReceives' is not an integer");
  expect_parse_error([] { parse_sockstat_text("TCP: inuse\n", "f"); }, "f: line 1: 'TCP' has a name without a value");
  expect_parse_error([] { parse_sockstat_text("TCP inuse 1\n", "f"); }, "f: line 1: expected 'GROUP: name value...'");
  expect_parse_error([] { parse_sockstat_text("TCP: inuse -\n", "f"); }, "f: line 1: 'TCP inuse' is not an integer");
}

TEST(StatCounters, MapsKernelCountersOntoNetstackNames) {
  NicTotals totals;
  totals.present = true;
  totals.rx_bytes = 1000;
  totals.rx_packets = 10;
  totals.tx_bytes = 2000;
  totals.tx_packets = 20;
  totals.rx_nohandler = 3;
  json::Value counters = stat_counters_payload(sample_texts(), totals);
  EXPECT_EQ(at(counters, {"TCP", "ActiveConnectionOpenings"}), "14");
  EXPECT_EQ(at(counters, {"TCP", "PassiveConnectionOpenings"}), "2");
  EXPECT_EQ(at(counters, {"TCP", "SegmentsSent"}), "391");
  EXPECT_EQ(at(counters, {"TCP", "ValidSegmentsReceived"}), "543");  // InSegs 543 - InErrs 0
  EXPECT_EQ(at(counters, {"TCP", "ResetsSent"}), "2");
  EXPECT_EQ(at(counters, {"UDP", "PacketsReceived"}), "29");  // Udp 29 + Udp6 0
  EXPECT_EQ(at(counters, {"UDP", "PacketsSent"}), "30");
  EXPECT_EQ(at(counters, {"UDP", "UnknownPortErrors"}), "0");
  EXPECT_EQ(at(counters, {"IP", "PacketsReceived"}), "574");  // Ip 573 + Ip6 1
  EXPECT_EQ(at(counters, {"IP", "PacketsSent"}), "430");      // Ip 420 + Ip6 10
  EXPECT_EQ(at(counters, {"SocketCount"}), "1");
  EXPECT_EQ(at(counters, {"ICMP", "V4", "PacketsReceived", "DstUnreachable"}), "1");
  EXPECT_EQ(at(counters, {"NICs", "Rx", "Bytes"}), "1000");
  EXPECT_EQ(at(counters, {"NICs", "Tx", "Packets"}), "20");
  EXPECT_EQ(at(counters, {"NICs", "UnknownL3ProtocolRcvdPacketCounts", "Total", "Count"}), "\"3\"");
  // Every kernel counter is also kept as read.
  EXPECT_EQ(at(counters, {"Linux", "Tcp", "MaxConn"}), "-1");
  EXPECT_EQ(at(counters, {"Linux", "Tcp", "ActiveOpens"}), "14");
  EXPECT_EQ(at(counters, {"Linux", "Ip6", "InReceives"}), "1");
  EXPECT_NE(at(counters, {"Linux", "TcpExt", "TCPTimeouts"}), "null");
  EXPECT_EQ(at(counters, {"Linux", "Sockstat", "sockets", "used"}), "14");
}

TEST(StatCounters, MissingFilesLeaveTheirCountersOut) {
  ProcNetTexts texts;
  texts.snmp = "Tcp: ActiveOpens InSegs\nTcp: 5 7\n";
  json::Value counters = stat_counters_payload(texts, {});
  EXPECT_EQ(at(counters, {"TCP", "ActiveConnectionOpenings"}), "5");
  EXPECT_EQ(at(counters, {"TCP", "ValidSegmentsReceived"}), "7");
  EXPECT_EQ(at(counters, {"UDP"}), "null");
  EXPECT_EQ(at(counters, {"NICs"}), "null");
  EXPECT_EQ(at(counters, {"Linux", "Tcp"}), "{\"ActiveOpens\":5,\"InSegs\":7}");
}

TEST(StatCounters, NegativeDifferencesClampToZero) {
  ProcNetTexts texts;
  texts.snmp = "Tcp: InSegs InErrs\nTcp: 1 3\n";
  EXPECT_EQ(at(stat_counters_payload(texts, {}), {"TCP", "ValidSegmentsReceived"}), "0");
}

TEST(StatCounters, MalformedTextThrows) {
  ProcNetTexts texts;
  texts.netstat = "TcpExt: A\n";
  EXPECT_THROW(stat_counters_payload(texts, {}), ProcParseError);
}

std::vector<AddressInfo> sample_addresses() {
  return {{1, AF_INET, 8, v4(127, 0, 0, 1)},
          {2, AF_INET6, 64, v6({0xfd, 0x00, 0x02, 0x00}, 1)},
          {1, AF_INET6, 128, v6({}, 1)},
          {2, AF_INET, 24, v4(10, 200, 1, 1)}};
}

TEST(Nics, NetstackShape) {
  LinkInfo lo;
  lo.index = 1;
  lo.name = "lo";
  lo.flags = IFF_UP | IFF_RUNNING | IFF_LOOPBACK | IFF_LOWER_UP;
  lo.mtu = 65536;
  lo.address = std::vector<std::uint8_t>(6, 0);
  LinkInfo veth;
  veth.index = 2;
  veth.name = "nia";
  veth.flags = IFF_UP | IFF_PROMISC;  // no carrier
  veth.mtu = 1500;
  veth.kind = "veth";
  veth.stats = {{"rx_packets", 5}, {"tx_packets", 6}, {"rx_bytes", 500}, {"tx_bytes", 600}, {"tx_dropped", 2}};
  json::Value nics = nics_payload({lo, veth}, sample_addresses());
  EXPECT_EQ(json::to_json(nics.get("1")),
            "{\"Name\":\"lo\",\"NICID\":\"1\",\"AdminUp\":\"true\",\"LinkOnline\":\"true\",\"Up\":\"true\","
            "\"Running\":\"true\",\"Loopback\":\"true\",\"Promiscuous\":\"false\",\"LinkAddress\":\"00:00:00:00:00:00\","
            "\"ProtocolAddress0\":\"[ipv4] 127.0.0.1/8\",\"ProtocolAddress1\":\"[ipv6] ::1/128\",\"MTU\":65536,"
            "\"Linux\":{\"Kind\":\"\",\"OperState\":\"UNKNOWN\",\"TxQueueLength\":0,\"Flags\":65609}}");
  json::Value nia = nics.get("2");
  EXPECT_EQ(at(nia, {"LinkOnline"}), "\"false\"");
  EXPECT_EQ(at(nia, {"Running"}), "\"false\"");
  EXPECT_EQ(at(nia, {"Promiscuous"}), "\"true\"");
  EXPECT_EQ(at(nia, {"LinkAddress"}), "null");  // only when the link has one
  EXPECT_EQ(at(nia, {"ProtocolAddress0"}), "\"[ipv4] 10.200.1.1/24\"");  // IPv4 first
  EXPECT_EQ(at(nia, {"ProtocolAddress1"}), "\"[ipv6] fd00:200::1/64\"");
  EXPECT_EQ(at(nia, {"Stats", "Rx"}), "{\"Bytes\":500,\"Packets\":5}");
  EXPECT_EQ(at(nia, {"Stats", "TxPacketsDroppedNoBufferSpace"}), "2");
  EXPECT_EQ(at(nia, {"Stats", "UnknownL3ProtocolRcvdPacketCounts", "Total", "Count"}), "\"0\"");
  EXPECT_EQ(at(nia, {"Linux", "Kind"}), "\"veth\"");
  EXPECT_EQ(at(nia, {"Linux", "Stats", "tx_dropped"}), "2");
  NicTotals totals = nic_totals({lo, veth});
  EXPECT_TRUE(totals.present);
  EXPECT_EQ(totals.rx_bytes, 500u);
}

TEST(Routes, NetstackShapeAndTableFilter) {
  RouteInfo default_route;
  default_route.family = AF_INET;
  default_route.gateway_family = AF_INET;
  default_route.gateway = v4(10, 200, 1, 1);
  default_route.output_interface = 2;
  default_route.table = RT_TABLE_MAIN;
  default_route.protocol = RTPROT_DHCP;
  default_route.type = RTN_UNICAST;
  RouteInfo v6_route;
  v6_route.family = AF_INET6;
  v6_route.gateway_family = AF_INET6;
  v6_route.dst_len = 64;
  v6_route.destination = v6({0xfd, 0x00, 0x02, 0x09}, 0);
  v6_route.output_interface = 2;
  v6_route.priority = 512;
  v6_route.table = RT_TABLE_MAIN;
  v6_route.flags = RTNH_F_LINKDOWN;
  RouteInfo local_route;
  local_route.family = AF_INET;
  local_route.dst_len = 32;
  local_route.destination = v4(127, 0, 0, 1);
  local_route.output_interface = 1;
  local_route.table = RT_TABLE_LOCAL;
  local_route.type = RTN_LOCAL;

  json::Value main_only = routes_payload({default_route, v6_route, local_route}, false);
  EXPECT_EQ(main_only.size(), 2u);
  EXPECT_EQ(json::to_json(main_only.get("0")),
            "{\"Destination\":\"0.0.0.0/0\",\"Gateway\":\"10.200.1.1\",\"NIC\":\"2\",\"Metric\":\"0\","
            "\"MetricTracksInterface\":\"false\",\"Dynamic\":\"true\",\"Enabled\":\"true\",\"Linux\":{\"Table\":\"main\","
            "\"Type\":\"unicast\",\"Protocol\":\"dhcp\",\"Scope\":\"global\",\"PreferredSource\":\"\"}}");
  EXPECT_EQ(at(main_only.get("1"), {"Destination"}), "\"fd00:209::/64\"");
  EXPECT_EQ(at(main_only.get("1"), {"Metric"}), "\"512\"");
  EXPECT_EQ(at(main_only.get("1"), {"Enabled"}), "\"false\"");
  json::Value all = routes_payload({default_route, v6_route, local_route}, true);
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(at(all.get("2"), {"Linux", "Table"}), "\"local\"");
  EXPECT_EQ(at(all.get("2"), {"Linux", "Type"}), "\"local\"");
}

TEST(Sockets, NetstackShape) {
  SocketInfo listener;
  listener.family = AF_INET;
  listener.protocol = IPPROTO_TCP;
  listener.state = 10;
  listener.local = v4(10, 200, 1, 1);
  listener.remote = v4(0, 0, 0, 0);
  listener.local_port = 5000;
  listener.inode = 777;
  listener.tcp = TcpInfo{};
  listener.tcp->segs_in = 3;
  listener.drops = 1;
  SocketInfo time_wait = listener;
  time_wait.state = 6;
  time_wait.inode = 0;
  time_wait.cookie = 777;  // collides with the listener's inode: must not overwrite it
  time_wait.remote = v4(10, 200, 1, 2);
  time_wait.remote_port = 40000;
  SocketInfo udp;
  udp.family = AF_INET6;
  udp.protocol = IPPROTO_UDP;
  udp.state = 7;
  udp.local = v6({}, 0);
  udp.remote = v6({}, 0);
  udp.local_port = 546;
  udp.bound_interface = 2;
  udp.inode = 900;
  SocketInfo raw;
  raw.family = AF_INET;
  raw.protocol = IPPROTO_RAW;
  raw.raw_protocol = IPPROTO_ICMP;
  raw.state = 7;
  raw.local = v4(0, 0, 0, 0);
  raw.remote = v4(0, 0, 0, 0);
  raw.inode = 901;

  json::Value sockets = sockets_payload({listener, time_wait, udp, raw}, sample_addresses());
  ASSERT_EQ(sockets.size(), 4u);
  json::Value tcp = sockets.get("777");
  EXPECT_EQ(at(tcp, {"State"}), "\"LISTEN\"");
  EXPECT_EQ(at(tcp, {"NetworkProtocol"}), "\"IPv4\"");
  EXPECT_EQ(at(tcp, {"LocalAddress"}), "\"10.200.1.1:5000\"");
  EXPECT_EQ(at(tcp, {"RemoteAddress"}), "\"0.0.0.0:0\"");
  EXPECT_EQ(at(tcp, {"BindNICID"}), "\"0\"");
  EXPECT_EQ(at(tcp, {"RegisterNICID"}), "\"2\"");  // the NIC holding 10.200.1.1
  EXPECT_EQ(at(tcp, {"Stats", "SegmentsReceived"}), "3");
  EXPECT_EQ(at(tcp, {"Stats", "ReceiveErrors", "ReceiveBufferOverflow"}), "1");
  EXPECT_EQ(at(sockets.get("778"), {"State"}), "\"TIME-WAIT\"");
  json::Value dgram = sockets.get("900");
  EXPECT_EQ(at(dgram, {"State"}), "\"BOUND\"");
  EXPECT_EQ(at(dgram, {"LocalAddress"}), "\"[::]:546\"");
  EXPECT_EQ(at(dgram, {"BindNICID"}), "\"2\"");
  EXPECT_EQ(at(dgram, {"Stats"}), "{}");
  json::Value icmp = sockets.get("901");
  EXPECT_EQ(at(icmp, {"TransportProtocol"}), "\"ICMPv4\"");
  EXPECT_EQ(at(icmp, {"State"}), "\"\"");
  EXPECT_EQ(at(icmp, {"Linux", "RawProtocol"}), "1");
}

TEST(ProcSocketTables, PingAndRawSamples) {
  std::vector<SocketInfo> v4_sockets = parse_proc_socket_table(read_data("proc_net_icmp.txt"), AF_INET, IPPROTO_ICMP, "icmp");
  ASSERT_EQ(v4_sockets.size(), 2u);
  EXPECT_EQ(v4_sockets[0].protocol, unsigned{IPPROTO_ICMP});
  EXPECT_EQ(v4_sockets[0].local, v4(127, 0, 0, 1));
  EXPECT_EQ(v4_sockets[0].local_port, 0xADF3);  // the echo identifier
  EXPECT_EQ(v4_sockets[0].remote, v4(0, 0, 0, 0));
  EXPECT_EQ(v4_sockets[0].state, 7u);
  EXPECT_EQ(v4_sockets[0].inode, 1150279u);
  ASSERT_TRUE(v4_sockets[0].drops.has_value());
  EXPECT_EQ(*v4_sockets[0].drops, 0u);
  EXPECT_EQ(v4_sockets[1].remote, v4(127, 0, 0, 1));
  EXPECT_EQ(v4_sockets[1].state, 1u);
  EXPECT_EQ(v4_sockets[1].receive_queue, 0x340u);
  std::vector<SocketInfo> v6_sockets = parse_proc_socket_table(read_data("proc_net_icmp6.txt"), AF_INET6, IPPROTO_ICMPV6, "icmp6");
  ASSERT_EQ(v6_sockets.size(), 1u);
  EXPECT_EQ(v6_sockets[0].protocol, unsigned{IPPROTO_ICMPV6});
  EXPECT_EQ(v6_sockets[0].local, v6({}, 1));  // ::1
  EXPECT_EQ(v6_sockets[0].inode, 1150281u);
  EXPECT_TRUE(parse_proc_socket_table("", AF_INET, IPPROTO_ICMP, "icmp").empty());

  json::Value sockets = sockets_payload({v4_sockets[1], v6_sockets[0]}, sample_addresses());
  json::Value connected = sockets.get("1150280");
  EXPECT_EQ(at(connected, {"NetworkProtocol"}), "\"IPv4\"");
  EXPECT_EQ(at(connected, {"TransportProtocol"}), "\"ICMPv4\"");
  EXPECT_EQ(at(connected, {"State"}), "\"\"");  // netstack publishes no state for ICMP endpoints
  EXPECT_EQ(at(connected, {"LocalAddress"}), "\"127.0.0.1:44532\"");
  EXPECT_EQ(at(connected, {"RemoteAddress"}), "\"127.0.0.1:0\"");
  EXPECT_EQ(at(connected, {"RegisterNICID"}), "\"1\"");
  EXPECT_EQ(at(connected, {"Stats", "ReceiveErrors", "ReceiveBufferOverflow"}), "0");
  EXPECT_EQ(at(connected, {"Linux", "Kind"}), "\"ping\"");
  EXPECT_EQ(at(sockets.get("1150281"), {"TransportProtocol"}), "\"ICMPv6\"");
  EXPECT_EQ(at(sockets.get("1150281"), {"LocalAddress"}), "\"[::1]:44533\"");

  // /proc/net/raw has the same layout; its "port" is the socket's IP protocol.
  std::vector<SocketInfo> raw = parse_proc_socket_table(
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
      "  1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 3\n",
      AF_INET, IPPROTO_RAW, "raw");
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_EQ(raw[0].raw_protocol, unsigned{IPPROTO_ICMP});
  EXPECT_EQ(raw[0].local_port, 0);
  json::Value raw_node = sockets_payload(raw, {}).get("4242");
  EXPECT_EQ(at(raw_node, {"TransportProtocol"}), "\"ICMPv4\"");
  EXPECT_EQ(at(raw_node, {"Linux", "Kind"}), "\"raw\"");
  EXPECT_EQ(at(raw_node, {"Stats", "ReceiveErrors", "ReceiveBufferOverflow"}), "3");
}

TEST(ProcSocketTables, MalformedLinesNameFileAndLine) {
  std::string header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";
  for (const char* line : {"   1: 0100007F:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5\n",
                           "   1: 0100007:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5 2 0 0\n",
                           "   1: 0100007F:0001 00000000:0000 07 0000000000000000 00:00000000 00000000     0        0 5 2 0 0\n",
                           "   1: 0100007F:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     x        0 5 2 0 0\n"}) {
    try {
      parse_proc_socket_table(header + line, AF_INET, IPPROTO_ICMP, "/proc/net/icmp");
      ADD_FAILURE() << "accepted: " << line;
    } catch (const ProcParseError& error) {
      EXPECT_EQ(std::string(error.what()).rfind("/proc/net/icmp: line 2: ", 0), 0u) << error.what();
    }
  }
}

TEST(Nics, NeighborsAndEndpointStats) {
  LinkInfo lo;
  lo.index = 1;
  lo.name = "lo";
  lo.flags = IFF_UP | IFF_LOOPBACK;
  LinkInfo eth;
  eth.index = 4;
  eth.name = "eth0";
  eth.flags = IFF_UP;
  NeighborInfo reachable{4, AF_INET, v4(192, 0, 2, 1), {0x02, 0xfc, 0, 0, 0, 5}, NUD_REACHABLE, 123456789};
  NeighborInfo incomplete{4, AF_INET6, v6({0xfd}, 1), {}, NUD_INCOMPLETE, std::nullopt};
  NeighborInfo permanent{4, AF_INET, v4(192, 0, 2, 9), {1, 2, 3, 4, 5, 6}, NUD_PERMANENT, 5};
  NeighborInfo failed{4, AF_INET, v4(192, 0, 2, 7), {}, NUD_FAILED, 6};
  NicDetails details;
  details.neighbors = {reachable, incomplete, permanent, failed};
  details.endpoint_stats.emplace_back(
      4, network_endpoint_stats(read_data("proc_net_dev_snmp6_eth0.txt"), "dev_snmp6/eth0"));
  json::Value nics = nics_payload({lo, eth}, {}, details);
  EXPECT_EQ(at(nics.get("1"), {"Neighbors"}), "null");  // loopback has no neighbor table
  json::Value nic = nics.get("4");
  EXPECT_EQ(at(nic, {"Neighbors", "192.0.2.1"}),
            "{\"Link address\":\"02:fc:00:00:00:05\",\"State\":\"Reachable\",\"Last updated\":123456789}");
  EXPECT_EQ(at(nic, {"Neighbors", "fd00::1"}), "{\"Link address\":\"\",\"State\":\"Incomplete\"}");
  EXPECT_EQ(at(nic, {"Neighbors", "192.0.2.9", "State"}), "\"Static\"");
  EXPECT_EQ(at(nic, {"Neighbors", "192.0.2.7", "State"}), "\"Unreachable\"");
  json::Value ipv6 = nic.get("Network Endpoint Stats").get("IPv6");
  EXPECT_EQ(at(ipv6, {"IP", "PacketsSent"}), "15");
  EXPECT_EQ(at(ipv6, {"IP", "PacketsDelivered"}), "2");
  EXPECT_EQ(at(ipv6, {"ICMP", "PacketsSent", "NeighborSolicit"}), "7");
  EXPECT_EQ(at(ipv6, {"ICMP", "PacketsSent", "MulticastListenerReportV2"}), "4");
  EXPECT_EQ(at(ipv6, {"ICMP", "PacketsReceived", "DstUnreachable"}), "2");
  EXPECT_EQ(at(ipv6, {"Linux", "Icmp6", "OutType135"}), "7");
  EXPECT_EQ(at(ipv6, {"Linux", "Other6"}), "null");  // ifIndex is not a counter
  EXPECT_EQ(at(nic.get("Network Endpoint Stats"), {"IPv4"}), "null");  // Linux keeps none per interface
  // Netstack's child order: Stats, Network Endpoint Stats, ..., Neighbors.
  std::vector<std::string> keys;
  for (const auto& [key, value] : nic.as_object()) keys.push_back(key);
  auto position = [&](std::string_view key) { return std::find(keys.begin(), keys.end(), key) - keys.begin(); };
  EXPECT_LT(position("Network Endpoint Stats"), position("Neighbors"));
  EXPECT_TRUE(network_endpoint_stats("", "dev_snmp6/x").is_null());
  EXPECT_THROW(network_endpoint_stats("Ip6InReceives x\n", "dev_snmp6/x"), ProcParseError);
}

TEST(Format, TcpStatesAreGvisorSpellings) {
  // Fuchsia's netstack2 publishes gVisor's tcp.EndpointState.String(): hyphens, not underscores.
  const char* expected[] = {nullptr,      "ESTABLISHED", "SYN-SENT", "SYN-RCVD",   "FIN-WAIT1", "FIN-WAIT2", "TIME-WAIT",
                            "CLOSED",     "CLOSE-WAIT",  "LAST-ACK", "LISTEN",     "CLOSING",   "SYN-RCVD"};
  for (unsigned state = 1; state <= 12; ++state) EXPECT_EQ(tcp_state_name(state, 0), expected[state]) << state;
}

TEST(Snapshot, EntriesTextIsOneEntryPerLine) {
  json::Object a;
  a.set("x", counter(1));
  std::vector<json::Value> entries = {json::Value::object(a), json::Value::object(a)};
  EXPECT_EQ(entries_text(entries), "[\n{\"x\":1},\n{\"x\":1}\n]\n");
  EXPECT_EQ(entries_text({}), "[\n\n]\n");
}

TEST(Snapshot, ZipHoldsTheThreeMembers) {
  std::vector<SnapshotFile> files = snapshot_files({});
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].name, "inspect.json");
  EXPECT_EQ(files[1].name, "annotations.json");
  EXPECT_EQ(files[2].name, "metadata.json");
  EXPECT_NE(files[1].contents.find("\"device.uptime\""), std::string::npos);
  EXPECT_NE(files[2].contents.find("\"complete\""), std::string::npos);
  std::string zip = zip_bytes(files);
  ASSERT_GT(zip.size(), 4u);
  EXPECT_EQ(zip.substr(0, 4), std::string("PK\x03\x04", 4));
  for (const SnapshotFile& file : files) EXPECT_NE(zip.find(file.name), std::string::npos);
}

TEST(Snapshot, AtomicWriteReplacesAndLeavesNoTemporary) {
  std::filesystem::path directory = std::filesystem::temp_directory_path() /
                                    ("ni-capture-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(directory);
  std::string path = (directory / "out.zip").string();
  write_file_atomically(path, "first");
  write_file_atomically(path, "second");
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "second");
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory)) ++count;
  EXPECT_EQ(count, 1u);
  try {
    write_file_atomically((directory / "missing" / "x.zip").string(), "x");
    ADD_FAILURE() << "no error";
  } catch (const CaptureError& error) {
    EXPECT_EQ(std::string(error.what()).rfind((directory / "missing" / "x.zip").string() + ": cannot create", 0), 0u)
        << error.what();
  }
  EXPECT_THROW(write_file_atomically((directory / "").string(), "x"), CaptureError);
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace netinspect::capture
