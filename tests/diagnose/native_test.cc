// Each native rule with a snapshot that fires it and one that does not.
#include <gtest/gtest.h>

#include "diagnose/triage.h"
#include "json/parse.h"

namespace netinspect::diagnose {
namespace {

netstack::Snapshot snapshot_of(const std::string& payload_json) {
  std::string text = R"([{"moniker":"core/network/netstack","metadata":{"filename":"x","timestamp":1},"payload":)" +
                     payload_json + "}]";
  return netstack::load_entries(json::parse(text).as_array(), "test");
}

std::vector<std::string> rules(const netstack::Snapshot& snapshot) {
  std::vector<std::string> out;
  for (const Finding& f : native_findings(snapshot)) out.push_back(f.action);
  return out;
}

bool fires(const std::string& payload, const std::string& rule) {
  for (const std::string& r : rules(snapshot_of(payload)))
    if (r == rule) return true;
  return false;
}

const char* kRoutes = R"("Routes":{"0":{"Destination":"0.0.0.0/0","Gateway":"10.0.0.1","NIC":2,"Metric":0,"MetricTracksInterface":true,"Dynamic":true,"Enabled":true}})";

TEST(NativeRules, SocketStates) {
  std::string closing = R"({"Socket Info":{"1":{"State":"CLOSE_WAIT","TransportProtocol":"TCP","NetworkProtocol":"IPv4","LocalAddress":"1.2.3.4:80","RemoteAddress":"5.6.7.8:9"}}})";
  std::string open = R"({"Socket Info":{"1":{"State":"ESTABLISHED","TransportProtocol":"TCP","NetworkProtocol":"IPv4","LocalAddress":"1.2.3.4:80","RemoteAddress":"5.6.7.8:9"}}})";
  EXPECT_TRUE(fires(closing, "close_wait_sockets"));
  EXPECT_FALSE(fires(open, "close_wait_sockets"));
  std::string syn = open;
  syn.replace(syn.find("ESTABLISHED"), 11, "SYN_SENT");
  EXPECT_TRUE(fires(syn, "syn_sent_sockets"));
  std::string gvisor = open;  // gVisor's and live capture's spelling
  gvisor.replace(gvisor.find("ESTABLISHED"), 11, "SYN-SENT");
  EXPECT_TRUE(fires(gvisor, "syn_sent_sockets"));
  EXPECT_FALSE(fires(open, "syn_sent_sockets"));
}

TEST(NativeRules, NicLinkDownAndAddresses) {
  std::string down = R"({"NICs":{"2":{"Name":"eth0","NICID":2,"AdminUp":"true","LinkOnline":"false","Loopback":"false","ProtocolAddress0":"[ipv4] 10.0.0.2/24"}}})";
  std::string up = R"({"NICs":{"2":{"Name":"eth0","NICID":2,"AdminUp":"true","LinkOnline":"true","Loopback":"false","ProtocolAddress0":"[ipv4] 10.0.0.2/24"}}})";
  std::string bare = R"({"NICs":{"2":{"Name":"eth0","NICID":2,"AdminUp":"true","LinkOnline":"true","Loopback":"false"}}})";
  EXPECT_TRUE(fires(down, "nic_link_down"));
  EXPECT_FALSE(fires(up, "nic_link_down"));
  EXPECT_TRUE(fires(bare, "nic_without_address"));
  EXPECT_FALSE(fires(up, "nic_without_address"));
}

TEST(NativeRules, DhcpNotBound) {
  std::string selecting = R"({"NICs":{"2":{"Name":"eth0","NICID":2,"DHCP enabled":"true","DHCP Info":{"State":"initSelecting"}}}})";
  std::string bound = R"({"NICs":{"2":{"Name":"eth0","NICID":2,"DHCP enabled":"true","DHCP Info":{"State":"bound"}}}})";
  EXPECT_TRUE(fires(selecting, "dhcp_not_bound"));
  EXPECT_FALSE(fires(bound, "dhcp_not_bound"));
}

TEST(NativeRules, DefaultRoute) {
  EXPECT_FALSE(fires(std::string("{") + kRoutes + "}", "no_default_route"));
  EXPECT_TRUE(fires(R"({"Routes":{"0":{"Destination":"10.0.0.0/24","NIC":2,"Enabled":true}}})", "no_default_route"));
  EXPECT_FALSE(fires("{}", "no_default_route"));  // no route table published: nothing to judge
}

TEST(NativeRules, Health) {
  EXPECT_TRUE(fires(R"({"root":{"fuchsia.inspect.Health":{"status":"UNHEALTHY"}}})", "health_not_ok"));
  EXPECT_FALSE(fires(R"({"root":{"fuchsia.inspect.Health":{"status":"OK"}}})", "health_not_ok"));
}

TEST(NativeRules, TimedOutEntry) {
  std::string text =
      R"([{"moniker":"core/network/netstack","metadata":{"filename":"sockets","errors":[{"message":"timed out"}]},"payload":null},
          {"moniker":"core/network/netstack","metadata":{"filename":"x"},"payload":{}}])";
  bool found = false;
  for (const Finding& f : native_findings(netstack::load_entries(json::parse(text).as_array(), "t")))
    found |= f.action == "entry_timed_out";
  EXPECT_TRUE(found);
  EXPECT_FALSE(fires("{}", "entry_timed_out"));
}

