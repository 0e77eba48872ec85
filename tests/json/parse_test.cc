#include "json/parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "json/write.h"

namespace netinspect::json {
namespace {

// All values of `text` in compact form, then "error: <message>" if any.
std::vector<std::string> read_all(std::string_view text) {
  std::vector<std::string> out;
  ValueReader reader(text);
  try {
    Value v;
    while (reader.next(v)) out.push_back(to_json(v));
  } catch (const ParseError& e) {
    out.push_back(std::string("error: ") + e.what());
  }
  return out;
}

std::string error_of(std::string_view text) {
  std::vector<std::string> all = read_all(text);
  if (all.empty() || all.back().rfind("error: ", 0) != 0) return "no error";
  return all.back().substr(7);
}

using Strings = std::vector<std::string>;

TEST(ParseTest, Scalars) {
  EXPECT_TRUE(parse("null").is_null());
  EXPECT_EQ(parse("true").kind(), Kind::True);
  EXPECT_EQ(parse(" false ").kind(), Kind::False);
  EXPECT_EQ(parse("-1.5").as_number(), -1.5);
  EXPECT_EQ(parse("\"a\\nb\"").as_string(), "a\nb");
  EXPECT_TRUE(std::isnan(parse("nan").as_number()));
  EXPECT_TRUE(std::isnan(parse("NaN").as_number()));
  EXPECT_TRUE(std::isnan(parse("-NaN").as_number()));
  EXPECT_TRUE(std::isinf(parse("Infinity").as_number()));
  EXPECT_LT(parse("-Infinity").as_number(), 0);
}

TEST(ParseTest, DuplicateKeysKeepFirstPositionLastValue) {
  EXPECT_EQ(to_json(parse(R"({"a":1,"b":2,"a":3})")), R"({"a":3,"b":2})");
}

// Large enough for the simdjson path, which builds objects without a lookup
// per key: repeats must still keep their first position and last value.
TEST(ParseTest, DuplicateKeysInLargeDocuments) {
  std::string padding(300, 'x');
  EXPECT_EQ(to_json(parse(R"({"a":1,"b":{"c":1,"c":2},"a":3,"pad":")" + padding + "\"}")),
            R"({"a":3,"b":{"c":2},"pad":")" + padding + "\"}");
  std::string many = "{", expected = "{";
  for (int i = 0; i < 40; ++i) many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  many += "\"k3\":\"last\",\"k39\":[1]}";
  for (int i = 0; i < 40; ++i) {
    expected += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":" +
                (i == 3 ? std::string("\"last\"") : i == 39 ? std::string("[1]") : std::to_string(i));
  }
  expected += "}";
  EXPECT_EQ(to_json(parse(many)), expected);
}

TEST(ParseTest, LenientNumbersAsJq18) {
  EXPECT_EQ(to_json(parse("01")), "1");
  EXPECT_EQ(to_json(parse("1.")), "1");
  EXPECT_EQ(to_json(parse(".5")), "0.5");
  EXPECT_EQ(to_json(parse("+1")), "1");
  EXPECT_EQ(to_json(parse("1e1000")), "1E+1000");
  EXPECT_EQ(to_json(parse("-1e1000")), "-1E+1000");
  EXPECT_EQ(parse("1e-400").as_number(), 0);
}

TEST(ParseTest, ValueStream) {
  EXPECT_EQ(read_all("1 2 [3]\n{\"a\":1}"), (Strings{"1", "2", "[3]", "{\"a\":1}"}));
  EXPECT_EQ(read_all("{\"a\":1}{\"b\":2}"), (Strings{"{\"a\":1}", "{\"b\":2}"}));
  EXPECT_EQ(read_all("\"a\"\"b\""), (Strings{"\"a\"", "\"b\""}));
  EXPECT_EQ(read_all("1[2]"), (Strings{"1", "[2]"}));
  EXPECT_EQ(read_all(""), Strings{});
  EXPECT_EQ(read_all(" \n\t\r "), Strings{});
}

