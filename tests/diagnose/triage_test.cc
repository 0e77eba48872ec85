// Triage configs over entries: node selectors with CountChildren /
// CountProperties, the built-in rules on netstack3-shaped snapshots,
// threshold overrides and the rule listing, snapshot annotations.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "capture/snapshot.h"
#include "diagnose/snapshot_info.h"
#include "diagnose/triage.h"
#include "json/parse.h"
#include "json/write.h"

namespace netinspect::diagnose {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::set<std::string> fired(const std::vector<Config>& configs, const std::vector<json::Value>& entries) {
  Data data;
  data.entries = entries;
  std::set<std::string> out;
  for (const Finding& f : evaluate(configs, data))
    if (f.severity == "warning") out.insert(f.action);
  return out;
}

const char* kSockets = R"([{"moniker":"core/network/netstack","metadata":{"name":"root"},"payload":{"root":{
  "Sockets":{"1":{"LocalAddress":"0.0.0.0:80","TransportProtocol":"TCP","AcceptQueue":{"NumPending":0}},
             "2":{"LocalAddress":"0.0.0.0:53","TransportProtocol":"UDP"},
             "3":{"LocalAddress":"[NOT BOUND]","TransportProtocol":"UDP"}}}}}])";

TEST(TriageConfig, CountChildrenAndProperties) {
  Config c = load_config(R"cfg({
    select: {
      sockets: "INSPECT:core/network/netstack:root/Sockets/*",
      socket_one: "INSPECT:core/network/netstack:root/Sockets/1",
      one_props: "INSPECT:core/network/netstack:root/Sockets/1:*",
      nothing: "INSPECT:core/network/netstack:root/Nothing/*",
    },
    eval: {
      n: "CountChildren(sockets)",
      one: "CountChildren(socket_one)",
      props: "CountProperties(one_props)",
      props_of_nodes: "CountProperties(sockets)",
    },
    act: {
      three: { type: "Warning", trigger: "n == 3", print: "three sockets" },
      single: { type: "Warning", trigger: "And(one == 1, props == 2, props_of_nodes == 0)", print: "one" },
      none: { type: "Warning", trigger: "Missing(CountChildren(nothing))", print: "missing passes through" },
    },
  })cfg", "count", "count.triage");
  std::vector<Config> configs{c};
  EXPECT_EQ(fired(configs, json::parse(kSockets).as_array()), (std::set<std::string>{"three", "single", "none"}));
}

TEST(TriageConfig, CountFunctionsOnValues) {
  Config c = load_config(R"cfg({
    eval: { v: "CountProperties([1, 2, 3])", w: "CountChildren([1, 2])" },
    act: { ok: { type: "Warning", trigger: "And(v == 3, w == 0)", print: "ok" } },
  })cfg", "values", "values.triage");
  EXPECT_EQ(fired({c}, {}), (std::set<std::string>{"ok"}));
}

std::vector<json::Value> entries_of(const std::string& path) { return json::parse(read(path)).as_array(); }

TEST(BuiltinRules, FireOnNetstack3Counters) {
  std::vector<Config> builtin = load_builtin_configs();
  // tests/data/views/ns3_inspect.json: UDP V4 3 unknown-port errors against 1
  // datagram received, 4 TCP checksum errors.
  std::set<std::string> got = fired(builtin, entries_of(std::string(DIAGNOSE_TEST_DATA) + "/views/ns3_inspect.json"));
  EXPECT_TRUE(got.count("udp_unknown_port"));
  EXPECT_TRUE(got.count("malformed_tcp"));
  EXPECT_FALSE(got.count("dropped_packets"));
  EXPECT_FALSE(got.count("malformed_udp"));
  EXPECT_FALSE(got.count("socket_leak"));  // netstack3 has no socket totals
  // The sockets gauge counts netstack3's socket nodes.
  Data data;
  data.entries = entries_of(std::string(DIAGNOSE_TEST_DATA) + "/views/ns3_inspect.json");
  bool gauge = false;
  for (const Finding& f : evaluate(builtin, data))
    if (f.action == "sockets") {
      gauge = true;
      EXPECT_EQ(f.message, "sockets: 5");
    }
  EXPECT_TRUE(gauge);
}