std::string option_stats(std::uint64_t outlier) {
  return R"({"Networking Stat Counters":{"MaxSocketOptionStats":{"SetReuseAddress":"10","GetError":"12","SetBroadcast":"9","GetTcpInfo":")" +
         std::to_string(outlier) + R"("}}})";
}

TEST(NativeRules, SocketOptionOutlier) {
  EXPECT_TRUE(fires(option_stats(50000), "socket_option_outlier"));
  EXPECT_FALSE(fires(option_stats(900), "socket_option_outlier"));   // under the minimum number of calls
  EXPECT_FALSE(fires(option_stats(11), "socket_option_outlier"));    // like the others
  NativeThresholds strict;
  strict.socket_option_ratio = 10;
  strict.socket_option_min_calls = 100;
  bool found = false;
  for (const Finding& f : native_findings(snapshot_of(option_stats(900)), strict))
    if (f.action == "socket_option_outlier") {
      found = true;
      EXPECT_NE(f.message.find("GetTcpInfo was called 900 times"), std::string::npos) << f.message;
      ASSERT_EQ(f.evidence.size(), 1u);
      EXPECT_EQ(f.evidence[0].selector,
                "INSPECT:core/network/netstack:Networking\\ Stat\\ Counters/MaxSocketOptionStats:GetTcpInfo");
    }
  EXPECT_TRUE(found);
}

TEST(NativeRules, SocketStateLimits) {
  std::string two = R"({"Socket Info":{"1":{"State":"CLOSE_WAIT","TransportProtocol":"TCP","NetworkProtocol":"IPv4","LocalAddress":"1.2.3.4:80","RemoteAddress":"5.6.7.8:9"},)"
                    R"("2":{"State":"CLOSE_WAIT","TransportProtocol":"TCP","NetworkProtocol":"IPv4","LocalAddress":"1.2.3.4:80","RemoteAddress":"5.6.7.8:10"}}})";
  NativeThresholds limits;
  limits.close_wait_limit = 2;
  auto has = [](const std::vector<Finding>& findings, const std::string& rule) {
    for (const Finding& f : findings) if (f.action == rule) return true;
    return false;
  };
  EXPECT_TRUE(has(native_findings(snapshot_of(two)), "close_wait_sockets"));
  EXPECT_FALSE(has(native_findings(snapshot_of(two), limits), "close_wait_sockets"));
}

netstack::Snapshot ns2_udp(std::uint64_t unknown, std::uint64_t received, std::int64_t timestamp) {
  std::string text = R"([{"moniker":"core/network/netstack","metadata":{"filename":"counters","timestamp":)" +
                     std::to_string(timestamp) + R"(},"payload":{"Networking Stat Counters":{"UDP":{"UnknownPortErrors":")" +
                     std::to_string(unknown) + R"(","PacketsReceived":")" + std::to_string(received) + R"("}}}}])";
  return netstack::load_entries(json::parse(text).as_array(), "t" + std::to_string(timestamp));
}

netstack::Snapshot ns3_udp(std::uint64_t unknown_v4, std::uint64_t received_v6) {
  std::string text =
      R"([{"moniker":"core/network/netstack","metadata":{"name":"root","timestamp":1},"payload":{"root":{"Counters":{"UDP":{)"
      R"("V4":{"Rx":{"Received":0,"Errors":{"UnknownDstPort":)" + std::to_string(unknown_v4) + R"(}}},)"
      R"("V6":{"Rx":{"Received":)" + std::to_string(received_v6) + R"(,"Errors":{"UnknownDstPort":0}}}}}}}}])";
  return netstack::load_entries(json::parse(text).as_array(), "ns3");
}

TEST(PairRules, UnknownPortGrowth) {
  // 100 more unknown-port errors against 10 more datagrams received: fires.
  std::vector<Finding> f = pair_findings(ns2_udp(5, 1000, 1000000000), ns2_udp(105, 1010, 11000000000));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].action, "unknown_port_growth");
  EXPECT_EQ(f[0].config, "netstack_native");
  EXPECT_NE(f[0].message.find("grew by 100 while received datagrams grew by 10"), std::string::npos) << f[0].message;
  EXPECT_NE(f[0].message.find("(10.0 s)"), std::string::npos) << f[0].message;
  // Received grows faster: quiet. A counter reset (reboot): quiet. Nothing moved: quiet.
  EXPECT_TRUE(pair_findings(ns2_udp(5, 1000, 1), ns2_udp(10, 2000, 2)).empty());
  EXPECT_TRUE(pair_findings(ns2_udp(500, 1000, 1), ns2_udp(100, 0, 2)).empty());
  EXPECT_TRUE(pair_findings(ns2_udp(5, 1000, 1), ns2_udp(5, 1000, 2)).empty());
  // The ratio is a threshold.
  NativeThresholds loose;
  loose.unknown_port_growth_ratio = 20;
  EXPECT_TRUE(pair_findings(ns2_udp(5, 1000, 1), ns2_udp(105, 1010, 2), loose).empty());
  // netstack3's per-version counters.
  EXPECT_EQ(pair_findings(ns3_udp(0, 0), ns3_udp(50, 3)).size(), 1u);
  EXPECT_TRUE(pair_findings(ns3_udp(0, 0), ns3_udp(3, 50)).empty());
}

}  // namespace
}  // namespace netinspect::diagnose
