#include "json/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "json/parse.h"
#include "json/write.h"

namespace netinspect::json {
namespace {

Value lit(const char* text) { return parse(text); }

TEST(ValueTest, KindsAndTypeNames) {
  EXPECT_EQ(Value().type_name(), "null");
  EXPECT_EQ(Value::boolean(true).kind(), Kind::True);
  EXPECT_EQ(Value::boolean(false).type_name(), "boolean");
  EXPECT_EQ(Value::number(1).type_name(), "number");
  EXPECT_EQ(Value::string("x").type_name(), "string");
  EXPECT_EQ(Value::array().type_name(), "array");
  EXPECT_EQ(Value::object().type_name(), "object");
  EXPECT_FALSE(Value().truthy());
  EXPECT_FALSE(Value::boolean(false).truthy());
  EXPECT_TRUE(Value::number(0).truthy());
  EXPECT_TRUE(Value::string("").truthy());
}

TEST(ValueTest, CopiesShareAndMutationCopiesOnWrite) {
  Value a = Value::array({Value::number(1), Value::number(2)});
  Value b = a;
  b.mutable_array().push_back(Value::number(3));
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(b.size(), 3u);
  Value s = Value::string("ab");
  Value t = s;
  t.mutable_string() += "c";
  EXPECT_EQ(s.as_string(), "ab");
  EXPECT_EQ(t.as_string(), "abc");
}

TEST(ValueTest, Accessors) {
  Value v = parse(R"({"a":[10,20],"b":"x"})");
  EXPECT_EQ(v.get("a").at(1).as_number(), 20);
  EXPECT_TRUE(v.get("missing").is_null());
  EXPECT_TRUE(v.get("a").at(5).is_null());
  EXPECT_TRUE(Value::number(1).get("a").is_null());
  EXPECT_EQ(v.size(), 2u);
  EXPECT_EQ(v.get("b").size(), 1u);
  EXPECT_EQ(Value::number(3).size(), 0u);
}

TEST(ObjectTest, InsertionOrderAndReplaceInPlace) {
  Object o;
  o.set("b", Value::number(1));
  o.set("a", Value::number(2));
  o.set("b", Value::number(3));
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o.entries()[0].first, "b");
  EXPECT_EQ(o.entries()[0].second.as_number(), 3);
  EXPECT_EQ(o.entries()[1].first, "a");
  EXPECT_TRUE(o.erase("b"));
  EXPECT_FALSE(o.erase("b"));
  EXPECT_EQ(o.size(), 1u);
  EXPECT_EQ(o.find("b"), nullptr);
}

// from_entries must give exactly what set() in turn gives: first position,
// last value for a repeated key, on both sides of its small/large split.
TEST(ObjectTest, FromEntriesMatchesSetInTurn) {
  for (std::size_t n : {0u, 1u, 2u, 15u, 16u, 17u, 100u, 5000u}) {
    for (bool with_duplicates : {false, true}) {
      std::vector<Object::Entry> entries;
      Object expected;
      for (std::size_t i = 0; i < n; ++i) {
        std::string key = "key-number-" + std::to_string(with_duplicates ? i % 7 : i);
        entries.emplace_back(key, Value::number(static_cast<double>(i)));
        expected.set(key, Value::number(static_cast<double>(i)));
      }
      Object built = Object::from_entries(entries);
      ASSERT_EQ(built.size(), expected.size()) << n << " " << with_duplicates;
      for (std::size_t i = 0; i < built.size(); ++i) {
        EXPECT_EQ(built.entries()[i].first, expected.entries()[i].first);
        EXPECT_TRUE(equal(built.entries()[i].second, expected.entries()[i].second));
      }
      for (const auto& [key, value] : expected) {
        const Value* found = built.find(key);
        ASSERT_NE(found, nullptr) << key;
        EXPECT_TRUE(equal(*found, value));
      }
      EXPECT_EQ(built.find("absent"), nullptr);
    }
  }
}

TEST(ObjectTest, LargeObjectsUseIndexCorrectly) {
  Object o;
  for (int i = 0; i < 1000; ++i) o.set("k" + std::to_string(i), Value::number(i));
  for (int i = 0; i < 1000; ++i) {
    const Value* v = o.find("k" + std::to_string(i));
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->as_number(), i);
  }
  EXPECT_EQ(o.find("k1000"), nullptr);
  // A copy shares the index; mutating either must not disturb the other.
  Object copy = o;
  copy.set("extra", Value::number(-1));
  o.set("other", Value::number(-2));
  EXPECT_EQ(copy.find("other"), nullptr);
  EXPECT_EQ(o.find("extra"), nullptr);
  EXPECT_EQ(copy.find("extra")->as_number(), -1);
  EXPECT_EQ(o.find("other")->as_number(), -2);
  o.set("k5", Value::number(55));
  EXPECT_EQ(o.entries()[5].second.as_number(), 55);
  EXPECT_TRUE(o.erase("k7"));
  EXPECT_EQ(o.find("k7"), nullptr);
  EXPECT_EQ(o.find("k8")->as_number(), 8);
}

