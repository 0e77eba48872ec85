#include "diagnose/expr.h"

#include <gtest/gtest.h>

#include "diagnose/triage.h"
#include "json/parse.h"

namespace netinspect::diagnose {
namespace {

class Names : public Resolver {
 public:
  Metric lookup(std::string_view name) override {
    if (name == "x") return Metric::integer(10);
    if (name == "v") return Metric::vector({Metric::integer(1), Metric::integer(2), Metric::integer(3)});
    if (name == "s") return Metric::string("OK");
    return Metric::missing("no " + std::string(name));
  }
  Metric annotation(std::string_view key) override {
    return key == "build.board" ? Metric::string("x64") : Metric::missing("none");
  }
  std::optional<std::int64_t> now_ns() override { return 5; }
};

std::string run(std::string_view text) {
  Names names;
  return metric_text(evaluate(*parse_expression(text), names));
}

TEST(TriageExpr, Arithmetic) {
  EXPECT_EQ(run("1 + 2 * 3"), "7");
  EXPECT_EQ(run("(1 + 2) * 3"), "9");
  EXPECT_EQ(run("7 / 2"), "3.5");
  EXPECT_EQ(run("7 // 2"), "3");
  EXPECT_EQ(run("-7 // 2"), "-4");
  EXPECT_EQ(run("x - -1"), "11");
  EXPECT_EQ(run("1 /? 0"), "Missing(division by zero)");
  EXPECT_EQ(run("1 / 0"), "Problem(division by zero)");
}

TEST(TriageExpr, ComparisonsAndLogic) {
  EXPECT_EQ(run("x > 5"), "true");
  EXPECT_EQ(run("s != 'OK'"), "false");
  EXPECT_EQ(run("And(x > 5, Or(x < 1, Not(x == 3)))"), "true");
  EXPECT_EQ(run("And(x < 5, nope > 1)"), "false");  // short-circuits past Missing
  EXPECT_EQ(run("nope > 1"), "Missing(no nope)");
  EXPECT_EQ(run("Missing(nope)"), "true");
  EXPECT_EQ(run("Option(nope, 4)"), "4");
}

TEST(TriageExpr, VectorsAndFunctions) {
  EXPECT_EQ(run("Max(v)"), "3");
  EXPECT_EQ(run("Min(v, 0)"), "0");
  EXPECT_EQ(run("Sum(v)"), "6");
  EXPECT_EQ(run("Count(v)"), "3");
  EXPECT_EQ(run("Map(Fn([a], a * 2), v)"), "[2,4,6]");
  EXPECT_EQ(run("Fold(Fn([a, b], a + b), v, 10)"), "16");
  EXPECT_EQ(run("Filter(Fn([a], a > 1), v)"), "[2,3]");
  EXPECT_EQ(run("Apply(Fn([a, b], a - b), [5, 2])"), "3");
  EXPECT_EQ(run("Abs(-3)"), "3");
  EXPECT_EQ(run("Seconds(2) + Nanos(1)"), "2000000001");
  EXPECT_EQ(run("Days(1) == Hours(24)"), "true");
  EXPECT_EQ(run("Now()"), "5");
  EXPECT_EQ(run("Annotation('build.board')"), "'x64'");
  EXPECT_EQ(run("SyslogHas('panic')"), "Missing(no logs in the snapshot)");
  EXPECT_EQ(run("StringMatches(s, '^O')"), "true");
  EXPECT_EQ(run("StringMatches(s, '^K')"), "false");
  EXPECT_EQ(run("StringMatches(s, '(')"), "Problem(bad regular expression '(')");
}

TEST(TriageExpr, SyntaxErrors) {
  EXPECT_THROW(parse_expression("Frob(1)"), ExprError);
  EXPECT_THROW(parse_expression("1 +"), ExprError);
  EXPECT_THROW(parse_expression("(1"), ExprError);
  EXPECT_THROW(parse_expression("Not(1, 2)"), ExprError);
  EXPECT_THROW(parse_expression("Fn(1, 2)"), ExprError);
}

TEST(TriageConfig, SampleTestsPass) {
  for (const char* file : {DIAGNOSE_TEST_DATA "/triage/triage_sample.triage"}) {
    FILE* f = std::fopen(file, "rb");
    ASSERT_NE(f, nullptr);
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
    std::vector<Config> configs = {load_config(text, "triage_sample", file)};
    for (const TestOutcome& t : run_tests(configs)) EXPECT_TRUE(t.passed) << t.test << ": " << t.message;
  }
}

TEST(TriageConfig, BuiltinRulesTestsPass) {
  std::vector<Config> configs = load_builtin_configs();
  ASSERT_FALSE(configs.empty());
  for (const TestOutcome& t : run_tests(configs)) EXPECT_TRUE(t.passed) << t.test << ": " << t.message;
}

TEST(TriageConfig, ErrorsNameFileAndRule) {
  try {
    load_config("{eval: {a: 'Frob(1)'}}", "f", "f.triage");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("f.triage: a: unknown function 'Frob'", 0), 0u) << e.what();
  }
  EXPECT_THROW(load_config("{eval: {a: 'b', b: 'c', c: 'a'}}", "f", "f.triage"), ConfigError);
  EXPECT_THROW(load_config("{act: {w: {type: 'Alarm', trigger: '1'}}}", "f", "f.triage"), ConfigError);
  EXPECT_THROW(load_config("{select: {a: 'INSPECT:a:b:c:d:e'}}", "f", "f.triage"), ConfigError);
}

TEST(TriageConfig, SelectorsReadEntriesAndGiveEvidence) {
  Config c = load_config(
      "{select: {n: 'INSPECT:core/net:root/stats:n'}, act: {w: {type: 'Warning', trigger: 'n > 1', print: 'hi'}}}",
      "t", "t.triage");
  Data data;
  data.entries = json::parse(R"([{"moniker":"core/net","payload":{"root":{"stats":{"n":5}}}}])").as_array();
  std::vector<Finding> findings = evaluate({c}, data);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message, "hi");
  ASSERT_EQ(findings[0].evidence.size(), 1u);
  EXPECT_EQ(findings[0].evidence[0].selector, "INSPECT:core/net:root/stats:n");
}

}  // namespace
}  // namespace netinspect::diagnose
