#include "inspect/text.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "inspect/tree.h"
#include "json/parse.h"
#include "json/write.h"

namespace netinspect::inspect {
namespace {

std::string read(const std::string& name) {
  std::ifstream in(std::string(NETINSPECT_TEST_DATA) + "/fuchsia/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Text, MatchesIqueryGolden) {
  json::Value entries = json::parse(read("iquery_golden_show_test_with_file_deprecated_inspect.json"));
  std::string out;
  for (const json::Value& entry : entries.as_array()) render_entry_text(entry, out);
  out += "\n";  // iquery ends its output with an empty line
  EXPECT_EQ(out, read("iquery_golden_show_test_with_file_deprecated_inspect.text"));
}

TEST(Text, ValuesAsIqueryPrintsThem) {
  json::Value entry = json::parse(R"({"moniker":"a/b","metadata":{"name":"root","component_url":null,"timestamp":5,
    "errors":[{"message":"one"},{"message":"two"}]},
    "payload":{"root":{"z":1,"neg":-2,"d":2.5,"t":true,"s":"x y","ints":[1,2,3],"dbl":[0.5,2.0],
      "strs":["a","b\"c"],"10":"ten","9":"nine","child":{"k":"v"},
      "h":{"buckets":[{"count":0,"floor":-9223372036854775808,"upper_bound":0},
                      {"count":3,"floor":0,"upper_bound":2},{"count":4,"floor":2,"upper_bound":9223372036854775807}]}}}})");
  std::string out;
  render_entry_text(entry, out);
  EXPECT_EQ(out,
            "a/b:\n"
            "  metadata:\n"
            "    errors = one, two\n"
            "    name = root\n"
            "    component_url = null\n"
            "    timestamp = 5\n"
            "  payload:\n"
            "    root:\n"
            "      9 = nine\n"
            "      10 = ten\n"
            "      d = 2.500000\n"
            "      dbl = [0.5, 2]\n"
            "      h:\n"
            "        type = linear\n"
            "        size = 3\n"
            "        buckets = [[0,2)=3, [2,<max>)=4]\n"
            "      ints = [1, 2, 3]\n"
            "      neg = -2\n"
            "      s = x y\n"
            "      strs = [\"a\", \"b\\\"c\"]\n"
            "      t = true\n"
            "      z = 1\n"
            "      child:\n"
            "        k = v\n");
}

TEST(Text, NullPayload) {
  std::string out;
  render_entry_text(json::parse(R"({"moniker":"m","metadata":{"filename":"NO_FILE_SUCCEEDED","timestamp":1},"payload":null})"),
                    out);
  EXPECT_EQ(out, "m:\n  metadata:\n    filename = NO_FILE_SUCCEEDED\n    component_url = null\n    timestamp = 1\n  payload: null\n");
}

TEST(Text, HexDump) {
  EXPECT_EQ(hex_dump(std::string("\x20\x00\x11\x12\x05", 5)),
            "0000000020 00 11 12 05                                   ....");
  std::string seventeen = "ABCDEFGHIJKLMNOPQ";
  EXPECT_EQ(hex_dump(seventeen),
            "0000000041 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 ABCDEFGHIJKLMNOP\n"
            "0000001051                                              Q");
  EXPECT_EQ(hex_dump("\xff"), "00000000ff                                              \xef\xbf\xbd");
}

TEST(Text, RustDisplayDouble) {
  EXPECT_EQ(rust_display_double(1.0), "1");
  EXPECT_EQ(rust_display_double(2.5), "2.5");
  EXPECT_EQ(rust_display_double(1e21), "1000000000000000000000");
  EXPECT_EQ(rust_display_double(1e-7), "0.0000001");
  EXPECT_EQ(rust_display_double(-0.25), "-0.25");
}

TEST(Tree, SelectPrunesToTheSelectedNodes) {
  json::Value payload = json::parse(R"({"Networking Stat Counters":{"TCP":{"A":1,"B":2,"Sub":{"C":3}},"UDP":{"A":4}}})");
  Selector tcp_a = parse_selector(R"(m:Networking\ Stat\ Counters/TCP:A)");
  Selector udp = parse_selector(R"(m:Networking\ Stat\ Counters/UDP)");
  Selector none = parse_selector(R"(m:Networking\ Stat\ Counters/ICMP)");
  auto picked = select_payload(payload, {&tcp_a, &udp});
  ASSERT_TRUE(picked);
  EXPECT_EQ(json::to_json(*picked), R"({"Networking Stat Counters":{"TCP":{"A":1},"UDP":{"A":4}}})");
  EXPECT_FALSE(select_payload(payload, {&none}));
  Selector star = parse_selector("m:*/*:A");
  EXPECT_EQ(json::to_json(*select_payload(payload, {&star})),
            R"({"Networking Stat Counters":{"TCP":{"A":1},"UDP":{"A":4}}})");
  Selector whole = parse_selector("m");
  EXPECT_EQ(json::to_json(*select_payload(json::Value(), {&whole})), "null");
}

TEST(Tree, PropertiesInIqueryOrder) {
  json::Value payload = json::parse(R"({"root":{"b":1,"10":{"x":1},"2":{"y":2},"a":{"buckets":[{"count":1}]}}})");
  std::vector<std::string> seen;
  for_each_property(payload, [&](const std::vector<std::string>& path, const std::string& name) {
    std::string line;
    for (const auto& p : path) line += p + "/";
    seen.push_back(line + name);
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"root/a", "root/b", "root/2/y", "root/10/x"}));
}

}  // namespace
}  // namespace netinspect::inspect