TEST(ObjectTest, SortedKeysByBytes) {
  Object o;
  o.set("b", Value());
  o.set("\xC3\xA9", Value());
  o.set("a", Value());
  o.set("B", Value());
  std::vector<std::string> expected = {"B", "a", "b", "\xC3\xA9"};
  EXPECT_EQ(o.sorted_keys(), expected);
}

TEST(CompareTest, KindOrder) {
  std::vector<Value> order = {Value(), Value::boolean(false), Value::boolean(true), Value::number(-5),
                              Value::string(""), Value::array(), Value::object()};
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (std::size_t j = 0; j < order.size(); ++j) {
      int c = compare(order[i], order[j]);
      if (i < j) {
        EXPECT_LT(c, 0) << i << " " << j;
      } else if (i == j) {
        EXPECT_EQ(c, 0);
      } else {
        EXPECT_GT(c, 0);
      }
    }
  }
}

TEST(CompareTest, StringsByUnsignedBytes) {
  EXPECT_LT(compare(Value::string("a"), Value::string("b")), 0);
  EXPECT_LT(compare(Value::string("a"), Value::string("ab")), 0);
  EXPECT_LT(compare(Value::string("z"), Value::string("\xC3\xA9")), 0);
}

TEST(CompareTest, ArraysAndObjects) {
  EXPECT_LT(compare(parse("[1,2]"), parse("[1,3]")), 0);
  EXPECT_LT(compare(parse("[1]"), parse("[1,0]")), 0);
  EXPECT_EQ(compare(parse("[1,[2]]"), parse("[1,[2]]")), 0);
  // Objects: sorted key arrays first, then values in sorted key order.
  EXPECT_LT(compare(parse(R"({"a":5})"), parse(R"({"b":1})")), 0);
  EXPECT_GT(compare(parse(R"({"b":1})"), parse(R"({"a":1,"b":1})")), 0);
  EXPECT_LT(compare(parse(R"({"a":1,"b":2})"), parse(R"({"b":1,"a":2})")), 0);
  EXPECT_EQ(compare(parse(R"({"a":1,"b":2})"), parse(R"({"b":2,"a":1})")), 0);
  EXPECT_LT(compare(parse(R"({"a":2})"), parse(R"({"a":1,"c":0})")), 0);
}

TEST(CompareTest, NaNSortsBelowNumbers) {
  Value nan = Value::number(std::nan(""));
  EXPECT_LT(compare(nan, Value::number(-1e308)), 0);
  EXPECT_GT(compare(Value::number(-1e308), nan), 0);
  EXPECT_LT(compare(nan, nan), 0);  // jq: nan < nan is true
  EXPECT_FALSE(nan == nan);
  EXPECT_GT(compare(nan, Value::boolean(true)), 0);
}

TEST(NumberLiteralTest, CanonicalText) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"1.000", "1.000"},
      {"100e-2", "1.00"},
      {"0.00001", "0.00001"},
      {"-0", "-0"},
      {"1e2", "1E+2"},
      {"1E+1000", "1E+1000"},
      {"1e-7", "1E-7"},
      {"1.5e3", "1.5E+3"},
      {"12e-10", "1.2E-9"},
      {"100000000000000000000001", "100000000000000000000001"},
      {"13911860366432393", "13911860366432393"},
      {"12345678909876543212345", "12345678909876543212345"},
      {"0.0", "0.0"},
      {"0e10", "0E+10"},
      {"123", "123"},
      {"-1.5", "-1.5"},
      {"0.000001", "0.000001"},
      {"0.0000001", "1E-7"},
      {"1e0", "1"},
      {"10e0", "10"},
      {"1.23e1", "12.3"},
      {"-0.12345678901234567890123456789", "-0.12345678901234567890123456789"},
  };
  for (const Case& c : cases) {
    Value v = parse(c.in);
    EXPECT_TRUE(v.is_literal_number()) << c.in;
    EXPECT_EQ(number_text(v), c.out) << c.in;
    EXPECT_EQ(to_json(v), c.out) << c.in;
  }
}