TEST(ParseTest, ErrorsAfterEarlierValues) {
  EXPECT_EQ(read_all("[1,2]]"), (Strings{"[1,2]", "error: Unmatched ']' at line 1, column 6"}));
  EXPECT_EQ(read_all("1\n2\n["), (Strings{"1", "2", "error: Unfinished JSON term at EOF at line 3, column 1"}));
  EXPECT_EQ(read_all("[1]x"), (Strings{"[1]", "error: Invalid numeric literal at EOF at line 1, column 4"}));
  EXPECT_EQ(read_all("1 ,"), (Strings{"1", "error: Expected value before ',' at line 1, column 3"}));
  EXPECT_EQ(read_all("1{"), (Strings{"1", "error: Unfinished JSON term at EOF at line 1, column 2"}));
}

// Messages and positions as printed by jq after "parse error: ".
TEST(ParseTest, ErrorMessagesMatchJq) {
  struct Case {
    const char* in;
    const char* message;
  } cases[] = {
      {"[1,2", "Unfinished JSON term at EOF at line 1, column 4"},
      {"[1,2\n", "Unfinished JSON term at EOF at line 2, column 0"},
      {"{\"a\" 1}", "Expected separator between values at line 1, column 7"},
      {"{\"a\":1 \"b\"}", "Expected separator between values at line 1, column 10"},
      {"[1 2]", "Expected separator between values at line 1, column 5"},
      {"[true false]", "Expected separator between values at line 1, column 12"},
      {"[\"a\" \"b\"]", "Expected separator between values at line 1, column 8"},
      {"[[1]2]", "Expected separator between values at line 1, column 6"},
      {"tru", "Invalid literal at EOF at line 1, column 3"},
      {"tru\n", "Invalid literal at line 2, column 0"},
      {"true1", "Invalid literal at EOF at line 1, column 5"},
      {"null1", "Invalid literal at EOF at line 1, column 5"},
      {"1.2.3", "Invalid numeric literal at EOF at line 1, column 5"},
      {"-", "Invalid numeric literal at EOF at line 1, column 1"},
      {"1e", "Invalid numeric literal at EOF at line 1, column 2"},
      {"1e+", "Invalid numeric literal at EOF at line 1, column 3"},
      {"123abc", "Invalid numeric literal at EOF at line 1, column 6"},
      {"NaN1", "Invalid numeric literal at EOF at line 1, column 4"},
      {"NaN100000", "Invalid numeric literal at EOF at line 1, column 9"},
      {"@", "Invalid numeric literal at EOF at line 1, column 1"},
      {"[\x01]", "Invalid numeric literal at line 1, column 3"},
      {"  [\n 1,\n x]", "Invalid numeric literal at line 3, column 3"},
      {"{'a': 123}", "Invalid string literal; expected \", but got ' at line 1, column 5"},
      {"\"\\v\"", "Invalid escape at line 1, column 4"},
      {"\"\\x\"", "Invalid escape at line 1, column 4"},
      {"\"\\u12\"", "Invalid \\uXXXX escape at line 1, column 6"},
      {"\"\\u\"", "Invalid \\uXXXX escape at line 1, column 4"},
      {"\"\\u12g4\"", "Invalid characters in \\uXXXX escape at line 1, column 8"},
      {"\"\\u00zz\\v\"", "Invalid characters in \\uXXXX escape at line 1, column 10"},
      {"\"abc", "Unfinished string at EOF at line 1, column 4"},
      {"\"a\\", "Unfinished string at EOF at line 1, column 3"},
      {"\"a\x01\tb\nc\"",
       "Invalid string: control characters from U+0000 through U+001F must be escaped at line 2, column 2"},
      {"[,1]", "Expected value before ',' at line 1, column 2"},
      {"{,}", "Expected value before ',' at line 1, column 2"},
      {"[1,,2]", "Expected value before ',' at line 1, column 4"},
      {",", "Expected value before ',' at line 1, column 1"},
      {"[1,]", "Expected another array element at line 1, column 4"},
      {"{\"a\":1,}", "Expected another key-value pair at line 1, column 8"},
      {"{\"a\"}", "Objects must consist of key:value pairs at line 1, column 5"},
      {"[1}", "Objects must consist of key:value pairs at line 1, column 3"},
      {"{1:2}", "Object keys must be strings at line 1, column 3"},
      {"]", "Unmatched ']' at line 1, column 1"},
      {"}", "Unmatched '}' at line 1, column 1"},
      {"{\"a\":}", "Unmatched '}' at line 1, column 6"},
      {"{\"a\":1]", "Unmatched ']' at line 1, column 7"},
      {":", "Expected string key before ':' at line 1, column 1"},
      {"{\"a\"::1}", "Expected string key before ':' at line 1, column 6"},
      {"[1:2]", "':' not as part of an object at line 1, column 3"},
      {"{\"a\":\"b\":1}", "':' not as part of an object at line 1, column 9"},
      {"{\"a\":1 :", "':' not as part of an object at line 1, column 8"},
      {"[\r\n1,\r\n2", "Unfinished JSON term at EOF at line 3, column 1"},
      {"\xEF\xBB[1]", "Malformed BOM"},
      {" \xEF\xBB\xBF[1]", "Invalid numeric literal at line 1, column 5"},
  };
  for (const Case& c : cases) EXPECT_EQ(error_of(c.in), c.message) << c.in;
}

