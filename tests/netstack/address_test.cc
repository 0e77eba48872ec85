#include "netstack/address.h"

#include <gtest/gtest.h>

namespace netinspect::netstack {
namespace {

TEST(Address, ParsesV4AndV6) {
  auto v4 = parse_ip("192.168.1.23");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->bytes[0], 192);
  EXPECT_EQ(v4->bytes[3], 23);
  auto v6 = parse_ip("fe80::4607:bff:fee2:cf62%2");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->v6);
  EXPECT_EQ(v6->bytes[0], 0xfe);
  EXPECT_EQ(v6->bytes[15], 0x62);
  EXPECT_TRUE(parse_ip("::"));
  EXPECT_TRUE(parse_ip("::ffff:1.2.3.4"));
  EXPECT_FALSE(parse_ip("1.2.3"));
  EXPECT_FALSE(parse_ip("256.1.1.1"));
  EXPECT_FALSE(parse_ip("1::2::3"));
  EXPECT_FALSE(parse_ip("<nil>"));
  EXPECT_FALSE(parse_ip(""));
}

TEST(Address, PrefixContains) {
  auto net = parse_prefix("192.168.1.0/24");
  ASSERT_TRUE(net);
  EXPECT_TRUE(prefix_contains(*net, *parse_ip("192.168.1.200")));
  EXPECT_FALSE(prefix_contains(*net, *parse_ip("192.168.2.1")));
  EXPECT_FALSE(prefix_contains(*net, *parse_ip("::1")));
  auto odd = parse_prefix("224.0.0.0/4");
  EXPECT_TRUE(prefix_contains(*odd, *parse_ip("239.1.2.3")));
  EXPECT_FALSE(prefix_contains(*odd, *parse_ip("240.0.0.1")));
  auto any = parse_prefix("0.0.0.0/0");
  EXPECT_TRUE(prefix_contains(*any, *parse_ip("8.8.8.8")));
  EXPECT_EQ(parse_prefix("10.0.0.1")->length, 32u);
  EXPECT_FALSE(parse_prefix("10.0.0.0/33"));
}

TEST(Address, SplitsEndpoints) {
  auto a = split_endpoint("192.168.1.23:41234");
  EXPECT_EQ(a.host, "192.168.1.23");
  EXPECT_EQ(a.port, 41234u);
  auto b = split_endpoint("[fe80::1%2]:546");
  EXPECT_EQ(b.host, "fe80::1%2");
  EXPECT_EQ(b.port, 546u);
  auto c = split_endpoint("<nil>:0");
  EXPECT_EQ(c.host, "<nil>");
  EXPECT_EQ(c.port, 0u);
  auto d = split_endpoint("");
  EXPECT_EQ(d.host, "");
  EXPECT_FALSE(d.port);
}

}  // namespace
}  // namespace netinspect::netstack