TEST(BuiltinRules, QuietOnACleanNetstack3Snapshot) {
  std::string text = R"([{"moniker":"core/network/netstack","metadata":{"name":"root"},"payload":{"root":{"Counters":{
    "IPv4":{"PacketRx":{"Dropped":0,"ParameterProblem":0},"Fragments":{"InvalidFragment":0}},
    "IPv6":{"PacketRx":{"Dropped":0,"ParameterProblem":0},"Fragments":{"InvalidFragment":0}},
    "UDP":{"V4":{"Rx":{"Received":100,"Errors":{"UnknownDstPort":1,"Malformed":0}}},
           "V6":{"Rx":{"Received":0,"Errors":{"UnknownDstPort":0,"Malformed":0}}}},
    "TCP":{"V4":{"Rx":{"Errors":{"ChecksumErrors":0,"InvalidSegmentsReceived":0,"ListenerQueueOverflow":0}}}},
    "Arp":{"Rx":{"Malformed":0},"Tx":{"RequestsNonLocalSrcAddr":0}},
    "NUD":{"V4":{"IcmpDestUnreachableDropped":0}}}}}}])";
  EXPECT_EQ(fired(load_builtin_configs(), json::parse(text).as_array()), std::set<std::string>{});
  // One dropped IPv6 packet fires dropped_packets.
  std::string dropped = text;
  const std::string ipv6 = R"("IPv6":{"PacketRx":{"Dropped":0)";
  dropped.replace(dropped.find(ipv6) + ipv6.size() - 1, 1, "1");
  EXPECT_EQ(fired(load_builtin_configs(), json::parse(dropped).as_array()), std::set<std::string>{"dropped_packets"});
}

TEST(Overrides, EvalsAndNativeThresholds) {
  std::vector<Config> configs = load_builtin_configs();
  NativeThresholds native;
  apply_override(configs, native, "netstack::timeout_limit", "5000", "--set");
  apply_override(configs, native, "dropped_limit", "10", "--set");
  apply_override(configs, native, "close_wait_limit", "4", "--set");
  apply_override(configs, native, "netstack_native::unknown_port_growth_ratio", "2.5", "--set");
  EXPECT_EQ(native.close_wait_limit, 4u);
  EXPECT_EQ(native.unknown_port_growth_ratio, 2.5);
  // The sample's 3651 TCP timeouts no longer exceed the limit.
  std::set<std::string> got = fired(configs, entries_of(std::string(DIAGNOSE_TEST_DATA) + "/synthetic_netstack2_inspect.json"));
  EXPECT_FALSE(got.count("tcp_timeouts"));
  EXPECT_TRUE(got.count("socket_leak"));
  // Listing: value and default.
  bool listed = false;
  for (const RuleInfo& r : describe_rules(configs, native))
    for (const Threshold& t : r.thresholds)
      if (t.name == "netstack::timeout_limit") {
        listed = true;
        EXPECT_EQ(t.value, "5000");
        EXPECT_EQ(t.default_value, "1000");
      } else if (t.name == "netstack_native::close_wait_limit") {
        EXPECT_EQ(t.value, "4");
        EXPECT_EQ(t.default_value, "0");
      }
  EXPECT_TRUE(listed);
}

