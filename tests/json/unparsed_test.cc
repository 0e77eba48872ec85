// Value::unparsed and materialize(): a container kept as text behaves exactly
// like its parsed value, parses once when read through the Value, and can be
// parsed without being kept (materialize) or with members left as text.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "json/parse.h"
#include "json/value.h"
#include "json/write.h"

namespace netinspect::json {
namespace {

// `text` padded as callers must (readable bytes after every span).
std::shared_ptr<const std::string> owner_of(const std::string& text) {
  return std::make_shared<const std::string>(text + std::string(64, ' '));
}

Value unparsed_of(const std::shared_ptr<const std::string>& owner, std::size_t size) {
  return Value::unparsed(owner, std::string_view(*owner).substr(0, size), 10000);
}

std::string long_object() {
  std::string text = "{\"a\": 1, \"b\": [true, null, \"x\\u00e9\"], \"c\": {\"d\": 1.000, \"e\": 100000000000000000000001}";
  for (int i = 0; i < 40; ++i) text += ", \"k" + std::to_string(i) + "\": " + std::to_string(i);
  text += ", \"a\": 2}";  // duplicate key: first position, last value
  return text;
}

TEST(UnparsedTest, BehavesAsTheParsedValue) {
  const std::string text = long_object();
  const auto owner = owner_of(text);
  const Value lazy = unparsed_of(owner, text.size());
  const Value eager = parse(text);
  EXPECT_TRUE(lazy.is_unparsed());
  EXPECT_TRUE(lazy.is_object());
  EXPECT_EQ(lazy.type_name(), "object");
  EXPECT_EQ(lazy.size(), eager.size());
  EXPECT_TRUE(equal(lazy, eager));
  EXPECT_EQ(compare(lazy, eager), 0);
  EXPECT_EQ(to_json(lazy), to_json(eager));
  EXPECT_EQ(lazy.get("a").as_number(), 2);
  EXPECT_EQ(to_json(lazy.get("c")), "{\"d\":1.000,\"e\":100000000000000000000001}");
}

TEST(UnparsedTest, ArraysToo) {
  const std::string text = "  [1, [2, 3], {\"x\": \"y\"}]";
  const auto owner = owner_of(text);
  const Value lazy = unparsed_of(owner, text.size());
  EXPECT_TRUE(lazy.is_array());
  EXPECT_EQ(lazy.size(), 3u);
  EXPECT_EQ(to_json(lazy), "[1,[2,3],{\"x\":\"y\"}]");
}

TEST(UnparsedTest, OnlyContainers) {
  const auto owner = owner_of("1");
  EXPECT_THROW(unparsed_of(owner, 1), std::invalid_argument);
}

TEST(UnparsedTest, MutationCopiesAndLeavesTheOriginal) {
  const std::string text = "{\"a\": 1}";
  const auto owner = owner_of(text);
  const Value lazy = unparsed_of(owner, text.size());
  Value copy = lazy;
  copy.mutable_object().set("b", Value::number(2));
  EXPECT_EQ(to_json(copy), "{\"a\":1,\"b\":2}");
  EXPECT_EQ(to_json(lazy), "{\"a\":1}");
  EXPECT_FALSE(copy.is_unparsed());
}

TEST(UnparsedTest, MaterializeDoesNotKeepTheParse) {
  const std::string text = long_object();
  const auto owner = owner_of(text);
  const Value lazy = unparsed_of(owner, text.size());
  const Value first = materialize(lazy);
  const Value second = materialize(lazy);
  EXPECT_FALSE(first.is_unparsed());
  EXPECT_TRUE(equal(first, second));
  // Two separate parses: different payloads.
  EXPECT_NE(&first.as_object(), &second.as_object());
  // Once read through the Value, the kept parse is what materialize gives.
  const Object& kept = lazy.as_object();
  EXPECT_EQ(&materialize(lazy).as_object(), &kept);
  EXPECT_EQ(&lazy.as_object(), &kept);
}

TEST(UnparsedTest, MaterializeKeepsNamedMembersAsText) {
  const std::string text = long_object();
  const auto owner = owner_of(text);
  const Value lazy = unparsed_of(owner, text.size());
  static constexpr std::string_view kKeep[] = {"b", "c", "k1"};
  const Value partly = materialize(lazy, kKeep);
  ASSERT_TRUE(partly.is_object());
  EXPECT_TRUE(partly.get("b").is_unparsed());
  EXPECT_TRUE(partly.get("c").is_unparsed());
  EXPECT_FALSE(partly.get("k1").is_unparsed());  // a scalar: parsed as usual
  EXPECT_FALSE(partly.get("a").is_unparsed());
  EXPECT_TRUE(equal(partly, parse(text)));
  EXPECT_EQ(to_json(partly.get("b")), "[true,null,\"x\u00e9\"]");
}

TEST(UnparsedTest, SmallTextsAreParsedByTheExactParser) {
  // Below the fast path's minimum size: kept members do not apply, the value is still right.
  const std::string text = "{\"b\": [1]}";
  const auto owner = owner_of(text);
  static constexpr std::string_view kKeep[] = {"b"};
  const Value partly = materialize(unparsed_of(owner, text.size()), kKeep);
  EXPECT_EQ(to_json(partly), "{\"b\":[1]}");
}

TEST(UnparsedTest, MalformedTextThrowsWhenRead) {
  const std::string text = "{\"a\": [1, 2,, 3]}";
  const auto owner = owner_of(text);
  const Value lazy = unparsed_of(owner, text.size());
  EXPECT_TRUE(lazy.is_object());  // the kind comes from the first byte
  EXPECT_THROW(materialize(lazy), ParseError);
  EXPECT_THROW(lazy.as_object(), ParseError);
  EXPECT_THROW(lazy.as_object(), ParseError);  // and again: nothing was kept
}

TEST(UnparsedTest, DepthLimitApplies) {
  const std::string text = std::string(20, '[') + std::string(20, ']');
  const auto owner = owner_of(text);
  EXPECT_THROW(Value::unparsed(owner, std::string_view(*owner).substr(0, text.size()), 10).as_array(), ParseError);
  EXPECT_EQ(Value::unparsed(owner, std::string_view(*owner).substr(0, text.size()), 20).size(), 1u);
}

TEST(UnparsedTest, ThreadsReadingOneValueShareOneParse) {
  const std::string text = long_object();
  const auto owner = owner_of(text);
  const Value lazy = unparsed_of(owner, text.size());
  std::vector<const Object*> seen(4, nullptr);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) threads.emplace_back([&, i] { seen[i] = &lazy.as_object(); });
  for (std::thread& thread : threads) thread.join();
  for (const Object* object : seen) EXPECT_EQ(object, seen[0]);
}

TEST(UnparsedTest, OutlivesItsCreatorAndFreesDeepValues) {
  Value kept;
  {
    const std::string text = "{\"x\": " + std::string(5000, '[') + std::string(5000, ']') + "}";
    const auto owner = owner_of(text);
    kept = unparsed_of(owner, text.size());
  }
  EXPECT_EQ(kept.get("x").kind(), Kind::Array);  // the owner is held by the value
  kept = Value();                                // frees 5,000 nested arrays without recursion
}

}  // namespace
}  // namespace netinspect::json
