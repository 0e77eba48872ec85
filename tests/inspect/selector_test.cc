#include "inspect/selector.h"

#include <gtest/gtest.h>

namespace netinspect::inspect {
namespace {

TEST(Selector, ParsesTheThreeParts) {
  Selector s = parse_selector(R"(core/network/netstack:Networking\ Stat\ Counters/TCP:ActiveConnectionOpenings)");
  ASSERT_EQ(s.moniker.size(), 3u);
  EXPECT_TRUE(s.moniker[2].matches("netstack"));
  ASSERT_EQ(s.node_path.size(), 2u);
  EXPECT_TRUE(s.node_path[0].matches("Networking Stat Counters"));
  EXPECT_TRUE(s.node_path[1].matches("TCP"));
  ASSERT_TRUE(s.property.has_value());
  EXPECT_TRUE(s.property->matches("ActiveConnectionOpenings"));
  EXPECT_FALSE(s.property->matches("ActiveConnectionOpening"));
  EXPECT_TRUE(s.matches_moniker("core/network/netstack"));
  EXPECT_FALSE(s.matches_moniker("core/network/netstack/child"));
  EXPECT_FALSE(s.matches_moniker("core/network"));
}

TEST(Selector, InspectPrefixAndOptionalParts) {
  Selector s = parse_selector("INSPECT:core/network/netstack:root");
  EXPECT_EQ(s.moniker.size(), 3u);
  EXPECT_EQ(s.node_path.size(), 1u);
  EXPECT_FALSE(s.property.has_value());
  Selector component = parse_selector("core/network/netstack");
  EXPECT_TRUE(component.node_path.empty());
  EXPECT_FALSE(component.property.has_value());
}

TEST(Selector, Escapes) {
  Selector s = parse_selector(R"(core/session\:session/a\*b:x\/y/\\z:p\:q\ r)");
  ASSERT_EQ(s.moniker.size(), 3u);
  EXPECT_TRUE(s.matches_moniker("core/session:session/a*b"));
  EXPECT_FALSE(s.matches_moniker("core/session:session/aXb"));
  ASSERT_EQ(s.node_path.size(), 2u);
  EXPECT_TRUE(s.node_path[0].matches("x/y"));
  EXPECT_TRUE(s.node_path[1].matches("\\z"));
  EXPECT_TRUE(s.property->matches("p:q r"));
  EXPECT_TRUE(s.node_path[0].is_literal());
}

TEST(Selector, Wildcards) {
  Selector s = parse_selector("core/*_comp:root/*/Stats:Rx*");
  EXPECT_TRUE(s.matches_moniker("core/my_comp"));
  EXPECT_TRUE(s.matches_moniker("core/_comp"));
  EXPECT_FALSE(s.matches_moniker("core/my_comp/x"));
  EXPECT_FALSE(s.matches_moniker("core/my_compx"));
  EXPECT_TRUE(s.node_path[1].is_star());
  EXPECT_TRUE(s.node_path[1].matches("2"));
  EXPECT_TRUE(s.property->matches("Rx"));
  EXPECT_TRUE(s.property->matches("RxPackets"));
  EXPECT_FALSE(s.property->matches("TxRx"));
  EXPECT_TRUE(parse_selector("a/*:r:*b*c*").property->matches("xxbyyczz"));
  EXPECT_FALSE(parse_selector("a/*:r:*b*c*").property->matches("xxcyybzz"));
  Pattern overlap = *parse_selector("m:r:a*a").property;
  EXPECT_FALSE(overlap.matches("a"));
  EXPECT_TRUE(overlap.matches("aa"));
  EXPECT_TRUE(overlap.matches("abca"));
  EXPECT_TRUE(parse_selector("m:r:**x").property->matches("x"));
  // Linear time: many wildcards against a long name that does not match.
  EXPECT_FALSE(parse_selector("m:r:*a*a*a*a*a*a*a*a*a*a*b").property->matches(std::string(5000, 'a')));
}

TEST(Selector, RecursiveMonikers) {
  Selector all = parse_selector("**");
  EXPECT_TRUE(all.recursive_moniker);
  EXPECT_TRUE(all.matches_moniker("core"));
  EXPECT_TRUE(all.matches_moniker("core/network/netstack"));
  Selector core = parse_selector("core/**:root");
  EXPECT_TRUE(core.matches_moniker("core/network"));
  EXPECT_TRUE(core.matches_moniker("core/network/netstack"));
  EXPECT_FALSE(core.matches_moniker("core"));
  EXPECT_FALSE(core.matches_moniker("bootstrap/archivist"));
  EXPECT_THROW(parse_selector("core/**/netstack"), SelectorError);
}

TEST(Selector, TreeNames) {
  Selector s = parse_selector("core/foo:[name=second_tree]root/data:values");
  EXPECT_EQ(s.tree_names, std::vector<std::string>{"second_tree"});
  EXPECT_TRUE(s.matches_tree("second_tree"));
  EXPECT_FALSE(s.matches_tree("root"));
  EXPECT_TRUE(s.node_path[0].matches("root"));
  Selector quoted = parse_selector(R"(core/foo:[name="a", name=b]root)");
  EXPECT_EQ(quoted.tree_names, (std::vector<std::string>{"a", "b"}));
  Selector any = parse_selector("core/foo:[...]root");
  EXPECT_TRUE(any.tree_names.empty());
  EXPECT_TRUE(any.matches_tree("whatever"));
  EXPECT_THROW(parse_selector("core/foo:[name=x root"), SelectorError);
  EXPECT_THROW(parse_selector("core/foo:[id=x]root"), SelectorError);
}

TEST(Selector, Errors) {
  EXPECT_THROW(parse_selector(""), SelectorError);
  EXPECT_THROW(parse_selector("INSPECT:"), SelectorError);
  EXPECT_THROW(parse_selector("a:b:c:d"), SelectorError);
  EXPECT_THROW(parse_selector("a//b"), SelectorError);
  EXPECT_THROW(parse_selector("a:"), SelectorError);
  EXPECT_THROW(parse_selector("a:b:"), SelectorError);
  EXPECT_THROW(parse_selector("a:b c"), SelectorError);
  EXPECT_THROW(parse_selector("a:b\\"), SelectorError);
}

TEST(Selector, EscapingRoundTrips) {
  EXPECT_EQ(escape_for_selector("Networking Stat Counters"), R"(Networking\ Stat\ Counters)");
  EXPECT_EQ(escape_for_selector("a:b/c*d\\e\tf"), "a\\:b\\/c\\*d\\\\e\\\tf");
  EXPECT_EQ(escape_moniker("realm_builder:CHILD_NAME/test"), R"(realm_builder\:CHILD_NAME/test)");
  for (std::string name : {"plain", "with space", "a:b", "x/y", "st*r", "back\\slash"}) {
    Selector s = parse_selector("m:" + escape_for_selector(name) + ":" + escape_for_selector(name));
    EXPECT_TRUE(s.node_path.at(0).matches(name)) << name;
    EXPECT_TRUE(s.property->matches(name)) << name;
    EXPECT_EQ(s.property->to_string(), escape_for_selector(name));
  }
}

}  // namespace
}  // namespace netinspect::inspect