TEST(Overrides, Errors) {
  std::vector<Config> configs = load_builtin_configs();
  NativeThresholds native;
  auto error = [&](const std::string& name, const std::string& value) -> std::string {
    try {
      apply_override(configs, native, name, value, "--set");
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error("no_such", "1"), "--set: no_such: no such threshold (see `netinspect triage --list-rules`)");
  EXPECT_NE(error("dropped", "1").find("is a selector, not a threshold"), std::string::npos);
  EXPECT_NE(error("dropped_limit", "1 +").find("bad value"), std::string::npos);
  EXPECT_NE(error("close_wait_limit", "-3").find("not a whole number"), std::string::npos);
  EXPECT_NE(error("dropped_limit", "has_dropped").find("cycle"), std::string::npos);
  Config other = load_config("{eval: {dropped_limit: '1'}}", "other", "other.triage");
  configs.push_back(other);
  EXPECT_NE(error("dropped_limit", "3").find("ambiguous: say which of netstack::dropped_limit, other::dropped_limit"),
            std::string::npos);
  EXPECT_EQ(error("other::dropped_limit", "3"), "");
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/ni-diagnose-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(SnapshotInfo, FromZipAndDirectory) {
  std::string annotations = read(std::string(DIAGNOSE_TEST_DATA) + "/triage/triage_test_data_snapshot_annotations.json");
  std::string metadata = R"({"snapshot_version":"1","files":{"inspect.json":{"state":"partial","error":"timeout"},"annotations.json":{"state":"complete"}}})";
  TempDir dir;
  std::string zip = dir.path() + "/snapshot.zip";
  std::ofstream(zip, std::ios::binary) << capture::zip_bytes(
      {{"inspect.json", "[]"}, {"annotations.json", annotations}, {"metadata.json", metadata}});
  SnapshotInfo info = read_snapshot_info(zip);
  ASSERT_TRUE(info.annotations.is_object());
  EXPECT_EQ(info.annotations.get("build.board").as_string(), "chromebook-x64");
  EXPECT_EQ(describe(info),
            "build 2020-06-11T22:12:48+00:00, board chromebook-x64, device Standard PC (Q35 + ICH9, 2009), uptime "
            "0d0h0m39s, taken 2020-06-17 00:10:57 GMT; inspect.json partial (timeout)");
  // An unpacked snapshot: annotations.json next to inspect.json.
  std::filesystem::create_directory(dir.path() + "/unpacked");
  std::ofstream(dir.path() + "/unpacked/inspect.json") << "[]";
  std::ofstream(dir.path() + "/unpacked/annotations.json") << annotations;
  EXPECT_EQ(read_snapshot_info(dir.path() + "/unpacked/inspect.json").annotations.get("build.board").as_string(),
            "chromebook-x64");
  // A plain file elsewhere, stdin, a missing path: nothing, no throw.
  std::ofstream(dir.path() + "/plain.json") << "[]";
  EXPECT_TRUE(read_snapshot_info(dir.path() + "/plain.json").annotations.is_null());
  EXPECT_TRUE(read_snapshot_info("-").annotations.is_null());
  EXPECT_EQ(describe(read_snapshot_info(dir.path() + "/absent.zip")), "");
}

TEST(SnapshotInfo, AnnotationFunctionReadsIt) {
  Config c = load_config(R"cfg({act: {x64: {type: "Warning", trigger: "Annotation('build.board') == 'chromebook-x64'", print: "x"}}})cfg",
                         "a", "a.triage");
  Data data;
  data.annotations = json::parse(read(std::string(DIAGNOSE_TEST_DATA) + "/triage/triage_test_data_snapshot_annotations.json"));
  EXPECT_EQ(evaluate({c}, data).size(), 1u);
}

}  // namespace
}  // namespace netinspect::diagnose

namespace netinspect::diagnose {
namespace {

// Every .triage rule on netstack2-shaped snapshots: a clean set of counters
// fires nothing; changing one counter fires exactly its rule.
struct Case {
  const char* rule;
  const char* path;  // under "Networking Stat Counters", dotted
  const char* value;
};

// `tree` with the property at dotted `path` set to `value` (JSON text).
json::Value with_path(const json::Value& tree, const std::string& path, const std::string& value) {
  json::Object copy = tree.as_object();
  auto dot = path.find('.');
  if (dot == std::string::npos) {
    copy.set(path, json::parse(value));
  } else {
    std::string key = path.substr(0, dot);
    copy.set(key, with_path(tree.get(key), path.substr(dot + 1), value));
  }
  return json::Value::object(std::move(copy));
}

std::string ns2_counters(const std::string& path, const std::string& value) {
  // Published as uints (numbers), as netstack2 does. Baseline: no drops, socket totals consistent, 1% unknown port, 1% retransmits.
  json::Value counters = json::parse(R"({
    "DroppedPackets":0,"SocketCount":3,"SocketsCreated":10,"SocketsDestroyed":7,
    "UDP":{"UnknownPortErrors":1,"PacketsReceived":100,"MalformedPacketsReceived":0,"ChecksumErrors":0},
    "TCP":{"Retransmits":1,"SegmentsSent":100,"Timeouts":3,"ListenOverflowSynDrop":0,"ListenOverflowAckDrop":0,
           "ChecksumErrors":0,"InvalidSegmentsReceived":0},
    "IP":{"MalformedPacketsReceived":0,"MalformedFragmentsReceived":0},
    "ARP":{"MalformedPacketsReceived":0,"OutgoingRequestBadLocalAddressErrors":0,
           "OutgoingRequestInterfaceHasNoLocalAddressErrors":0},
    "NICs":{"MalformedL4RcvdPackets":0,"Neighbor":{"UnreachableEntryLookups":0}}})");
  if (!path.empty()) counters = with_path(counters, path, value);
  json::Object payload;
  payload.set("Networking Stat Counters", counters);
  json::Object metadata;
  metadata.set("filename", json::Value::string("counters"));
  json::Object entry;
  entry.set("moniker", json::Value::string("core/network/netstack"));
  entry.set("metadata", json::Value::object(std::move(metadata)));
  entry.set("payload", json::Value::object(std::move(payload)));
  return json::to_json(json::Value::array({json::Value::object(std::move(entry))}));
}

TEST(BuiltinRules, EachNetstack2RuleFiresAlone) {
  std::vector<Config> builtin = load_builtin_configs();
  EXPECT_EQ(fired(builtin, json::parse(ns2_counters("", "")).as_array()), std::set<std::string>{});
  for (const Case& c : std::vector<Case>{
           {"dropped_packets", "DroppedPackets", "4"},
           {"socket_leak", "SocketCount", "9"},
           {"udp_unknown_port", "UDP.UnknownPortErrors", "50"},
           {"tcp_retransmits", "TCP.Retransmits", "10"},
           {"tcp_timeouts", "TCP.Timeouts", "5000"},
           {"listen_overflow", "TCP.ListenOverflowAckDrop", "1"},
           {"malformed_ip", "IP.MalformedFragmentsReceived", "1"},
           {"malformed_ip", "NICs.MalformedL4RcvdPackets", "2"},
           {"malformed_tcp", "TCP.ChecksumErrors", "1"},
           {"malformed_udp", "UDP.MalformedPacketsReceived", "1"},
           {"malformed_arp", "ARP.MalformedPacketsReceived", "1"},
           {"arp_ndp_failures", "ARP.OutgoingRequestInterfaceHasNoLocalAddressErrors", "1"},
           {"arp_ndp_failures", "NICs.Neighbor.UnreachableEntryLookups", "7"},
       }) {
    EXPECT_EQ(fired(builtin, json::parse(ns2_counters(c.path, c.value)).as_array()), std::set<std::string>{c.rule})
        << c.path;
  }
}

}  // namespace
}  // namespace netinspect::diagnose

