#include "json/write.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "json/parse.h"

namespace netinspect::json {
namespace {

std::string render(const Value& v, WriteOptions options) {
  std::string out;
  write(v, options, out);
  return out;
}

WriteOptions pretty() { return WriteOptions{}; }
WriteOptions compact() {
  WriteOptions o;
  o.indent = 0;
  return o;
}

// Expected strings below were produced by `jq` (formatting identical in 1.6 and 1.8).
TEST(FormatNumberTest, MatchesJq) {
  struct Case {
    double d;
    const char* out;
  } cases[] = {
      {1e17, "1e+17"},
      {1.0 / 3, "0.3333333333333333"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1.0 / 100000, "1e-05"},
      {1e301, "1e+301"},
      {123456789012345678.0, "123456789012345680"},
      {3.0, "3"},
      {1e16, "1e+16"},
      {1.5e-7, "1.5e-07"},
      {2e16, "2e+16"},
      {1.2e16, "12000000000000000"},
      {-1e-5, "-1e-05"},
      {1e-4, "0.0001"},
      {0.001, "0.001"},
      {5e-324, "5e-324"},
      {2.5, "2.5"},
      {-123.456, "-123.456"},
      {1e100, "1e+100"},
      {9007199254740993.0, "9007199254740992"},
      {1.23e17, "123000000000000000"},
      {0.00012345, "0.00012345"},
      {1234567.5, "1234567.5"},
      {1e21, "1e+21"},
      {100, "100"},
      {0, "0"},
      {-0.0, "-0"},
      {std::numeric_limits<double>::infinity(), "1.7976931348623157e+308"},
      {-std::numeric_limits<double>::infinity(), "-1.7976931348623157e+308"},
      {std::nan(""), "null"},
  };
  for (const Case& c : cases) EXPECT_EQ(format_number(c.d), c.out) << c.out;
}

TEST(FormatNumberTest, NumberText) {
  EXPECT_EQ(number_text(Value::number(1e17)), "1e+17");
  EXPECT_EQ(number_text(parse("1e17")), "1E+17");
  EXPECT_EQ(number_text(parse("1.10")), "1.10");
}

TEST(WriteTest, CompactAndPretty) {
  Value v = parse(R"({"a":1,"b":[1,2],"c":{},"d":[],"e":{"f":null}})");
  EXPECT_EQ(render(v, compact()), R"({"a":1,"b":[1,2],"c":{},"d":[],"e":{"f":null}})");
  EXPECT_EQ(render(v, pretty()),
            "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": {\n"
            "    \"f\": null\n  }\n}");
  EXPECT_EQ(to_json(Value::array()), "[]");
  EXPECT_EQ(render(Value::object(), pretty()), "{}");
  EXPECT_EQ(render(Value::string("x"), pretty()), "\"x\"");
}

TEST(WriteTest, IndentAndTab) {
  Value v = parse(R"({"a":{"b":{}},"c":[1]})");
  WriteOptions tab;
  tab.use_tab = true;
  EXPECT_EQ(render(v, tab), "{\n\t\"a\": {\n\t\t\"b\": {}\n\t},\n\t\"c\": [\n\t\t1\n\t]\n}");
  WriteOptions one;
  one.indent = 1;
  EXPECT_EQ(render(v, one), "{\n \"a\": {\n  \"b\": {}\n },\n \"c\": [\n  1\n ]\n}");
  WriteOptions seven;
  seven.indent = 7;
  EXPECT_EQ(render(parse("[1]"), seven), "[\n       1\n]");
}

TEST(WriteTest, SortKeys) {
  WriteOptions o = compact();
  o.sort_keys = true;
  EXPECT_EQ(render(parse(R"({"b":1,"a":{"d":1,"c":2},"B":0})"), o), R"({"B":0,"a":{"c":2,"d":1},"b":1})");
}

TEST(WriteTest, StringEscapes) {
  // jq: "\u0000\u001f\u007f" + raw non-ASCII + \" \\ / \b \f \n \r \t
  Value v = parse(R"("\u0000\u0001\u001f\u007f\b\f\n\r\t\"\\\/\u00e9\ud83d\ude00\u2028")");
  EXPECT_EQ(to_json(v),
            "\"\\u0000\\u0001\\u001f\\u007f\\b\\f\\n\\r\\t\\\"\\\\/\xC3\xA9\xF0\x9F\x98\x80\xE2\x80\xA8\"");
  WriteOptions ascii = compact();
  ascii.ascii = true;
  EXPECT_EQ(render(parse(R"("\u0000\u001f\u007f\u0080\u00e9\u2028\ud83d\ude00a")"), ascii),
            R"("\u0000\u001f\u007f\u0080\u00e9\u2028\ud83d\ude00a")");
  EXPECT_EQ(render(parse(R"({"é":1})"), ascii), R"({"\u00e9":1})");
}

TEST(WriteTest, LiteralNumbers) {
  EXPECT_EQ(to_json(parse("[1.000,1e2,100000000000000000000001,-0,0.1]")),
            "[1.000,1E+2,100000000000000000000001,-0,0.1]");
  EXPECT_EQ(to_json(Value::number(std::nan(""))), "null");
  EXPECT_EQ(to_json(parse("[nan]")), "[null]");
}

const char* kColorInput = R"({"a":[1,null,"x",{}],"b":true,"c":{"d":[],"e":{"f":false}}})";

// jq -C with jq 1.8's default colours (structure verified against jq 1.6 -C).
TEST(WriteTest, ColorCompact) {
  WriteOptions o = compact();
  o.color = true;
  EXPECT_EQ(render(parse(kColorInput), o),
            "\x1b[1;39m{\x1b[0m\x1b[34;1m\"a\"\x1b[0m\x1b[1;39m:\x1b[0m\x1b[1;39m[\x1b[0;39m1\x1b[0m\x1b[1;39m,"
            "\x1b[0;90mnull\x1b[0m\x1b[1;39m,\x1b[0;32m\"x\"\x1b[0m\x1b[1;39m,\x1b[1;39m{}\x1b[0m\x1b[1;39m"
            "\x1b[1;39m]\x1b[0m\x1b[1;39m,\x1b[0m\x1b[34;1m\"b\"\x1b[0m\x1b[1;39m:\x1b[0m\x1b[0;39mtrue\x1b[0m"
            "\x1b[1;39m,\x1b[0m\x1b[34;1m\"c\"\x1b[0m\x1b[1;39m:\x1b[0m\x1b[1;39m{\x1b[0m\x1b[34;1m\"d\"\x1b[0m"
            "\x1b[1;39m:\x1b[0m\x1b[1;39m[]\x1b[0m\x1b[1;39m,\x1b[0m\x1b[34;1m\"e\"\x1b[0m\x1b[1;39m:\x1b[0m"
            "\x1b[1;39m{\x1b[0m\x1b[34;1m\"f\"\x1b[0m\x1b[1;39m:\x1b[0m\x1b[0;39mfalse\x1b[0m\x1b[1;39m"
            "\x1b[1;39m}\x1b[0m\x1b[1;39m\x1b[1;39m}\x1b[0m\x1b[1;39m\x1b[1;39m}\x1b[0m");
}

TEST(WriteTest, ColorPretty) {
  WriteOptions o = pretty();
  o.color = true;
  EXPECT_EQ(render(parse(R"({"a":[1,{}],"b":[]})"), o),
            "\x1b[1;39m{\n  \x1b[0m\x1b[34;1m\"a\"\x1b[0m\x1b[1;39m: \x1b[0m\x1b[1;39m[\n    \x1b[0;39m1\x1b[0m"
            "\x1b[1;39m,\n    \x1b[1;39m{}\x1b[0m\x1b[1;39m\n  \x1b[1;39m]\x1b[0m\x1b[1;39m,\n  \x1b[0m"
            "\x1b[34;1m\"b\"\x1b[0m\x1b[1;39m: \x1b[0m\x1b[1;39m[]\x1b[0m\x1b[1;39m\n\x1b[1;39m}\x1b[0m");
  EXPECT_EQ(render(Value(), o), "\x1b[0;90mnull\x1b[0m");
  EXPECT_EQ(render(Value::array(), o), "\x1b[1;39m[]\x1b[0m");
}

TEST(WriteTest, CustomColors) {
  WriteOptions o = compact();
  o.color = true;
  o.colors = "1;31:2";  // partial: null and false only
  EXPECT_EQ(render(parse("[null,false,true]"), o),
            "\x1b[1;39m[\x1b[1;31mnull\x1b[0m\x1b[1;39m,\x1b[2mfalse\x1b[0m\x1b[1;39m,\x1b[0;39mtrue\x1b[0m"
            "\x1b[1;39m\x1b[1;39m]\x1b[0m");
  o.colors = "0;31:0;32:0;33:0;34:0;35:0;36:0;37:4;31";
  EXPECT_EQ(render(parse(R"({"k":"v"})"), o),
            "\x1b[0;37m{\x1b[0m\x1b[4;31m\"k\"\x1b[0m\x1b[0;37m:\x1b[0m\x1b[0;35m\"v\"\x1b[0m\x1b[0;37m\x1b[0;37m}"
            "\x1b[0m");
  o.colors = "1;31:bogus";  // invalid: the whole spec is ignored
  EXPECT_EQ(render(Value(), o), "\x1b[0;90mnull\x1b[0m");
  o.colors = "1;31:";  // empty trailing field
  EXPECT_EQ(render(Value(), o), "\x1b[1;31mnull\x1b[0m");
}

TEST(WriteTest, DeepNestingDoesNotOverflow) {
  Value v = Value::array();
  for (int i = 0; i < 10000; ++i) v = Value::array({v});  // 10001 levels
  std::string text = to_json(v);
  EXPECT_EQ(text.find("<skipped: too deep>"), std::string::npos);
  EXPECT_EQ(text.size(), 2u * 10001);
  v = Value::array({v});  // 10002 levels: jq 1.8 stops printing
  EXPECT_NE(to_json(v).find("<skipped: too deep>"), std::string::npos);
  std::string pretty_text;
  write(v, pretty(), pretty_text);
  EXPECT_NE(pretty_text.find("<skipped: too deep>"), std::string::npos);
}

TEST(TruncatedJsonTest, MatchesJqErrorMessages) {
  EXPECT_EQ(truncated_json(parse("123456789012345678901234567890"), 29), "12345678901234567890123456...");
  EXPECT_EQ(truncated_json(Value::string("very-long-long-long-long-string"), 28),
            "\"very-long-long-long-long...");
  EXPECT_EQ(truncated_json(Value::string("short"), 28), "\"short\"");
  // Never splits a UTF-8 character (☆ is 3 bytes).
  std::string star = "\xE2\x98\x86";
  std::string s = "xxxx";
  for (int i = 0; i < 8; ++i) s += star;
  std::string expected = "\"xxxx";
  for (int i = 0; i < 6; ++i) expected += star;
  EXPECT_EQ(truncated_json(Value::string(s), 28), expected + "...");
  std::string s2 = "xx";
  for (int i = 0; i < 8; ++i) s2 += star;
  EXPECT_EQ(truncated_json(Value::string(s2), 28), "\"" + s2 + "\"");
}

}  // namespace
}  // namespace netinspect::json
