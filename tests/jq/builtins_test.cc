#include "jq/builtins.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jq/jq.h"
#include "json/parse.h"
#include "json/write.h"

namespace netinspect::jq {
namespace {

const NativeFunction& native(std::string_view name, int arity) {
  for (const NativeFunction& fn : native_functions()) {
    if (fn.name == name && fn.arity == arity) return fn;
  }
  ADD_FAILURE() << "no native " << name << "/" << arity;
  static const NativeFunction missing{"missing", 0, nullptr};
  return missing;
}

// Calls a native on JSON text arguments and returns the compact JSON result.
std::string call(std::string_view name, std::string_view input, std::vector<std::string_view> args = {}) {
  std::vector<json::Value> values;
  for (auto arg : args) values.push_back(json::parse(arg));
  const NativeFunction& fn = native(name, static_cast<int>(args.size()));
  if (fn.fn == nullptr) return "<missing>";
  return json::to_json(fn.fn(json::parse(input), values));
}

// The error message a native raises, or "(no error)".
std::string error_of(std::string_view name, std::string_view input, std::vector<std::string_view> args = {}) {
  try {
    call(name, input, std::move(args));
  } catch (const RuntimeError& e) {
    return RuntimeError::message_for(e.value());
  }
  return "(no error)";
}

std::string format(std::string_view fmt, std::string_view input) {
  return apply_format(fmt, json::parse(input));
}

std::string format_error(std::string_view fmt, std::string_view input) {
  try {
    format(fmt, input);
  } catch (const RuntimeError& e) {
    return RuntimeError::message_for(e.value());
  }
  return "(no error)";
}

// Runs a whole program and joins its compact outputs with spaces.
std::string run(std::string_view program, std::string_view input = "null") {
  Compiled compiled = Compiled::compile(program);
  Environment env;
  std::string out;
  compiled.run(json::parse(input), env, [&](const json::Value& value) {
    if (!out.empty()) out += ' ';
    out += json::to_json(value);
  });
  return out;
}

TEST(BuiltinsNatives, Length) {
  EXPECT_EQ(call("length", R"([1,2,3])"), "3");
  EXPECT_EQ(call("length", R"({"a":1})"), "1");
  EXPECT_EQ(call("length", R"("\u03bcx")"), "2");
  EXPECT_EQ(call("length", "null"), "0");
  EXPECT_EQ(call("length", "-1.5"), "1.5");
  EXPECT_EQ(error_of("length", "true"), "boolean (true) has no length");
  EXPECT_EQ(call("utf8bytelength", R"("\u03bc")"), "2");
  EXPECT_EQ(error_of("utf8bytelength", "[]"), "array ([]) only strings have UTF-8 byte length");
}

TEST(BuiltinsNatives, KeysHasContains) {
  EXPECT_EQ(call("keys", R"({"b":1,"a":2})"), R"(["a","b"])");
  EXPECT_EQ(call("keys_unsorted", R"({"b":1,"a":2})"), R"(["b","a"])");
  EXPECT_EQ(call("keys", "[5,6]"), "[0,1]");
  EXPECT_EQ(error_of("keys", "null"), "null (null) has no keys");
  EXPECT_EQ(call("has", R"({"a":1})", {R"("a")"}), "true");
  EXPECT_EQ(call("has", "[1,2]", {"2"}), "false");
  EXPECT_EQ(error_of("has", R"({"a":1})", {"0"}), "Cannot check whether object has a number key");
  EXPECT_EQ(call("contains", R"("foobar")", {R"("bar")"}), "true");
  EXPECT_EQ(call("contains", R"(["foobar","baz"])", {R"(["baz","bar"])"}), "true");
  EXPECT_EQ(call("contains", R"({"a":[1,2],"b":3})", {R"({"a":[2]})"}), "true");
  EXPECT_EQ(call("contains", R"({"a":1})", {R"({"a":"x"})"}), "false");
  EXPECT_EQ(error_of("contains", R"({"a":1})", {R"("a")"}),
            R"(object ({"a":1}) and string ("a") cannot have their containment checked)");
}

TEST(BuiltinsNatives, AddAndJoin) {
  EXPECT_EQ(call("add", "[1,2,3]"), "6");
  EXPECT_EQ(call("add", R"(["a","b"])"), R"("ab")");
  EXPECT_EQ(call("add", "[[1],[2]]"), "[1,2]");
  EXPECT_EQ(call("add", R"([{"a":1},{"b":2},{"a":3}])"), R"({"a":3,"b":2})");
  EXPECT_EQ(call("add", "[]"), "null");
  EXPECT_EQ(call("add", R"({"x":1,"y":2})"), "3");
  EXPECT_EQ(error_of("add", R"([1,"a"])"), R"(number (1) and string ("a") cannot be added)");
  EXPECT_EQ(call("join", R"(["1",2,true,null,3.5])", {R"(",")"}), R"("1,2,true,,3.5")");
  EXPECT_EQ(call("join", "[]", {R"(",")"}), R"("")");
  EXPECT_EQ(error_of("join", R"(["1",[3]])", {R"(",")"}),
            R"(string ("1,") and array ([3]) cannot be added)");
}

TEST(BuiltinsNatives, Conversions) {
  EXPECT_EQ(call("tostring", "[1,\"a\"]"), R"("[1,\"a\"]")");
  EXPECT_EQ(call("tostring", R"("a")"), R"("a")");
  EXPECT_EQ(call("tonumber", R"("42")"), "42");
  EXPECT_EQ(call("tonumber", R"(".5")"), "0.5");
  EXPECT_EQ(error_of("tonumber", R"(" 4")"), R"(string (" 4") cannot be parsed as a number)");
  EXPECT_EQ(error_of("tonumber", R"("2a")"), R"(string ("2a") cannot be parsed as a number)");
  EXPECT_EQ(call("toboolean", R"("true")"), "true");
  EXPECT_EQ(error_of("toboolean", "0"), "number (0) cannot be parsed as a boolean");
  EXPECT_EQ(call("tojson", R"({"a":[1,"x"]})"), R"("{\"a\":[1,\"x\"]}")");
  EXPECT_EQ(call("fromjson", R"("[1,2]")"), "[1,2]");
  EXPECT_EQ(call("type", "{}"), R"("object")");
  EXPECT_EQ(error_of("fromjson", R"("[1,")").find("(while parsing '[1,')") != std::string::npos, true);
}

TEST(BuiltinsNatives, ErrorPreviewIsTruncated) {
  EXPECT_EQ(error_of("keys", R"("very-long-long-long-long-string")"),
            R"(string ("very-long-long-long-long...) has no keys)");
}

TEST(BuiltinsNatives, Sorting) {
  EXPECT_EQ(call("sort", R"([3,"a",null,1,[0],{}])"), R"([null,1,3,"a",[0],{}])");
  EXPECT_EQ(error_of("sort", "1"), "number (1) cannot be sorted, as it is not an array");
  EXPECT_EQ(call("_sort_by_impl", R"(["b","a","c"])", {"[[2],[1],[2]]"}), R"(["a","b","c"])");
  EXPECT_EQ(call("_group_by_impl", "[1,2,3,4]", {"[[1],[0],[1],[0]]"}), "[[2,4],[1,3]]");
  EXPECT_EQ(call("_unique_by_impl", "[1,2,3,4]", {"[[1],[0],[1],[0]]"}), "[2,1]");
  EXPECT_EQ(call("unique", "[1,2,5,3,5,3,1,3]"), "[1,2,3,5]");
  EXPECT_EQ(call("_min_by_impl", R"([[4,"a"],[3,"a"]])", {R"([["a"],["a"]])"}), R"([4,"a"])");
  EXPECT_EQ(call("_max_by_impl", R"([[4,"a"],[3,"a"]])", {R"([["a"],["a"]])"}), R"([3,"a"])");
  EXPECT_EQ(call("min", "[]"), "null");
  EXPECT_EQ(call("max", "[1,3,2]"), "3");
}

TEST(BuiltinsNatives, Collections) {
  EXPECT_EQ(call("reverse", "[1,2,3]"), "[3,2,1]");
  EXPECT_EQ(call("reverse", R"("ab\u03bc")"), R"("μba")");
  EXPECT_EQ(call("reverse", "null"), "[]");
  EXPECT_EQ(call("flatten", "[0,[1],[[2]],[[[3]]]]"), "[0,1,2,3]");
  EXPECT_EQ(call("flatten", "[0,[1],[[2]],[[[3]]]]", {"1"}), "[0,1,[2],[[3]]]");
  EXPECT_EQ(error_of("flatten", "[]", {"-1"}), "flatten depth must not be negative");
  EXPECT_EQ(call("to_entries", R"({"a":1})"), R"([{"key":"a","value":1}])");
  EXPECT_EQ(call("from_entries", R"([{"key":"a","value":1},{"Name":"b","Value":2}])"), R"({"a":1,"b":2})");
  EXPECT_EQ(call("transpose", "[[1],[2,3]]"), "[[1,2],[null,3]]");
  EXPECT_EQ(call("bsearch", "[1,2,3]", {"3"}), "2");
  EXPECT_EQ(call("bsearch", "[1,2,3]", {"4"}), "-4");
}

TEST(BuiltinsNatives, Strings) {
  EXPECT_EQ(call("split", R"("a, b, c")", {R"(", ")"}), R"(["a","b","c"])");
  EXPECT_EQ(call("split", R"("abc")", {R"("")"}), R"(["a","b","c"])");
  EXPECT_EQ(call("split", R"("")", {R"(",")"}), "[]");
  EXPECT_EQ(call("ascii_downcase", R"("AbC é")"), R"("abc é")");
  EXPECT_EQ(call("ascii_upcase", R"("abc")"), R"("ABC")");
  EXPECT_EQ(call("ltrimstr", R"("foobar")", {R"("foo")"}), R"("bar")");
  EXPECT_EQ(call("rtrimstr", R"("foobar")", {R"("bar")"}), R"("foo")");
  EXPECT_EQ(call("trimstr", R"("foobarfoo")", {R"("foo")"}), R"("bar")");
  EXPECT_EQ(error_of("ltrimstr", "1", {R"("a")"}), "startswith() requires string inputs");
  EXPECT_EQ(call("trim", R"("  a b\n")"), R"("a b")");
  EXPECT_EQ(call("ltrim", R"(" a ")"), R"("a ")");
  EXPECT_EQ(call("rtrim", R"(" a ")"), R"(" a")");
  EXPECT_EQ(error_of("trim", "1"), "trim input must be a string");
  EXPECT_EQ(call("explode", R"("aμ")"), "[97,956]");
  EXPECT_EQ(call("implode", "[97,956,55296]"), R"("aμ�")");
  EXPECT_EQ(error_of("implode", "1"), "implode input must be an array");
  EXPECT_EQ(call("indices", R"("a,b, cd, efg")", {R"(", ")"}), "[3,7]");
  EXPECT_EQ(call("indices", "[0,1,2,1,3]", {"1"}), "[1,3]");
  EXPECT_EQ(call("indices", "[0,1,2,1,2]", {"[1,2]"}), "[1,3]");
  EXPECT_EQ(call("index", R"("здравствуй мир!")", {R"("!")"}), "14");
  EXPECT_EQ(call("rindex", R"("xababa")", {R"("aba")"}), "3");
  EXPECT_EQ(call("index", R"("")", {R"("")"}), "null");
  EXPECT_EQ(error_of("_strindices", "123", {R"("a")"}), "number (123) cannot be searched, as it is not a string");
}

TEST(BuiltinsNatives, Math) {
  EXPECT_EQ(call("floor", "-1.5"), "-2");
  EXPECT_EQ(call("sqrt", "9"), "3");
  EXPECT_EQ(call("pow", "null", {"2", "10"}), "1024");
  EXPECT_EQ(call("log2", "8"), "3");
  EXPECT_EQ(call("frexp", "8"), "[0.5,4]");
  EXPECT_EQ(call("modf", "3.5"), "[0.5,3]");
  EXPECT_EQ(call("lgamma_r", "3"), "[0.6931471805599453,1]");
  EXPECT_EQ(call("fma", "null", {"2", "3", "4"}), "10");
  EXPECT_EQ(call("ldexp", "null", {"3", "2"}), "12");
  EXPECT_EQ(call("significand", "5"), "1.25");
  EXPECT_EQ(error_of("sin", R"("x")"), R"(string ("x") number required)");
  EXPECT_EQ(call("isnan", "1"), "false");
  EXPECT_EQ(call("isinfinite", R"("a")"), "false");
  EXPECT_EQ(call("isnormal", "1"), "true");
}

TEST(BuiltinsNatives, Dates) {
  EXPECT_EQ(call("gmtime", "1425599507"), "[2015,2,5,23,51,47,4,63]");
  EXPECT_EQ(call("gmtime", "1425599507.25"), "[2015,2,5,23,51,47.25,4,63]");
  EXPECT_EQ(call("mktime", "[2015,2,5,23,51,47,4,63]"), "1425599507");
  EXPECT_EQ(call("mktime", "[2024,8,21]"), "1726876800");
  EXPECT_EQ(call("strftime", "1435677542.822351", {R"("%A, %B %d, %Y")"}), R"("Tuesday, June 30, 2015")");
  EXPECT_EQ(call("strftime", "[2024,2,15]", {R"("%Y-%m-%dT%H:%M:%SZ")"}), R"("2024-03-15T00:00:00Z")");
  EXPECT_EQ(call("strptime", R"("2015-03-05T23:51:47Z")", {R"("%Y-%m-%dT%H:%M:%SZ")"}),
            "[2015,2,5,23,51,47,4,63]");
  EXPECT_EQ(error_of("mktime", R"(["a",1,2,3,4,5,6,7])"), "mktime requires parsed datetime inputs");
  EXPECT_EQ(error_of("strftime", "0", {"[]"}), "strftime/1 requires a string format");
  EXPECT_EQ(error_of("strptime", R"("x")", {R"("%Y")"}), R"(date "x" does not match format "%Y")");
}

TEST(BuiltinsNatives, Regex) {
  EXPECT_EQ(call("_match_impl", R"("foo bar")", {R"js("(bar)")js", "null", "false"}),
            R"([{"offset":4,"length":3,"string":"bar","captures":[{"offset":4,"length":3,"string":"bar","name":null}]}])");
  EXPECT_EQ(call("_match_impl", R"("aXa")", {R"("x")", R"("i")", "true"}), "true");
  EXPECT_EQ(call("_match_impl", R"("ab")", {R"("")", R"("g")", "false"}),
            R"([{"offset":0,"length":0,"string":"","captures":[]},{"offset":1,"length":0,"string":"","captures":[]},{"offset":2,"length":0,"string":"","captures":[]}])");
  EXPECT_EQ(call("_match_impl", R"("μa")", {R"("a")", "null", "false"}),
            R"([{"offset":1,"length":1,"string":"a","captures":[]}])");
  EXPECT_EQ(error_of("_match_impl", "1", {R"("a")", "null", "false"}), "number (1) cannot be matched, as it is not a string");
  EXPECT_EQ(error_of("_match_impl", R"("a")", {R"("a")", R"("q")", "false"}), "q is not a valid modifier string");
}

TEST(BuiltinsFormats, Basic) {
  EXPECT_EQ(format("@text", "[1,2]"), "[1,2]");
  EXPECT_EQ(format("@json", R"("x")"), R"("x")");
  EXPECT_EQ(format("@html", R"("<a href='x'>&\"")"), "&lt;a href=&apos;x&apos;&gt;&amp;&quot;");
  EXPECT_EQ(format("@uri", R"("a b/μ~")"), "a%20b%2F%CE%BC~");
  EXPECT_EQ(format("@urid", R"("a%20b%2F%CE%BC~")"), "a b/μ~");
  EXPECT_EQ(format_error("@urid", R"("abc%f")"), R"(string ("abc%f") is not a valid uri encoding)");
  EXPECT_EQ(format_error("@urid", R"("%F0%93%81")"), R"(string ("%F0%93%81") is not a valid uri encoding)");
  EXPECT_EQ(format("@csv", R"([1,"a\"b",null,true])"), R"(1,"a""b",,true)");
  EXPECT_EQ(format_error("@csv", R"([{}])"), "object ({}) is not valid in a csv row");
  EXPECT_EQ(format_error("@csv", "1"), "number (1) cannot be csv-formatted, only array");
  EXPECT_EQ(format("@tsv", R"(["a\tb","c\\d",1])"), "a\\tb\tc\\\\d\t1");
  EXPECT_EQ(format("@sh", R"(["it's",1,null])"), R"('it'\''s' 1 null)");
  EXPECT_EQ(format_error("@sh", "[[1]]"), "array ([1]) can not be escaped for shell");
  EXPECT_EQ(format_error("@nope", "1"), "nope is not a valid format");
}

TEST(BuiltinsFormats, Base64AndBase32) {
  EXPECT_EQ(format("@base64", R"("foóbar\n")"), "Zm/Ds2Jhcgo=");
  EXPECT_EQ(format("@base64d", R"("Zm/Ds2Jhcgo=")"), "foóbar\n");
  EXPECT_EQ(format("@base64d", R"("cWl4YmF6Cg")"), "qixbaz\n");
  EXPECT_EQ(format("@base64d", R"("=")"), "");
  EXPECT_EQ(format_error("@base64d", R"("Not base64 data")"),
            R"(string ("Not base64 data") is not valid base64 data)");
  EXPECT_EQ(format_error("@base64d", R"("QUJDa")"), R"(string ("QUJDa") trailing base64 byte found)");
  EXPECT_EQ(format("@base32", R"("hello world")"), "NBSWY3DPEB3W64TMMQ======");
  EXPECT_EQ(format("@base32d", R"("NBSWY3DPEB3W64TMMQ======")"), "hello world");
}

TEST(BuiltinsPrelude, SourceIsEmbedded) {
  EXPECT_NE(prelude_source().find("def sort_by(f)"), std::string_view::npos);
}

TEST(BuiltinsEndToEnd, PreludeDefinitions) {
  EXPECT_EQ(run("sort_by(.a) | map(.a)", R"([{"a":2},{"a":1}])"), "[1,2]");
  EXPECT_EQ(run("group_by(.a) | length", R"([{"a":2},{"a":1},{"a":2}])"), "2");
  EXPECT_EQ(run("[min_by(.a), max_by(.a)] | map(.a)", R"([{"a":2},{"a":1}])"), "[1,2]");
  EXPECT_EQ(run("with_entries(.value += 1)", R"({"a":1})"), R"({"a":2})");
  EXPECT_EQ(run("[paths(type == \"number\")]", R"([1,[[],{"a":2}]])"), R"([[0],[1,1,"a"]])");
  EXPECT_EQ(run("[combinations]", "[[1,2],[3,4]]"), "[[1,3],[1,4],[2,3],[2,4]]");
  EXPECT_EQ(run("[.[] | numbers]", R"([1,"a",null])"), "[1]");
  EXPECT_EQ(run("INDEX(.id) | keys", R"([{"id":1},{"id":2}])"), R"(["1","2"])");
  EXPECT_EQ(run("[range(5;10) | IN(range(7))]"), "[true,true,false,false,false]");
  EXPECT_EQ(run("todate", "1425599507"), R"("2015-03-05T23:51:47Z")");
  EXPECT_EQ(run("fromdate", R"("2015-03-05T23:51:47Z")"), "1425599507");
  EXPECT_EQ(run("del(.a)", R"({"a":1,"b":2})"), R"({"b":2})");
  EXPECT_EQ(run("[.[] | in({\"a\":1})]", R"(["a","b"])"), "[true,false]");
  EXPECT_EQ(run("@base64 \"x=\\(.)\"", R"("hi")"), R"("x=aGk=")");
}

TEST(BuiltinsEndToEnd, Regex) {
  EXPECT_EQ(run("test(\"A\"; \"i\")", R"("abc")"), "true");
  EXPECT_EQ(run("capture(\"(?<a>[a-z]+)-(?<n>[0-9]+)\")", R"("xyzzy-14")"), R"({"a":"xyzzy","n":"14"})");
  EXPECT_EQ(run("[scan(\"b+\"; \"i\")]", R"("abcABBBC")"), R"(["b","BBB"])");
  EXPECT_EQ(run("[splits(\"a+\"; \"i\")]", R"("abAABBabA")"), R"(["","b","BB","b",""])");
  EXPECT_EQ(run("gsub(\"(?<d>\\\\d)\"; \":\\(.d);\")", R"("a1b2")"), R"("a:1;b:2;")");
  EXPECT_EQ(run("[gsub(\"(?<a>.)\"; \"\\(.a|ascii_upcase)\", \"\\(.a|ascii_downcase)\", \"c\")]", R"("aB")"),
            R"(["AB","ab","cc"])");
  EXPECT_EQ(run("sub(\"^(?<head>.)\"; \"Head=\\(.head) Tail=\")", R"("abcdef")"), R"("Head=a Tail=bcdef")");
  EXPECT_EQ(run("gsub(\"\"; \"a\"; \"g\")", R"("a")"), R"("aaa")");
}

}  // namespace
}  // namespace netinspect::jq