TEST(ParseTest, ParseErrorCarriesPosition) {
  try {
    parse("[1,\n2 3]");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.column(), 4u);
  }
}

TEST(ParseTest, SingleValueErrors) {
  EXPECT_THROW(parse(""), ParseError);
  EXPECT_THROW(parse("1 2"), ParseError);
  try {
    parse("  ");
  } catch (const ParseError& e) {
    EXPECT_STREQ(e.what(), "Expected JSON value");
  }
  try {
    parse("1 2");
  } catch (const ParseError& e) {
    EXPECT_STREQ(e.what(), "Unexpected extra JSON values");
  }
}

TEST(ParseTest, BomIsSkipped) {
  EXPECT_EQ(read_all("\xEF\xBB\xBF[1]"), Strings{"[1]"});
  EXPECT_EQ(error_of("\xEF\xBB\xBF[1"), "Unfinished JSON term at EOF at line 1, column 2");
}

TEST(ParseTest, InvalidUtf8IsReplaced) {
  EXPECT_EQ(read_all("\"\xff\xfe\" \"a\xc3\" \"\xe2\x82\" \"\xed\xa0\x80\" \"\xf4\x90\x80\x80\" \"\xc0\xaf\" "
                     "\"\xf0\x9f\x98\" \"\xf5\x80\x80\x80\" \"\xc1\x80\" \"\x80\""),
            (Strings{"\"\xEF\xBF\xBD\xEF\xBF\xBD\"", "\"a\xEF\xBF\xBD\"", "\"\xEF\xBF\xBD\"", "\"\xEF\xBF\xBD\"",
                     "\"\xEF\xBF\xBD\"", "\"\xEF\xBF\xBD\xEF\xBF\xBD\"", "\"\xEF\xBF\xBD\"",
                     "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"", "\"\xEF\xBF\xBD\xEF\xBF\xBD\"",
                     "\"\xEF\xBF\xBD\""}));
}

