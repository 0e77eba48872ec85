// Evaluator tests: every construct of the language, errors, paths and assignment.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "jq/jq.h"
#include "json/parse.h"
#include "json/write.h"

namespace netinspect::jq {
namespace {

struct Result {
  std::vector<std::string> outputs;  // compact JSON
  std::optional<std::string> error;  // message of an escaping runtime error
};

Result run(std::string_view program, std::string_view input = "null", Environment* env = nullptr) {
  Compiled compiled = Compiled::compile(program);
  Environment local;
  Result result;
  try {
    compiled.run(json::parse(input), env ? *env : local,
                 [&](const json::Value& v) { result.outputs.push_back(json::to_json(v)); });
  } catch (const RuntimeError& e) {
    result.error = e.what();
  }
  return result;
}

// Outputs joined by spaces; an escaping error is appended as "!error: <message>".
std::string eval(std::string_view program, std::string_view input = "null") {
  Result r = run(program, input);
  std::string out;
  for (const auto& o : r.outputs) {
    if (!out.empty()) out += ' ';
    out += o;
  }
  if (r.error) {
    if (!out.empty()) out += ' ';
    out += "!error: " + *r.error;
  }
  return out;
}

std::string compile_error(std::string_view program) {
  try {
    Compiled::compile(program);
  } catch (const CompileError& e) {
    return e.what();
  }
  return "<compiled>";
}

TEST(EvalBasics, IdentityLiteralsAndComma) {
  EXPECT_EQ(eval(".", "[1,2]"), "[1,2]");
  EXPECT_EQ(eval("1, \"a\", null, true"), "1 \"a\" null true");
  EXPECT_EQ(eval("1.000"), "1.000");
  EXPECT_EQ(eval("-1.000"), "-1.000");
  EXPECT_EQ(eval("-100000000000000000000001"), "-100000000000000000000001");
}

TEST(EvalBasics, FieldAccess) {
  EXPECT_EQ(eval(".a", R"({"a":1})"), "1");
  EXPECT_EQ(eval(".a.b", R"({"a":{"b":[2]}})"), "[2]");
  EXPECT_EQ(eval(".missing", R"({"a":1})"), "null");
  EXPECT_EQ(eval(".a", "null"), "null");
  EXPECT_EQ(eval(".[\"a\"]", R"({"a":1})"), "1");
  EXPECT_EQ(eval(".a", "5"), "!error: Cannot index number with string (\"a\")");
  EXPECT_EQ(eval(".a", "[1]"), "!error: Cannot index array with string (\"a\")");
  EXPECT_EQ(eval(".[0]", R"({"a":1})"), "!error: Cannot index object with number (0)");
}

TEST(EvalBasics, ArrayIndex) {
  EXPECT_EQ(eval(".[0], .[-1], .[5], .[1.7]", "[1,2,3]"), "1 3 null 2");
  EXPECT_EQ(eval(".[-4]", "[1,2,3]"), "null");
  EXPECT_EQ(eval(".[[1,2]]", "[0,1,2,1,2]"), "[1,3]");
  EXPECT_EQ(eval(".[0]", "null"), "null");
  EXPECT_EQ(eval(".[1.5]", "\"abc\""), "!error: Cannot index string with number (1.5)");
}

TEST(EvalBasics, IndexOrderMatchesJq) {
  EXPECT_EQ(eval("[.[0,1][0,1]]", "[[1,2],[3,4]]"), "[1,3,2,4]");
}

TEST(EvalBasics, Slices) {
  EXPECT_EQ(eval(".[1:3]", "[0,1,2,3,4]"), "[1,2]");
  EXPECT_EQ(eval(".[-2:]", "[0,1,2,3,4]"), "[3,4]");
  EXPECT_EQ(eval(".[:1]", "[0,1,2,3,4]"), "[0]");
  EXPECT_EQ(eval(".[1.2:3.5]", "[0,1,2,3,4]"), "[1,2,3]");
  EXPECT_EQ(eval(".[1:3]", "\"a☆cd\""), "\"☆c\"");
  EXPECT_EQ(eval(".[1:]", "null"), "null");
  EXPECT_EQ(eval("[.[1,2:3,4]]", "[0,1,2,3,4,5]"), "[[1,2],[2],[1,2,3],[2,3]]");
}

TEST(EvalBasics, Iterate) {
  EXPECT_EQ(eval(".[]", "[1,2]"), "1 2");
  EXPECT_EQ(eval(".[]", R"({"a":1,"b":2})"), "1 2");
  EXPECT_EQ(eval(".[]", "5"), "!error: Cannot iterate over number (5)");
  EXPECT_EQ(eval(".[]", "null"), "!error: Cannot iterate over null (null)");
  EXPECT_EQ(eval("[.[]?]", "5"), "[]");
}

TEST(EvalBasics, RecurseDefault) {
  EXPECT_EQ(eval("[..]", R"([1,[2]])"), "[[1,[2]],1,[2],2]");
  EXPECT_EQ(eval("[..]", "3"), "[3]");
}

TEST(EvalBasics, DeepRecurseDoesNotOverflow) {
  std::string deep(5000, '[');
  deep += std::string(5000, ']');
  EXPECT_EQ(eval("[..] | length", deep), "5000");
}

TEST(EvalConstruction, Arrays) {
  EXPECT_EQ(eval("[.[] | . * 2]", "[1,2]"), "[2,4]");
  EXPECT_EQ(eval("[]"), "[]");
}

TEST(EvalConstruction, ObjectsCartesianProductInJqOrder) {
  EXPECT_EQ(eval("{a: (1,2), b: (3,4)}"),
            R"({"a":1,"b":3} {"a":1,"b":4} {"a":2,"b":3} {"a":2,"b":4})");
  EXPECT_EQ(eval(R"({("a","b"): (1,2)})"), R"({"a":1} {"a":2} {"b":1} {"b":2})");
  EXPECT_EQ(eval("{a, b: 2}", R"({"a":1})"), R"({"a":1,"b":2})");
  EXPECT_EQ(eval("1 as $x | {$x, \"y\": 2}"), R"({"x":1,"y":2})");
  EXPECT_EQ(eval("{(1,\"a\"): 2}"), "!error: Cannot use number (1) as object key");
  EXPECT_EQ(eval("{$__loc__}"), R"({"__loc__":{"file":"<top-level>","line":1}})");
}

TEST(EvalConstruction, StringInterpolation) {
  EXPECT_EQ(eval(R"j("a\(1)b\("x")c\([1])")j"), R"("a1bxc[1]")");
  EXPECT_EQ(eval(R"j(["\(1,2) \(3,4)"])j"), R"(["1 3","2 3","1 4","2 4"])");
  EXPECT_EQ(eval(R"j(@json "v=\(.)")j", "\"x\""), R"j("v=\"x\"")j");
  // With a format, interpolated values are formatted, literal text is not.
  EXPECT_EQ(eval(R"j(@base64 "x\("y")z\(.)")j", "\"a\""), R"j("xeQ==zYQ==")j");
  EXPECT_EQ(eval("try @base64d catch \"caught\"", "1"), "\"caught\"");
}

TEST(EvalOperators, Arithmetic) {
  EXPECT_EQ(eval("1 + 2, 5 - 3, 2 * 3, 7 / 2, 7 % 3"), "3 2 6 3.5 1");
  EXPECT_EQ(eval("null + 1, 1 + null"), "1 1");
  EXPECT_EQ(eval("\"a\" + \"b\", [1] + [2], {a:1} + {b:2}"), R"("ab" [1,2] {"a":1,"b":2})");
  EXPECT_EQ(eval("[1,2,1,3] - [1]"), "[2,3]");
  EXPECT_EQ(eval("\"ab\" * 2, \"ab\" * 0, \"ab\" * -1, \"ab\" * 1.5"), R"("abab" "" null "ab")");
  EXPECT_EQ(eval(R"({a:{b:1,c:2}} * {a:{b:3}})"), R"({"a":{"b":3,"c":2}})");
  EXPECT_EQ(eval("\"a,b\" / \",\""), R"(["a","b"])");
  EXPECT_EQ(eval("-7 % 3, 7 % -3, 5.5 % 2"), "-1 1 1");
  EXPECT_EQ(eval("[(1,2) + (10,20)]"), "[11,12,21,22]");
}

TEST(EvalOperators, ArithmeticErrors) {
  EXPECT_EQ(eval("1 + \"a\""), "!error: number (1) and string (\"a\") cannot be added");
  EXPECT_EQ(eval("{} - 1"), "!error: object ({}) and number (1) cannot be subtracted");
  EXPECT_EQ(eval("1 / 0"), "!error: number (1) and number (0) cannot be divided because the divisor is zero");
  EXPECT_EQ(eval("1 % 0"),
            "!error: number (1) and number (0) cannot be divided (remainder) because the divisor is zero");
  EXPECT_EQ(eval("-\"x\""), "!error: string (\"x\") cannot be negated");
}

TEST(EvalOperators, TruncatedOperandsInMessages) {
  EXPECT_EQ(eval("try -. catch .", "\"very-long-long-long-long-string\""),
            R"("string (\"very-long-long-long-long...\") cannot be negated")");
  EXPECT_EQ(eval("try -. catch .", "\"xxxxxxxxxx☆☆☆☆☆☆☆☆\""),
            R"("string (\"xxxxxxxxxx☆☆☆☆...\") cannot be negated")");
  EXPECT_EQ(eval("try (. + \"x\") catch .", "123456789012345678901234567890"),
            R"("number (12345678901234567890123456...) and string (\"x\") cannot be added")");
}

TEST(EvalOperators, Comparisons) {
  EXPECT_EQ(eval("1 < 2, 2 <= 1, \"a\" == \"a\", [1] != [1], {} > [], null < false"),
            "true false true false true true");
  EXPECT_EQ(eval("[(1,2) < (2,1)]"), "[true,false,false,false]");
}

TEST(EvalOperators, AndOrAlternative) {
  EXPECT_EQ(eval("[(true,false) and (true,false)]"), "[true,false,false]");
  EXPECT_EQ(eval("[(true,false) or (true,false)]"), "[true,true,false]");
  EXPECT_EQ(eval("false and error"), "false");
  EXPECT_EQ(eval("[.[] // 9]", "[null,false]"), "[9]");
  EXPECT_EQ(eval("[(null, 1, false, 2) // 9]"), "[1,2]");
  EXPECT_EQ(eval("(error(\"x\"), 1) // 2"), "2");
  EXPECT_EQ(eval("[.a // .b]", R"({"b":3})"), "[3]");
}

TEST(EvalControl, IfElifElse) {
  EXPECT_EQ(eval("if . then 1 else 2 end", "true"), "1");
  EXPECT_EQ(eval("if . == 1 then \"a\" elif . == 2 then \"b\" else \"c\" end", "2"), "\"b\"");
  EXPECT_EQ(eval("if . then 1 end", "false"), "false");
  EXPECT_EQ(eval("[if (true, false) then 1 else 2 end]"), "[1,2]");
}

TEST(EvalControl, TryCatch) {
  EXPECT_EQ(eval("try error(\"x\") catch ."), "\"x\"");
  EXPECT_EQ(eval("try error(null) catch ."), "null");
  EXPECT_EQ(eval("try error({a:1}) catch .a"), "1");
  EXPECT_EQ(eval("[.[] | try if . == 2 then error(\"e\") else . end catch \"c\"]", "[1,2,3]"), "[1,\"c\",3]");
  EXPECT_EQ(eval("[try (1, error(\"x\"), 3) catch .]"), "[1,\"x\"]");
  EXPECT_EQ(eval("[(1,2)?]"), "[1,2]");
  EXPECT_EQ(eval("error(\"boom\")"), "!error: boom");
  EXPECT_EQ(eval("error({a:1})"), "!error: {\"a\":1} (not a string)");
}

TEST(EvalControl, TryOnlyCatchesItsBody) {
  // jq 1.7+: an error raised after the body produced its output is not caught.
  EXPECT_EQ(eval("(try (1,2) catch \"caught\") | if . == 2 then error(\"late\") else . end"),
            "1 !error: late");
  EXPECT_EQ(eval("try (try error(\"a\") catch error(\"b\")) catch ."), "\"b\"");
  EXPECT_EQ(eval(".[] | (try . catch \"no\") | if . == 2 then error(\"two\") else . end", "[1,2]"),
            "1 !error: two");
}

TEST(EvalControl, ReduceForeach) {
  EXPECT_EQ(eval("reduce .[] as $x (0; . + $x)", "[1,2,3]"), "6");
  EXPECT_EQ(eval("reduce .[] as [$a,$b] (0; . + $a * $b)", "[[1,2],[3,4]]"), "14");
  EXPECT_EQ(eval("reduce empty as $x (0; . + 1)"), "0");
  EXPECT_EQ(eval("reduce (1,2) as $x (0; empty)"), "null");
  EXPECT_EQ(eval("[foreach .[] as $x (0; . + $x)]", "[1,2,3]"), "[1,3,6]");
  EXPECT_EQ(eval("[foreach .[] as $x (0; . + $x; [$x, .])]", "[1,2]"), "[[1,1],[2,3]]");
  EXPECT_EQ(eval("[foreach .[] as $x (0, 1; . + $x)]", "[1,2]"), "[1,3,2,4]");
  EXPECT_EQ(eval("[limit(3; foreach range(10) as $x (0; . + $x))]"), "[0,1,3]");
}

TEST(EvalControl, ReduceUpdatesLargeStateInPlace) {
  // Would take minutes if every step copied the array.
  EXPECT_EQ(eval("reduce range(200000) as $i ([]; .[$i] = $i) | length"), "200000");
  EXPECT_EQ(eval("reduce range(100000) as $i ({}; .[\"k\\($i % 10)\"] += 1) | .k3"), "10000");
  EXPECT_EQ(eval("reduce range(3) as $i ([]; .[$i] = $i | .[0] += 10)"), "[30,1,2]");
}

TEST(EvalBindings, AsAndDestructuring) {
  EXPECT_EQ(eval(". as $x | $x + 1", "1"), "2");
  EXPECT_EQ(eval(". as [$a, $b] | $a + $b", "[1,2]"), "3");
  EXPECT_EQ(eval(". as {a: $x, $b} | [$x, $b]", R"({"a":1,"b":2})"), "[1,2]");
  EXPECT_EQ(eval(". as {$a, b: [$c, {$d}]} | [$a, $c, $d]", R"({"a":1,"b":[2,{"d":3}]})"), "[1,2,3]");
  EXPECT_EQ(eval(". as {$a, $b: [$c]} | [$a, $b, $c]", R"({"a":1,"b":[2]})"), "[1,[2],2]");
  EXPECT_EQ(eval(". as {(\"a\",\"b\"): $x} | $x", R"({"a":1,"b":2})"), "1 2");
  EXPECT_EQ(eval(". as [$a, $a] | $a", "[1,2]"), "2");
  EXPECT_EQ(eval("[.[] as $x | $x * 2]", "[1,2]"), "[2,4]");
  EXPECT_EQ(eval(". as [$a] | $a", R"({"a":1})"), "!error: Cannot index object with number");
}

TEST(EvalBindings, DestructuringAlternatives) {
  EXPECT_EQ(eval(".[] | . as {$a, b: [$c, {$d}]} ?// [$a, {$b}, $e] ?// $f | [$a, $b, $c, $d, $e, $f]",
                 R"([{"a":1, "b":[2,{"d":3}]}, [4, {"b":5, "c":6}, 7, 8, 9], "foo"])"),
            "[1,null,2,3,null,null] [4,5,null,null,7,null] [null,null,null,null,null,\"foo\"]");
  EXPECT_EQ(eval(".[] as [$a] ?// $a | if ($a|type) == \"number\" then $a else error(\"no\") end", "[[1],2]"),
            "1 2");
  EXPECT_EQ(eval("[[3]] | .[] as {a:$a} ?// {a:$a} | $a"), "!error: Cannot index array with string (\"a\")");
}

TEST(EvalBindings, SpecialVariables) {
  EXPECT_EQ(eval("$__loc__"), R"({"file":"<top-level>","line":1})");
  EXPECT_EQ(eval("\n\n$__loc__.line"), "3");
  EXPECT_EQ(eval("$ENV | type"), "\"object\"");
  EXPECT_EQ(eval("env | type"), "\"object\"");
  EXPECT_EQ(eval("$ARGS"), R"({"positional":[],"named":{}})");
}

TEST(EvalBindings, NamedArguments) {
  CompileOptions options;
  options.predefined_variables = {"m"};
  Compiled compiled = Compiled::compile(".[] | select(.k == $m) | .v", options);
  Environment env;
  env.variables.emplace_back("m", json::Value::string("x"));
  std::vector<std::string> out;
  compiled.run(json::parse(R"([{"k":"x","v":1},{"k":"y","v":2}])"), env,
               [&](const json::Value& v) { out.push_back(json::to_json(v)); });
  EXPECT_EQ(out, std::vector<std::string>{"1"});
}

TEST(EvalFunctions, DefinitionsAndRecursion) {
  EXPECT_EQ(eval("def f: . + 1; f | f", "1"), "3");
  EXPECT_EQ(eval("def f(g): [g, g]; f(1, 2)"), "[1,2,1,2]");
  EXPECT_EQ(eval("def f($a; $b): $a - $b; f(10; 3)"), "7");
  EXPECT_EQ(eval("def f($a): a * 2; f(4)"), "8");
  EXPECT_EQ(eval("[def f($a; $b): [$a, $b]; f(1,2; 3,4)]"), "[[1,3],[1,4],[2,3],[2,4]]");
  EXPECT_EQ(eval("def fac: if . <= 1 then 1 else . * (. - 1 | fac) end; fac", "10"), "3628800");
  EXPECT_EQ(eval("def f: 1; def g: f; def f: 2; [f, g]"), "[2,1]");
  EXPECT_EQ(eval("def f(x): x * 2; def g: def x: 100; f(x); 3 | g"), "200");
  // Closures see their defining scope, not the caller's.
  EXPECT_EQ(eval("1 as $x | def f: $x; 2 as $x | f"), "1");
  EXPECT_EQ(eval("def f(g): def h: g; 10 as $v | h; 5 as $v | f($v)"), "5");
  // Recursion through a closure parameter.
  EXPECT_EQ(eval("def r(f): if . < 3 then f | r(f) else . end; 0 | r(. + 1)"), "3");
  // Shadowing builtins.
  EXPECT_EQ(eval("def length: 42; [1,2] | length"), "42");
}

TEST(EvalFunctions, NativeArgumentOrder) {
  EXPECT_EQ(eval("[pow(2,3; 1,2)]"), "[2,3,4,9]");
}

TEST(EvalFunctions, RunawayRecursionIsAnError) {
  Environment env;
  env.max_call_depth = 1000;
  Result r = run("def f: f; f", "null", &env);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->find("depth"), std::string::npos);
  r = run("def f: 1 + f; f", "null", &env);
  ASSERT_TRUE(r.error);
}

TEST(EvalFunctions, StackExhaustionIsAnErrorEvenWithHugeLimit) {
  Environment env;
  env.max_call_depth = 100000000;
  Result r = run("def f: {a: f}; f", "null", &env);
  ASSERT_TRUE(r.error);
}

TEST(EvalLabels, LabelBreak) {
  EXPECT_EQ(eval("[label $out | 1, 2, break $out, 3]"), "[1,2]");
  EXPECT_EQ(eval("[label $f | range(10) | ., (select(. == 3) | break $f)]"), "[0,1,2,3]");
  EXPECT_EQ(eval("[label $a | label $b | 1, break $a, 2]"), "[1]");
  EXPECT_EQ(eval("def f: label $x | (1, break $x); [f, f]"), "[1,1]");
  EXPECT_EQ(eval("[label $out | try (1, break $out) catch 9, 2]"), "[1]");
  // break through a closure parameter into the caller's label.
  EXPECT_EQ(eval("def g(f): (1, f, 2); [label $l | g(break $l)]"), "[1]");
}

TEST(EvalGenerators, RangeLimitFirst) {
  EXPECT_EQ(eval("[range(3)]"), "[0,1,2]");
  EXPECT_EQ(eval("[range(0,1; 3,4)]"), "[0,1,2,0,1,2,3,1,2,1,2,3]");
  EXPECT_EQ(eval("[range(0; 10; 3)], [range(5; 0; -2)], [range(0; 1; 0)]"), "[0,3,6,9] [5,3,1] []");
  EXPECT_EQ(eval("[limit(3; .[])]", "[1,2,3,4]"), "[1,2,3]");
  EXPECT_EQ(eval("[limit(0; 1, 2)]"), "[]");
  EXPECT_EQ(eval("try limit(-1; 1) catch ."), "\"limit doesn't support negative count\"");
  EXPECT_EQ(eval("[limit(5,7; range(9))]"), "[0,1,2,3,4,0,1,2,3,4,5,6]");
  EXPECT_EQ(eval("first(range(10; 0; -1))"), "10");
  EXPECT_EQ(eval("first(1, error(\"x\"))"), "1");
  EXPECT_EQ(eval("[first(empty)]"), "[]");
  EXPECT_EQ(eval("isempty(empty), isempty(1, error(\"x\"))"), "true false");
  EXPECT_EQ(eval("[limit(5; repeat(1))]"), "[1,1,1,1,1]");
  EXPECT_EQ(eval("[repeat(. * 2, error)?]", "1"), "[2]");
  EXPECT_EQ(eval("last(range(100000))"), "99999");
  EXPECT_EQ(eval("[.[] | select(. > 1)]", "[1,2,3]"), "[2,3]");
  EXPECT_EQ(eval("[recurse(if . < 3 then . + 1 else empty end)]", "0"), "[0,1,2,3]");
  EXPECT_EQ(eval("[recurse(. * .; . < 100)]", "2"), "[2,4,16]");
  EXPECT_EQ(eval("[while(. < 20; . * 2)]", "1"), "[1,2,4,8,16]");
  EXPECT_EQ(eval("until(. > 100; . * 2)", "1"), "128");
  EXPECT_EQ(eval("add(.[] | . * 2)", "[1,2]"), "6");
}

TEST(EvalPaths, PathExpressions) {
  EXPECT_EQ(eval("path(.a[0].b)"), R"(["a",0,"b"])");
  EXPECT_EQ(eval("[path(..)]", R"({"a":[1]})"), R"([[],["a"],["a",0]])");
  EXPECT_EQ(eval("[paths]", R"({"a":[1]})"), R"([["a"],["a",0]])");
  EXPECT_EQ(eval("path(.a | select(.b == 0))", R"({"a":{"b":0}})"), R"(["a"])");
  EXPECT_EQ(eval("[path(.a // .b)]", R"({"a":null})"), R"([["b"]])");
  EXPECT_EQ(eval("[path(if .a then .b else .c end)]", R"({"a":1})"), R"([["b"]])");
  EXPECT_EQ(eval("path(first(.a, .b))"), R"(["a"])");
  EXPECT_EQ(eval("path(getpath([\"a\",\"b\"]) | .c)"), R"(["a","b","c"])");
  EXPECT_EQ(eval("path(.a as $x | .b)"), R"(["b"])");
  EXPECT_EQ(eval("[path(.[1:3])]", "[1,2,3]"), R"([[{"start":1,"end":3}]])");
  EXPECT_EQ(eval("path(def f: .x; f | .y)"), R"(["x","y"])");
  EXPECT_EQ(eval("[path(.a[]?)]", R"({"a":5})"), "[]");
  EXPECT_EQ(eval("path(empty)"), "");
  EXPECT_EQ(eval("path(null)"), "[]");
}

TEST(EvalPaths, InvalidPathExpressions) {
  EXPECT_EQ(eval("try path(1) catch ."), R"("Invalid path expression with result 1")");
  EXPECT_EQ(eval("try path(. + 1) catch .", "1"), R"("Invalid path expression with result 2")");
  EXPECT_EQ(eval(R"(try path([1] | .[0]) catch .)"),
            R"("Invalid path expression near attempt to access element 0 of [1]")");
  EXPECT_EQ(eval(R"(try path([1] | .[]) catch .)"),
            R"("Invalid path expression near attempt to iterate through [1]")");
}

TEST(EvalPaths, GetSetDelPaths) {
  EXPECT_EQ(eval("getpath([\"a\",\"b\"])", R"({"a":{"b":1}})"), "1");
  EXPECT_EQ(eval("getpath([\"a\",\"b\"])", "null"), "null");
  EXPECT_EQ(eval("try getpath([\"a\",\"b\"]) catch .", R"({"a":1})"),
            R"j("Cannot index number with string (\"b\")")j");
  EXPECT_EQ(eval("setpath([\"a\",1]; 5)", "null"), R"({"a":[null,5]})");
  EXPECT_EQ(eval("setpath([]; 5)", "1"), "5");
  EXPECT_EQ(eval("delpaths([[\"a\"], [\"b\", 0]])", R"({"a":1,"b":[1,2]})"), R"({"b":[2]})");
  EXPECT_EQ(eval("delpaths([[0], [-1], [1]])", "[0,1,2,3]"), "[2]");
  EXPECT_EQ(eval("delpaths([[-200]])", "[1,2,3]"), "[1,2,3]");
  EXPECT_EQ(eval("delpaths([[]])", "[1]"), "null");
  EXPECT_EQ(eval("try delpaths([[\"a\"]]) catch .", "[1]"), R"("Cannot delete field at object index of array")");
  EXPECT_EQ(eval("try setpath([[1]]; 1) catch .", "[]"), R"("Cannot update field at array index of array")");
}

TEST(EvalPaths, StreamRoundTrip) {
  EXPECT_EQ(eval("[tostream]", R"({"a":[1,{"b":2}]})"),
            R"([[["a",0],1],[["a",1,"b"],2],[["a",1,"b"]],[["a",1]],[["a"]]])");
  EXPECT_EQ(eval("fromstream(tostream)", R"({"a":[1,{"b":2}],"c":[]})"), R"({"a":[1,{"b":2}],"c":[]})");
  EXPECT_EQ(eval("[fromstream(.[] | tostream)]", "[1,[2]]"), "[1,[2]]");
  EXPECT_EQ(eval("[1 | truncate_stream([[0],1],[[1,0],2],[[1,0]],[[1]])]"), "[[[0],2],[[0]]]");
  EXPECT_EQ(eval("[truncate_stream(1; [[0],1],[[1,0],2],[[1,0]],[[1]])]"), "[[[0],2],[[0]]]");
}

TEST(EvalAssign, Set) {
  EXPECT_EQ(eval(".a = 1", "{}"), R"({"a":1})");
  EXPECT_EQ(eval(".a.b = 1", "null"), R"({"a":{"b":1}})");
  EXPECT_EQ(eval(".[] = 1", "[0,0]"), "[1,1]");
  EXPECT_EQ(eval(".a = (1,2)", "{}"), R"({"a":1} {"a":2})");
  EXPECT_EQ(eval(".a = .b", R"({"b":3})"), R"({"b":3,"a":3})");
  EXPECT_EQ(eval(".[2] = 1", "[]"), "[null,null,1]");
  EXPECT_EQ(eval(".[-1] = 5", "[0,1,2]"), "[0,1,5]");
  EXPECT_EQ(eval("try (.[-5] = 5) catch .", "[0]"), R"("Out of bounds negative array index")");
  EXPECT_EQ(eval("try (.[999999999] = 0) catch ."), R"("Array index too large")");
  EXPECT_EQ(eval(".[1:3] = [\"x\"]", "[0,1,2,3]"), R"([0,"x",3])");
  EXPECT_EQ(eval("try (.a = 1) catch .", "[1]"), R"j("Cannot index array with string (\"a\")")j");
}

TEST(EvalAssign, Update) {
  EXPECT_EQ(eval(".a |= . + 1", R"({"a":1})"), R"({"a":2})");
  EXPECT_EQ(eval(".[] |= . * 2", "[1,2]"), "[2,4]");
  EXPECT_EQ(eval(".a |= (1, 2)", "{}"), R"({"a":1})");
  EXPECT_EQ(eval("(.[] | select(. > 1)) |= empty", "[1,2,3,1]"), "[1,1]");
  EXPECT_EQ(eval(".[] |= empty", "[1,2,3]"), "[]");
  EXPECT_EQ(eval(".a |= empty", R"({"a":1,"b":2})"), R"({"b":2})");
  EXPECT_EQ(eval("(..|select(type==\"number\")) |= . + 1", R"([1,[2]])"), "[2,[3]]");
  EXPECT_EQ(eval("getpath([\"a\",0,\"b\"]) |= 5", "null"), R"({"a":[{"b":5}]})");
}

TEST(EvalAssign, ArithmeticUpdates) {
  EXPECT_EQ(eval(".a += 1, .a -= 1, .a *= 2, .a /= 2, .a %= 2", R"({"a":3})"),
            R"({"a":4} {"a":2} {"a":6} {"a":1.5} {"a":1})");
  EXPECT_EQ(eval(".[] += (1, 10)", "[0,0]"), "[1,1] [10,10]");
  EXPECT_EQ(eval(".a += .b", R"({"a":1,"b":2})"), R"({"a":3,"b":2})");
  EXPECT_EQ(eval(".a //= 5, .b //= 5", R"({"a":1,"b":null})"), R"({"a":1,"b":null} {"a":1,"b":5})");
}

TEST(EvalIntrinsics, Misc) {
  EXPECT_EQ(eval("not"), "true");
  EXPECT_EQ(eval("[.[] | not]", "[1,false]"), "[false,true]");
  EXPECT_EQ(eval("have_literal_numbers, have_decnum"), "true true");
  EXPECT_EQ(eval("builtins | map(select(. == \"map/1\")) | length"), "1");
  EXPECT_EQ(eval("input_filename"), "null");
}

TEST(EvalIntrinsics, InputsAndStderr) {
  std::vector<json::Value> inputs = {json::Value::number(1), json::Value::number(2)};
  std::size_t next = 0;
  std::string stderr_text;
  Environment env;
  env.next_input = [&]() -> std::optional<json::Value> {
    if (next < inputs.size()) return inputs[next++];
    return std::nullopt;
  };
  env.write_stderr = [&](std::string_view s) { stderr_text += s; };
  Result r = run("[., input, (try input catch .)] | debug | stderr | length", "0", &env);
  EXPECT_EQ(r.outputs, std::vector<std::string>{"3"});
  EXPECT_EQ(stderr_text, "[\"DEBUG:\",[0,1,2]]\n[0,1,2]");
  next = 0;
  r = run("[inputs]", "0", &env);
  EXPECT_EQ(r.outputs, std::vector<std::string>{"[1,2]"});
}

TEST(EvalIntrinsics, Halt) {
  Compiled compiled = Compiled::compile("1, halt_error(3)");
  Environment env;
  std::vector<std::string> out;
  try {
    compiled.run(json::parse("\"bye\""), env, [&](const json::Value& v) { out.push_back(json::to_json(v)); });
    FAIL() << "expected Halt";
  } catch (const Halt& h) {
    EXPECT_EQ(h.exit_code, 3);
    ASSERT_TRUE(h.value);
    EXPECT_EQ(json::to_json(*h.value), "\"bye\"");
  }
  EXPECT_EQ(out, std::vector<std::string>{"1"});
}

TEST(EvalCompile, Errors) {
  EXPECT_EQ(compile_error(". as $foo | [$foo, $bar]"),
            "$bar is not defined at <top-level>, line 1, column 20:\n"
            "    . as $foo | [$foo, $bar]\n"
            "                       ^^^^\n"
            "jq: 1 compile error");
  EXPECT_EQ(compile_error(". as $foo | break $foo"),
            "$*label-foo is not defined at <top-level>, line 1, column 13:\n"
            "    . as $foo | break $foo\n"
            "                ^^^^^^^^^^\n"
            "jq: 1 compile error");
  EXPECT_EQ(compile_error("foo").find("foo/0 is not defined at <top-level>, line 1, column 1:"), 0u);
  EXPECT_NE(compile_error("map(1;2)").find("map/2 is not defined"), std::string::npos);
  EXPECT_NE(compile_error("{(0):1}").find("Cannot use number (0) as object key"), std::string::npos);
  EXPECT_NE(compile_error("def f: g; def g: 1; f").find("g/0 is not defined"), std::string::npos);
  EXPECT_NE(compile_error("def f($a): 1; $a").find("$a is not defined"), std::string::npos);
}

TEST(EvalCompile, CompiledProgramIsReusable) {
  Compiled compiled = Compiled::compile(".a + 1");
  Environment env;
  for (int i = 0; i < 3; ++i) {
    std::vector<std::string> out;
    json::Object o;
    o.set("a", json::Value::number(i));
    compiled.run(json::Value::object(std::move(o)), env,
                 [&](const json::Value& v) { out.push_back(json::to_json(v)); });
    EXPECT_EQ(out, std::vector<std::string>{std::to_string(i + 1)});
  }
}

}  // namespace
}  // namespace netinspect::jq