TEST(NumberLiteralTest, TextStoredOnlyWhenNeeded) {
  EXPECT_EQ(parse("123").number_literal_text(), nullptr);
  EXPECT_EQ(parse("1.5").number_literal_text(), nullptr);
  EXPECT_EQ(parse("0.1").number_literal_text(), nullptr);
  ASSERT_NE(parse("1.000").number_literal_text(), nullptr);
  EXPECT_EQ(*parse("1e2").number_literal_text(), "1E+2");
  EXPECT_TRUE(parse("123").is_literal_number());
  EXPECT_FALSE(Value::number(123).is_literal_number());
}

TEST(NumberLiteralTest, OverflowKeepsLiteral) {
  Value v = parse("1E+1000");
  EXPECT_TRUE(std::isinf(v.as_number()));
  EXPECT_EQ(to_json(v), "1E+1000");
  EXPECT_EQ(to_json(negate_number(v)), "-1E+1000");
  EXPECT_EQ(to_json(Value::number(v.as_number())), "1.7976931348623157e+308");
}

TEST(NumberLiteralTest, ExactComparisonBetweenLiterals) {
  EXPECT_FALSE(lit("13911860366432393") == lit("13911860366432392"));
  EXPECT_GT(compare(lit("10000000000000000000000000000001"), lit("10000000000000000000000000000000")), 0);
  EXPECT_TRUE(lit("1.000") == lit("1"));
  EXPECT_TRUE(lit("100e-2") == lit("1"));
  EXPECT_TRUE(lit("0.0001e4") == lit("1e+0"));
  EXPECT_TRUE(lit("-0") == lit("0"));
  EXPECT_LT(compare(lit("-2"), lit("-1")), 0);
  EXPECT_LT(compare(lit("1E+1000"), lit("2E+1000")), 0);
  EXPECT_LT(compare(lit("-1E+1000"), lit("1")), 0);
  // A computed number compares as a double.
  EXPECT_TRUE(Value::number(13911860366432392.0) == lit("13911860366432393"));
  EXPECT_TRUE(Value::number(1) == lit("1.000"));
}

TEST(NumberLiteralTest, NegationKeepsPrecision) {
  EXPECT_EQ(to_json(negate_number(lit("13911860366432393"))), "-13911860366432393");
  EXPECT_EQ(to_json(negate_number(lit("-0.12345678901234567890123456789"))),
            "0.12345678901234567890123456789");
  EXPECT_EQ(to_json(negate_number(lit("1"))), "-1");
  EXPECT_EQ(to_json(negate_number(lit("-1"))), "1");
  EXPECT_EQ(to_json(negate_number(lit("1.000"))), "-1.000");
  EXPECT_TRUE(negate_number(lit("5")).is_literal_number());
  EXPECT_EQ(negate_number(lit("5")).as_number(), -5);
  EXPECT_EQ(to_json(negate_number(Value::number(2.5))), "-2.5");
  EXPECT_FALSE(negate_number(Value::number(2.5)).is_literal_number());
}

TEST(ValueTest, DeepNestingIsSafe) {
  Value v;
  for (int i = 0; i < 10000; ++i) v = Value::array({v});
  Value w = v;
  EXPECT_EQ(compare(v, w), 0);
}

}  // namespace
}  // namespace netinspect::json

namespace netinspect::json {
namespace {

TEST(ValueDepthTest, DestroyingDeepValuesDoesNotRecurse) {
  Value v;
  for (int i = 0; i < 1000000; ++i) v = Value::array({v});
  Object o;
  o.set("a", v);
  Value obj = Value::object(std::move(o));
  v = Value();
  obj = Value();  // must not overflow the stack
  SUCCEED();
}

TEST(ValueDepthTest, CompareAndEqualStopPastJqsDepth) {
  // As jq's `reduce range(10001) as $_ ([]; [.])`: the innermost [] is too deep.
  Value a = Value::array(), b = Value::array();
  for (int i = 0; i < kMaxCompareDepth + 1; ++i) {
    a = Value::array({a});
    b = Value::array({b});
  }
  EXPECT_THROW(compare(a, b), TooDeepError);
  EXPECT_THROW((void)equal(a, b), TooDeepError);
  EXPECT_TRUE(equal(a, a));  // identity needs no walk, as in jq
  try {
    (void)equal(a, b);
  } catch (const TooDeepError& e) {
    EXPECT_STREQ(e.what(), "Equality check too deep");
  }
  Value c = Value::array(), d = Value::array();
  for (int i = 0; i < kMaxCompareDepth; ++i) {
    c = Value::array({c});
    d = Value::array({d});
  }
  EXPECT_EQ(compare(c, d), 0);
}

}  // namespace
}  // namespace netinspect::json