TEST(ParseTest, Escapes) {
  EXPECT_EQ(parse(R"("\u0041\u00e9\ud83d\ude00\/\"\\\b\f\n\r\t")").as_string(),
            "A\xC3\xA9\xF0\x9F\x98\x80/\"\\\b\f\n\r\t");
  // Lone surrogates become U+FFFD (jq 1.8).
  EXPECT_EQ(parse(R"("\ud800")").as_string(), "\xEF\xBF\xBD");
  EXPECT_EQ(parse(R"("\udc00x")").as_string(), "\xEF\xBF\xBDx");
  EXPECT_EQ(parse(R"("\ud800\ud800")").as_string(), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(parse(R"("\ud800\u0041")").as_string(), "\xEF\xBF\xBD" "A");
  EXPECT_EQ(parse("{\"a\\u0000b\":1}").as_object().entries()[0].first, std::string("a\0b", 3));
  // jq lets raw NUL, U+001F and DEL through.
  EXPECT_EQ(parse(std::string_view("\"a\0\x1f\x7f\"", 6)).as_string(), std::string("a\0\x1f\x7f", 4));
}

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ParseTest, DepthLimit) {
  EXPECT_NO_THROW(parse(nested_arrays(10000)));
  EXPECT_EQ(error_of(nested_arrays(10001)), "Exceeds depth limit for parsing at line 1, column 10001");
  ParseOptions small;
  small.max_depth = 3;
  EXPECT_NO_THROW(parse("[[[1]]]", small));
  EXPECT_THROW(parse("[[[[1]]]]", small), ParseError);
  // Pending object keys count towards the depth, as in jq.
  ParseOptions two;
  two.max_depth = 2;
  EXPECT_NO_THROW(parse("[[1]]", two));
  EXPECT_THROW(parse("{\"a\":{\"b\":1}}", two), ParseError);
  Value deep = parse(nested_arrays(10000));
  int levels = 0;
  for (Value v = deep; v.is_array() && v.size() > 0; v = v.at(0)) ++levels;
  EXPECT_EQ(levels, 9999);
}

TEST(ParseTest, FastPathAgreesWithExactParser) {
  // Large documents go through simdjson; the result must be the same.
  std::string big = "[";
  for (int i = 0; i < 2000; ++i) {
    if (i) big += ",";
    big += R"({"id":)" + std::to_string(i) + R"(,"x":1.000,"y":1e2,"s":"caf\u00e9 \"q\"","n":null,"t":true,)"
           R"("f":false,"a":[],"o":{},"big":100000000000000000000001,"d":0.1,"k":1,"k":2})";
  }
  big += "]";
  Value v = parse(big);
  ASSERT_EQ(v.size(), 2000u);
  Value first = v.at(0);
  EXPECT_EQ(to_json(first),
            R"({"id":0,"x":1.000,"y":1E+2,"s":"café \"q\"","n":null,"t":true,"f":false,"a":[],"o":{},)"
            R"("big":100000000000000000000001,"d":0.1,"k":2})");
  EXPECT_EQ(to_json(v.at(1999).get("id")), "1999");
  // The stream reader splits several large documents correctly.
  std::vector<std::string> all = read_all(big + "\n" + big + " 7");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], to_json(v));
  EXPECT_EQ(all[1], to_json(v));
  EXPECT_EQ(all[2], "7");
  // Input the fast path rejects still parses exactly.
  std::string lenient = big;
  lenient.insert(lenient.size() - 1, ",nan,\"\\ud800\",01");
  Value w = parse(lenient);
  EXPECT_EQ(w.size(), 2003u);
  EXPECT_EQ(to_json(w.at(2001)), "\"\xEF\xBF\xBD\"");
  // Errors in large documents are reported by the exact parser.
  std::string broken = big;
  broken[broken.size() - 1] = '}';
  EXPECT_EQ(error_of(broken).substr(0, 40), "Objects must consist of key:value pairs ");
}

TEST(ValueReaderTest, LineForErrorMessages) {
  std::string text = "1\n{\"a\":\n2}\n3";
  ValueReader reader(text);
  Value v;
  ASSERT_TRUE(reader.next(v));
  EXPECT_EQ(reader.line(), 1u);
  ASSERT_TRUE(reader.next(v));
  EXPECT_EQ(reader.line(), 3u);
  ASSERT_TRUE(reader.next(v));
  EXPECT_EQ(reader.line(), 3u);
  EXPECT_FALSE(reader.next(v));
}

}  // namespace
}  // namespace netinspect::json
