// Typed views over the three schema generations: netstack2 today (the bundled
// sample), netstack2 around 2020 (netstack.cmx, Ethernet Info, string
// numbers, a timed-out source) and netstack3 (one typed tree).
#include "netstack/views.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "json/parse.h"
#include "json/write.h"
#include "netstack/snapshot.h"
#include "netstack/typed.h"

namespace netinspect::netstack {
namespace {

Snapshot load_file(const std::string& name, const LoadOptions& options = {}) {
  return load_path(std::string(NETSTACK_TEST_DATA) + "/" + name, {}, options);
}

Snapshot load_text(std::string_view text) {
  json::Value all = json::parse(text);
  return load_entries(all.as_array(), "test");
}

template <typename T>
const T* find_by_id(const std::vector<T>& rows, std::string_view id) {
  for (const T& row : rows) {
    if constexpr (std::is_same_v<T, Socket>) {
      if (row.id == id) return &row;
    } else {
      if (row.id && std::to_string(*row.id) == id) return &row;
    }
  }
  return nullptr;
}

TEST(Typed, ReadsStringNumbersBooleansAndCountMaps) {
  EXPECT_EQ(as_bool(json::parse("\"true\"")), true);
  EXPECT_EQ(as_bool(json::parse("false")), false);
  EXPECT_FALSE(as_bool(json::parse("\"yes\"")));
  EXPECT_EQ(as_uint(json::parse("\"42\"")), 42u);
  EXPECT_EQ(as_uint(json::parse("{\"Count\": \"7\"}")), 7u);
  EXPECT_EQ(as_uint(json::parse("18446744073709551615")), 18446744073709551615ull);
  EXPECT_FALSE(as_uint(json::parse("-1")));
  EXPECT_FALSE(as_uint(json::parse("1.5")));
  EXPECT_FALSE(as_uint(json::parse("\"12a\"")));
  EXPECT_EQ(json::to_json(uint_value(18446744073709551615ull)), "18446744073709551615");
  EXPECT_EQ(sum_leaves(json::parse(R"({"a": 1, "b": {"c": "2", "d": {"Count": "3"}}, "e": "x"})")), 6u);
  EXPECT_TRUE(key_less("2", "10"));
  EXPECT_TRUE(key_less("10", "lo"));
  EXPECT_FALSE(key_less("10", "2"));
}

TEST(Snapshot, CurrentNetstack2Sample) {
  Snapshot s = load_bundled_sample();
  EXPECT_EQ(s.moniker, "core/network/netstack");
  EXPECT_EQ(s.flavor, Flavor::Netstack2);
  EXPECT_EQ(s.netstack_entries, 9u);
  EXPECT_EQ(s.entries_total, 11u);
  EXPECT_EQ(s.component_url, "fuchsia-pkg://fuchsia.com/netstack#meta/netstack.cm");
  EXPECT_EQ(s.timestamp_ns, 86412345678901);
  EXPECT_EQ(s.health.get("status").as_string(), "OK");
  EXPECT_EQ(s.pprof_profiles.size(), 6u);
  EXPECT_TRUE(s.timed_out.empty());  // the timed-out entry belongs to another component
  EXPECT_TRUE(s.surprises.empty());
}

TEST(Views, SocketsOfTheSample) {
  Snapshot s = load_bundled_sample();
  Surprises surprises;
  std::vector<Socket> all = sockets(s, surprises);
  EXPECT_TRUE(surprises.empty()) << surprises.front();
  ASSERT_EQ(all.size(), 7u);
  const Socket* tcp = find_by_id(all, "1");
  ASSERT_NE(tcp, nullptr);
  EXPECT_EQ(tcp->protocol, "tcp");
  EXPECT_EQ(tcp->state, "ESTABLISHED");
  EXPECT_EQ(tcp->local, "192.168.1.23:41234");
  EXPECT_EQ(tcp->register_nic, 2u);
  EXPECT_EQ(tcp->register_nic_name, "wlanx62");
  EXPECT_EQ(tcp->bind_nic, 0u);
  EXPECT_EQ(tcp->bind_nic_name, "");
  // ReceiveBufferOverflow 148 is a drop; the rest of the error groups are errors.
  EXPECT_EQ(tcp->drops, 148u);
  EXPECT_EQ(tcp->errors, 211u + 154 + 187 + 124 + 74 + 28);
  EXPECT_EQ(find_by_id(all, "9")->protocol, "icmp");
  EXPECT_EQ(find_by_id(all, "11")->protocol, "raw");
  EXPECT_EQ(find_by_id(all, "12")->protocol, "packet");
  EXPECT_EQ(find_by_id(all, "12")->network, "");
  // Ids in numeric order, not string order.
  EXPECT_EQ(all.front().id, "1");
  EXPECT_EQ(all.back().id, "12");
  json::Value row = to_json(*tcp, false);
  EXPECT_TRUE(row.get("id").is_number());
  EXPECT_TRUE(row.get("register_nic").is_number());
  EXPECT_TRUE(row.get("state").is_string());
}

TEST(Views, SocketFilters) {
  Snapshot s = load_bundled_sample();
  Surprises surprises;
  std::vector<Socket> all = sockets(s, surprises);
  auto count = [&](const SocketFilter& f) {
    return std::count_if(all.begin(), all.end(), [&](const Socket& x) { return f.matches(x); });
  };
  SocketFilter tcp;
  tcp.protocols = {"tcp"};
  EXPECT_EQ(count(tcp), 2);
  SocketFilter listen;
  listen.states = {"listen"};
  EXPECT_EQ(count(listen), 1);
  SocketFilter wlan;
  wlan.nics = {"wlanx62"};
  SocketFilter wlan_id;
  wlan_id.nics = {"2"};
  EXPECT_EQ(count(wlan), count(wlan_id));
  SocketFilter dns;
  dns.ports = {53};
  EXPECT_EQ(count(dns), 1);
  SocketFilter lan;
  lan.addresses = {*parse_prefix("192.168.1.0/24")};
  EXPECT_EQ(count(lan), 2);
  SocketFilter link_local;
  link_local.addresses = {*parse_prefix("fe80::/10")};
  EXPECT_EQ(count(link_local), 1);
}

TEST(Views, NicsRoutesCountersOfTheSample) {
  Snapshot s = load_bundled_sample();
  Surprises surprises;
  std::vector<Nic> n = nics(s, surprises);
  ASSERT_EQ(n.size(), 2u);
  const Nic* wlan = find_by_id(n, "2");
  ASSERT_NE(wlan, nullptr);
  EXPECT_EQ(wlan->name, "wlanx62");
  EXPECT_EQ(wlan->admin_up, true);
  EXPECT_EQ(wlan->mtu, 1500u);
  EXPECT_EQ(wlan->addresses.size(), 3u);
  EXPECT_EQ(wlan->addresses[0], "192.168.1.23/24");
  EXPECT_EQ(wlan->dhcp_state, "bound");
  EXPECT_EQ(wlan->dhcp_address, "192.168.1.23/24");
  EXPECT_EQ(wlan->device_class, "Wlan");

  std::vector<Route> r = routes(s, surprises);
  ASSERT_EQ(r.size(), 8u);
  const Route* best = best_route(r, *parse_ip("8.8.8.8"));
  ASSERT_NE(best, nullptr);
  EXPECT_EQ(best->destination, "0.0.0.0/0");
  EXPECT_EQ(best->gateway, "192.168.1.1");
  EXPECT_EQ(best->nic_name, "wlanx62");
  EXPECT_EQ(best_route(r, *parse_ip("192.168.1.9"))->destination, "192.168.1.0/24");
  EXPECT_EQ(best_route(r, *parse_ip("127.0.0.1"))->nic, 1u);
  EXPECT_EQ(best_route(r, *parse_ip("2001:db8::1")), nullptr);

  std::vector<Counter> c = counters(s, surprises);
  EXPECT_TRUE(surprises.empty()) << surprises.front();
  auto value_of = [&](std::string_view name) -> std::optional<std::uint64_t> {
    for (const Counter& x : c) {
      if (x.name == name) return x.value;
    }
    return std::nullopt;
  };
  EXPECT_EQ(value_of("SocketCount"), 12u);
  EXPECT_TRUE(value_of("TCP.ActiveConnectionOpenings"));
  EXPECT_TRUE(value_of("ICMP.V6.PacketsReceived.RouterAdvert"));
  EXPECT_EQ(value_of("NICs.UnknownL3ProtocolRcvdPacketCounts.Total"), 0u);
  EXPECT_TRUE(value_of("MaxSocketOptionStats.SetReuseAddress"));
  EXPECT_TRUE(is_error_counter("TCP.EstablishedTimedout"));
  EXPECT_TRUE(is_error_counter("IP.MalformedPacketsReceived"));
  EXPECT_TRUE(is_error_counter("ICMP.V4.PacketsSent.Dropped"));
  EXPECT_FALSE(is_error_counter("TCP.ActiveConnectionOpenings"));

  std::vector<std::string> w = warnings(s, n, c);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("SocketCount is 12"), std::string::npos);
}

TEST(SchemaDrift, OldNetstack2) {
  Snapshot s = load_file("views/ns2_old_inspect_pretty.json");
  EXPECT_EQ(s.moniker, "netstack.cmx");
  EXPECT_EQ(s.flavor, Flavor::Netstack2);
  EXPECT_EQ(s.entries_total, 7u);
  EXPECT_EQ(s.netstack_entries, 6u);
  ASSERT_EQ(s.timed_out.size(), 1u);
  EXPECT_EQ(s.timed_out[0].filename, "pprof/2020-10-22T16:21:49Z.inspect");
  EXPECT_NE(s.timed_out[0].error.find("time limit"), std::string::npos);

  Surprises surprises;
  std::vector<Nic> n = nics(s, surprises);
  ASSERT_EQ(n.size(), 2u);
  const Nic& eth = n[1];
  EXPECT_EQ(eth.name, "eth-ep");
  EXPECT_EQ(eth.link_online, false);
  EXPECT_EQ(eth.device_class, "Ethernet (Synthetic)");
  // ProtocolAddress10 sorts after ProtocolAddress2.
  ASSERT_EQ(eth.addresses.size(), 4u);
  EXPECT_EQ(eth.addresses[0], "[arp] 617270/0");
  EXPECT_EQ(eth.addresses[3], "fe80::2/64");
  EXPECT_EQ(eth.dhcp_state, "INIT-SELECTING");
  EXPECT_EQ(eth.dhcp_address, "");
  EXPECT_EQ(eth.rx_packets, 700u);  // a string in this snapshot
  EXPECT_EQ(eth.rx_errors, 3u + 2);
  EXPECT_EQ(eth.tx_errors, 1u + 4);
  ASSERT_EQ(surprises.size(), 1u);
  EXPECT_NE(surprises[0].find("\"Carrier\""), std::string::npos);

  Surprises socket_surprises;
  std::vector<Socket> sk = sockets(s, socket_surprises);
  ASSERT_EQ(sk.size(), 2u);
  EXPECT_EQ(sk[0].id, "12345");
  EXPECT_EQ(sk[0].remote, ":0");
  EXPECT_EQ(sk[0].bind_nic_name, "eth-ep");
  EXPECT_EQ(sk[0].drops, 1u);
  EXPECT_EQ(sk[0].errors, 3u);
  EXPECT_EQ(sk[1].sent, 30u);
  EXPECT_EQ(sk[1].errors, std::nullopt);  // no error groups published
  EXPECT_TRUE(socket_surprises.empty());

  Surprises route_surprises;
  std::vector<Route> r = routes(s, route_surprises);
  // The default route is disabled: 8.8.8.8 has no route.
  EXPECT_EQ(best_route(r, *parse_ip("8.8.8.8")), nullptr);
  EXPECT_EQ(best_route(r, *parse_ip("10.0.0.7"))->nic_name, "eth-ep");

  Surprises counter_surprises;
  std::vector<Counter> c = counters(s, counter_surprises);
  std::vector<std::string> w = warnings(s, n, c);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[0].find("has no data"), std::string::npos);
  EXPECT_NE(w[1].find("eth-ep"), std::string::npos);  // admin-up, link down; socket counts agree
}

