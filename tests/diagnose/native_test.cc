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

}  // namespace
}  // namespace netinspect::diagnose
