// Deep recursion, single-output evaluation and jq 1.8 grammar/runtime details
// that issue 3 fixed: depth limits, `as` precedence, catchable input errors.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "jq/jq.h"
#include "json/parse.h"
#include "json/write.h"

namespace netinspect::jq {
namespace {

std::string eval(std::string_view program, std::string_view input = "null", Environment* env = nullptr) {
  Compiled compiled = Compiled::compile(program);
  Environment local;
  std::string out;
  try {
    compiled.run(json::parse(input), env ? *env : local, [&](const json::Value& v) {
      if (!out.empty()) out += ' ';
      out += json::to_json(v);
    });
  } catch (const RuntimeError& e) {
    if (!out.empty()) out += ' ';
    out += std::string("!error: ") + e.what();
  }
  return out;
}

// Tests run on the main thread (8 MiB of stack, less room under ASan), so
// depths here stay in the low thousands; the CLI's evaluator thread goes deeper.
TEST(Recursion, NonTailRecursionWithValueParameter) {
  EXPECT_EQ(eval("def f($n): if $n == 0 then 0 else 1 + f($n - 1) end; f(2000)"), "2000");
}

TEST(Recursion, FilterParameterChainsCostLinearDepth) {
  // Each level's `n` is a chain of closures; it must be evaluated before the
  // rest of the level runs, or the depth grows quadratically.
  EXPECT_EQ(eval("def f(n): if n == 0 then 0 else 1 + f(n - 1) end; f(1000)"), "1000");
}

TEST(Recursion, GeneratorsStillBacktrackThroughSingleOutputAnalysis) {
  // A recursive function that yields several outputs must not be treated as single.
  EXPECT_EQ(eval("def f: if . > 0 then ., (. - 1 | f) else . end; [3 | f]"), "[3,2,1,0]");
  EXPECT_EQ(eval("def g(x): x, x; [g(1, 2)]"), "[1,2,1,2]");
  EXPECT_EQ(eval("def g(x): x; [g(1, 2) + 10]"), "[11,12]");
  EXPECT_EQ(eval("def h($a; $b): [$a, $b]; [h(1, 2; 3, 4)]"), "[[1,3],[1,4],[2,3],[2,4]]");
  EXPECT_EQ(eval("[if (true, false) then 1 else 2 end]"), "[1,2]");
}

TEST(Recursion, InfiniteRecursionEndsWithAnError) {
  std::string out = eval("def f: 1 + f; f");
  EXPECT_EQ(out.rfind("!error: Maximum call depth exceeded", 0), 0u) << out;
}

TEST(Recursion, DeepValuesAreFreedAndComparedWithoutRecursion) {
  EXPECT_EQ(eval("reduce range(200000) as $_ ([]; [.]) | length"), "1");
  EXPECT_EQ(eval("try ((reduce range(10001) as $_ ([]; [.])) as $x | [$x, $x] | sort) catch ."),
            "\"Comparison too deep\"");
  EXPECT_EQ(eval("(reduce range(10001) as $_ ([]; [.])) as $x | $x == $x"), "true");
}

TEST(Grammar, AsBindsTheWholeOperatorExpression) {
  EXPECT_EQ(eval("1 + 2 as $x | -$x"), "-3");
  EXPECT_EQ(eval("[-1 as $x | 1, $x]"), "[1,-1]");
  EXPECT_EQ(eval("1, 2 as $x | [$x]"), "1 [2]");
  EXPECT_EQ(eval("1 // 2 as $x | [$x]"), "[1]");
  EXPECT_EQ(eval("[1, 2] | .[] as $x | $x * 10"), "10 20");
  EXPECT_EQ(eval("[foreach (1, 2) as $x (0; . + $x) as $y | $y]"), "[1,3]");
}

TEST(Environment, InputErrorsAreCatchable) {
  Environment env;
  env.next_input = []() -> std::optional<json::Value> { throw RuntimeError(json::Value::string("bad input")); };
  EXPECT_EQ(eval("try input catch .", "null", &env), "\"bad input\"");
}

TEST(Environment, InputLineNumberComesFromTheEnvironment) {
  Environment env;
  EXPECT_EQ(eval("input_line_number", "null", &env), "0");
  env.input_line_number = [] { return std::size_t{7}; };
  EXPECT_EQ(eval("input_line_number", "null", &env), "7");
}

TEST(Builtins, Jq18Additions) {
  EXPECT_EQ(eval("65 | ascii"), "\"A\"");
  EXPECT_EQ(eval("try (200 | ascii) catch ."), "\"ascii only takes integers between 0 and 127\"");
  EXPECT_EQ(eval("$JQ_BUILD_CONFIGURATION | type"), "\"string\"");
  EXPECT_EQ(eval("get_search_list"), "[\"~/.jq\",\"$ORIGIN/../lib/jq\",\"$ORIGIN/../lib\"]");
  EXPECT_EQ(eval("get_prog_origin | startswith(\"/\")"), "true");
}

}  // namespace
}  // namespace netinspect::jq