TEST(SchemaDrift, Netstack3) {
  Snapshot s = load_file("views/ns3_inspect.json");
  EXPECT_EQ(s.flavor, Flavor::Netstack3);
  EXPECT_EQ(s.netstack_entries, 1u);
  EXPECT_EQ(s.health.get("status").as_string(), "OK");
  Surprises surprises;
  std::vector<Socket> sk = sockets(s, surprises);
  ASSERT_EQ(sk.size(), 5u);
  EXPECT_EQ(sk[0].state, "LISTEN");  // inferred from its accept queue
  EXPECT_EQ(sk[0].remote, "");       // "[NOT CONNECTED]"
  EXPECT_EQ(sk[2].local, "");        // "[NOT BOUND]"
  EXPECT_EQ(sk[3].protocol, "icmp");  // ICMP_ECHO
  EXPECT_EQ(sk[1].local, "[fe80::ff:fe00:1%2]:8080");
  std::vector<Nic> n = nics(s, surprises);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1].name, "test-eth");
  EXPECT_EQ(n[1].admin_up, true);
  EXPECT_EQ(n[1].link_online, false);
  EXPECT_EQ(n[1].link_address, "02:00:00:00:00:01");
  EXPECT_EQ(n[1].addresses, (std::vector<std::string>{"192.168.0.1/24", "fe80::ff:fe00:1/64"}));
  EXPECT_EQ(n[1].rx_packets, 120u);
  EXPECT_EQ(n[1].rx_errors, 2u);
  EXPECT_EQ(n[1].tx_errors, 1u);
  EXPECT_EQ(n[0].link_online, std::nullopt);  // loopback publishes no PhyUp
  std::vector<Route> r = routes(s, surprises);
  ASSERT_EQ(r.size(), 7u);
  EXPECT_EQ(r[0].gateway, "");  // "[NONE]"
  const Route* best = best_route(r, *parse_ip("1.1.1.1"));
  ASSERT_NE(best, nullptr);
  EXPECT_EQ(best->gateway, "192.168.0.254");
  EXPECT_EQ(best->nic_name, "test-eth");
  std::vector<Counter> c = counters(s, surprises);
  bool found = false;
  for (const Counter& x : c) found |= x.name == "UDP.V4.Rx.Errors.UnknownDstPort" && x.value == 3;
  EXPECT_TRUE(found);
  EXPECT_TRUE(surprises.empty()) << surprises.front();
  std::vector<std::string> w = warnings(s, n, c);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("test-eth"), std::string::npos);
}