namespace netinspect::diagnose {
namespace {

// The same for netstack3's root/Counters (per IP version, typed uints).
TEST(BuiltinRules, EachNetstack3RuleFiresAlone) {
  json::Value clean = json::parse(R"({
    "IPv4":{"PacketRx":{"Dropped":0,"ParameterProblem":0},"Fragments":{"InvalidFragment":0}},
    "IPv6":{"PacketRx":{"Dropped":0,"ParameterProblem":0},"Fragments":{"InvalidFragment":0}},
    "Device":{"Rx":{"Malformed":0}},
    "UDP":{"V4":{"Rx":{"Received":100,"Errors":{"UnknownDstPort":1,"Malformed":0}}},
           "V6":{"Rx":{"Received":0,"Errors":{"UnknownDstPort":0,"Malformed":0}}}},
    "TCP":{"V4":{"Rx":{"Errors":{"ChecksumErrors":0,"InvalidSegmentsReceived":0,"ListenerQueueOverflow":0}}},
           "V6":{"Rx":{"Errors":{"ChecksumErrors":0,"InvalidSegmentsReceived":0,"ListenerQueueOverflow":0}}}},
    "Arp":{"Rx":{"Malformed":0},"Tx":{"RequestsNonLocalSrcAddr":0}},
    "NUD":{"V4":{"IcmpDestUnreachableDropped":0},"V6":{"IcmpDestUnreachableDropped":0}}})");
  auto entries = [](const json::Value& counters) {
    return json::parse(R"([{"moniker":"core/network/netstack","metadata":{"name":"root"},"payload":{"root":{"Counters":)" +
                       json::to_json(counters) + "}}}]")
        .as_array();
  };
  std::vector<Config> builtin = load_builtin_configs();
  EXPECT_EQ(fired(builtin, entries(clean)), std::set<std::string>{});
  for (const Case& c : std::vector<Case>{
           {"dropped_packets", "IPv6.PacketRx.Dropped", "1"},
           {"udp_unknown_port", "UDP.V6.Rx.Errors.UnknownDstPort", "40"},
           {"listen_overflow", "TCP.V6.Rx.Errors.ListenerQueueOverflow", "1"},
           {"malformed_ip", "IPv4.Fragments.InvalidFragment", "1"},
           {"malformed_ip", "Device.Rx.Malformed", "2"},
           {"malformed_tcp", "TCP.V4.Rx.Errors.InvalidSegmentsReceived", "1"},
           {"malformed_udp", "UDP.V4.Rx.Errors.Malformed", "1"},
           {"malformed_arp", "Arp.Rx.Malformed", "1"},
           {"arp_ndp_failures", "NUD.V6.IcmpDestUnreachableDropped", "3"},
           {"arp_ndp_failures", "Arp.Tx.RequestsNonLocalSrcAddr", "1"},
       }) {
    EXPECT_EQ(fired(builtin, entries(with_path(clean, c.path, c.value))), std::set<std::string>{c.rule}) << c.path;
  }
}

}  // namespace
}  // namespace netinspect::diagnose