TEST(SchemaDrift, OddShapesNeverCrash) {
  // Wrong types everywhere, missing trees, a non-object payload, no moniker.
  Snapshot s = load_text(R"([
    {"moniker": "core/network/netstack", "payload": {"Socket Info": {"1": 5, "2": {"State": 7, "BindNICID": "x",
       "Stats": "none", "Socket Option Stats": [1]}}}},
    {"moniker": "core/network/netstack", "payload": {"NICs": {"1": {"Name": ["lo"], "MTU": -1, "AdminUp": "maybe"}}}},
    {"moniker": "core/network/netstack", "payload": {"Routes": []}},
    {"moniker": "core/network/netstack", "payload": {"Networking Stat Counters": {"A": "x", "B": {"C": 1.5}}}},
    {"moniker": "core/network/netstack", "payload": {"Mystery": {}}},
    {"moniker": "core/network/netstack", "payload": 3},
    {"payload": null},
    "not an entry"
  ])");
  Surprises surprises = s.surprises;
  EXPECT_EQ(sockets(s, surprises).size(), 1u);
  std::vector<Nic> n = nics(s, surprises);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].mtu, std::nullopt);
  EXPECT_EQ(n[0].admin_up, std::nullopt);
  EXPECT_TRUE(routes(s, surprises).empty());
  EXPECT_TRUE(counters(s, surprises).empty());
  EXPECT_GE(surprises.size(), 5u);
  std::vector<std::string> w = warnings(s, n, {});
  EXPECT_FALSE(w.empty());

  Snapshot none = load_text(R"([{"moniker": "core/other", "payload": {}}])");
  EXPECT_EQ(none.moniker, "");
  ASSERT_EQ(warnings(none, {}, {}).size(), 1u);
}

TEST(Snapshot, MonikerOverrideAndBugreportEntries) {
  Snapshot s = load_text(R"([
    {"path": "/hub/c/netstack.cmx/1234/out/diagnostics/counters/fuchsia.inspect.deprecated.Inspect",
     "contents": {"Networking Stat Counters": {"TCP": {"ResetsSent": 4}}}},
    {"moniker": "core/network/netstack-test", "payload": {"NICs": {}}}
  ])");
  EXPECT_EQ(s.moniker, "netstack.cmx");
  Surprises surprises;
  ASSERT_EQ(counters(s, surprises).size(), 1u);
  EXPECT_EQ(counters(s, surprises)[0].name, "TCP.ResetsSent");

  LoadOptions other;
  other.moniker = "core/network/netstack-test";
  json::Value all = json::parse(R"([{"moniker": "core/network/netstack-test", "payload": {"NICs": {}}}])");
  Snapshot t = load_entries(all.as_array(), "x", other);
  EXPECT_EQ(t.moniker, "core/network/netstack-test");
  EXPECT_TRUE(t.nics.is_object());
}

}  // namespace
}  // namespace netinspect::netstack
