#include "jq/parser.h"

#include <gtest/gtest.h>

#include <string>

namespace netinspect::jq {
namespace {

std::string tree(std::string_view source) {
  Program program = parse_program(source);
  return program.body ? debug_string(*program.body) : std::string("_");
}

std::string error_of(std::string_view source) {
  try {
    parse_program(source);
  } catch (const CompileError& e) {
    return e.what();
  }
  return "(no error)";
}

// The first line of the last diagnostic, as jq's own test harness compares.
std::string last_error_line(std::string_view source) {
  std::string text = error_of(source);
  std::size_t at = text.rfind("jq: error: ");
  std::string last = at == std::string::npos ? text : text.substr(at + 11);
  return last.substr(0, last.find('\n'));
}

TEST(ParserTest, PathsAndPostfixChains) {
  EXPECT_EQ(tree("."), ".");
  EXPECT_EQ(tree(".."), "..");
  EXPECT_EQ(tree(".foo"), "(index _ \"foo\")");
  EXPECT_EQ(tree(".\"foo\""), "(index _ \"foo\")");
  EXPECT_EQ(tree(".foo?"), "(try (index _ \"foo\"))");
  EXPECT_EQ(tree(".a.b[0]?.c"), "(index (try (index (index (index _ \"a\") \"b\") 0)) \"c\")");
  EXPECT_EQ(tree(".[]?"), "(try (iterate _))");
  EXPECT_EQ(tree(".[1:], .[:2], .[1:2]"),
            "(comma (comma (slice _ 1 _) (slice _ _ 2)) (slice _ 1 2))");
  EXPECT_EQ(tree(".a.[0]"), "(index (index _ \"a\") 0)");
  EXPECT_EQ(tree(".a.\"b\""), "(index (index _ \"a\") \"b\")");
  EXPECT_EQ(tree("$x.foo[0]"), "(index (index $x \"foo\") 0)");
  EXPECT_EQ(tree(".[1][2]"), "(index (index _ 1) 2)");
  EXPECT_EQ(tree(".and, .if"), "(comma (index _ \"and\") (index _ \"if\"))");
  EXPECT_EQ(tree("..?"), "(try ..)");
  EXPECT_EQ(tree("if true then [.] else . end []"), "(iterate (if true (array .) .))");
}

TEST(ParserTest, Literals) {
  EXPECT_EQ(tree("1.50"), "1.50");
  EXPECT_EQ(tree("true, false, null"), "(comma (comma true false) null)");
  EXPECT_EQ(tree(R"("a\nb")"), R"("a\nb")");
  EXPECT_EQ(tree(R"("a\(1 + 2)b")"), R"((interp "a" (+ 1 2) "b"))");
  EXPECT_EQ(tree(R"(@base64 "x\(.)y")"), R"((interp @base64 "x" . "y"))");
  EXPECT_EQ(tree(R"(@base64 "plain")"), R"("plain")");
  EXPECT_EQ(tree("@csv"), "@csv");
  EXPECT_EQ(tree("$__loc__"), "$__loc__");
  EXPECT_EQ(tree("[]"), "(array)");
  EXPECT_EQ(tree("[1,2]"), "(array (comma 1 2))");
}

TEST(ParserTest, NumberLiteralKeepsText) {
  Program program = parse_program("100000000000000000000001");
  ASSERT_TRUE(program.body);
  const std::string* text = program.body->value.number_literal_text();
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(*text, "100000000000000000000001");
}

TEST(ParserTest, Precedence) {
  EXPECT_EQ(tree("1 + 2 * 3 - 4"), "(- (+ 1 (* 2 3)) 4)");
  EXPECT_EQ(tree("1, 2 | 3, 4"), "(pipe (comma 1 2) (comma 3 4))");
  EXPECT_EQ(tree("1 | 2 | 3"), "(pipe 1 (pipe 2 3))");
  EXPECT_EQ(tree("1 // 2 // 3"), "(// 1 (// 2 3))");
  EXPECT_EQ(tree(".a += 1 // 2"), "(// (+= (index _ \"a\") 1) 2)");
  EXPECT_EQ(tree(".a = 1, 2"), "(comma (= (index _ \"a\") 1) 2)");
  EXPECT_EQ(tree("1 or 2 and 3"), "(or 1 (and 2 3))");
  EXPECT_EQ(tree("1 < 2 and 3 >= 4"), "(and (< 1 2) (>= 3 4))");
  EXPECT_EQ(tree("-1 + 2"), "(+ (neg 1) 2)");
  EXPECT_EQ(tree("-.a * 2"), "(neg (* (index _ \"a\") 2))");
  EXPECT_EQ(tree("1 + .a?"), "(+ 1 (try (index _ \"a\")))");
  EXPECT_EQ(tree(".a |= . + 1"), "(|= (index _ \"a\") (+ . 1))");
  EXPECT_EQ(tree(".a //= 1"), "(//= (index _ \"a\") 1)");
}

TEST(ParserTest, TryCatch) {
  EXPECT_EQ(tree("try error(\"x\") catch . | length"),
            "(pipe (try (call error \"x\") .) (call length))");
  EXPECT_EQ(tree("try -.? catch ."), "(try (neg (try .)) .)");
  EXPECT_EQ(tree("1 + try 2 catch 3 + 4"), "(+ (+ 1 (try 2 3)) 4)");
  EXPECT_EQ(tree("try error(0) // 1"), "(// (try (call error 0)) 1)");
  EXPECT_EQ(tree(".[] | try error catch ."), "(pipe (iterate _) (try (call error) .))");
}

TEST(ParserTest, BindingsAndDestructuring) {
  EXPECT_EQ(tree("1 as $x | 2 as $y | $x + $y"), "(as 1 $x (as 2 $y (+ $x $y)))");
  EXPECT_EQ(tree("1, 2 as $x | 3, 4"), "(comma 1 (as 2 $x (comma 3 4)))");
  EXPECT_EQ(tree(". as [$a, {b: $c, $d, \"e\": $f, (1|tostring): $g, $h: [$i], if: $j}] ?// $a | $a"),
            "(as . [$a {\"b\":$c $d \"e\":$f (pipe 1 (call tostring)):$g $h:[$i] \"if\":$j}] ?// $a $a)");
  EXPECT_EQ(tree("label $out | 1, break $out"), "(label $out (comma 1 (break $out)))");
}

TEST(ParserTest, ReduceForeachIf) {
  EXPECT_EQ(tree("reduce .[] as $x (0; . + $x)"), "(reduce (iterate _) $x 0 (+ . $x))");
  EXPECT_EQ(tree("foreach .[] as $x (0; . + $x; [$x, .])"),
            "(foreach (iterate _) $x 0 (+ . $x) (array (comma $x .)))");
  EXPECT_EQ(tree("[-foreach -.[] as $x (0; . + $x)]"),
            "(array (neg (foreach (neg (iterate _)) $x 0 (+ . $x))))");
  EXPECT_EQ(tree("reduce .[] / .[] as $i (0; . + $i)"),
            "(reduce (/ (iterate _) (iterate _)) $i 0 (+ . $i))");
  EXPECT_EQ(tree("foreach .[] as $x (0; . + $x) as $x | $x"),
            "(as (foreach (iterate _) $x 0 (+ . $x)) $x $x)");
  EXPECT_EQ(tree("if . then 1 elif . == 2 then 2 else 3 end"), "(if . 1 (if (== . 2) 2 3))");
  EXPECT_EQ(tree("if . then 1 end"), "(if . 1)");
}

TEST(ParserTest, FunctionDefinitions) {
  EXPECT_EQ(tree("def f(g; $x): g + $x; def h: 1; f(h; 2)"),
            "(defs (def f(g; $x) (+ (call g) $x)) (def h 1) (call f (call h) 2))");
  EXPECT_EQ(tree("1 + def f: 2; f | f"), "(+ 1 (defs (def f 2) (pipe (call f) (call f))))");
  EXPECT_EQ(tree("def f: def g: 3; g; f"), "(defs (def f (defs (def g 3) (call g))) (call f))");
  EXPECT_EQ(tree("mod::fn(1)"), "(call mod::fn 1)");
  Program library = parse_program("def a: 1; def b: 2;");
  ASSERT_TRUE(library.body);
  EXPECT_EQ(debug_string(*library.body), "(defs (def a 1) (def b 2) _)");
}

TEST(ParserTest, ObjectConstruction) {
  EXPECT_EQ(tree(R"jq({a, "b", $c, $__loc__, if: 1, "d": 2, (.e): 3, $f: 4, @text "g": 5, "h\(1)": 6,})jq"),
            R"((object ("a") ("b") ($c) ($__loc__) ("if" 1) ("d" 2) ((index _ "e") 3) ($f 4) ("g" 5) ((interp "h" 1) 6)))");
  EXPECT_EQ(tree("{x:-.|abs}"), "(object (\"x\" (pipe (neg .) (call abs))))");
  EXPECT_EQ(tree("{x: 1 + 2, y: false or true, z: null // 3}"),
            "(object (\"x\" (+ 1 2)) (\"y\" (or false true)) (\"z\" (// null 3)))");
  EXPECT_EQ(tree("{x: try 1, z: if true then 3 end}"), "(object (\"x\" (try 1)) (\"z\" (if true 3)))");
  EXPECT_EQ(tree("{}"), "(object)");
  EXPECT_EQ(tree("{a: {b: 1}}"), "(object (\"a\" (object (\"b\" 1))))");
}

TEST(ParserTest, ModuleDirectives) {
  Program program = parse_program(
      R"(module {a: 1}; import "a" as b; import "c" as $d {search: "./"}; include "e"; .)");
  EXPECT_EQ(debug_string(program),
            R"((program (module {"a":1}) (import "a" as b) (import "c" as $d {"search":"./"}) (include "e") .))");
  ASSERT_EQ(program.imports.size(), 3u);
  EXPECT_TRUE(program.imports[1].is_data);
  EXPECT_TRUE(program.imports[2].is_include);
}

TEST(ParserTest, CommentsAndEmptyProgram) {
  EXPECT_EQ(tree(""), "_");
  EXPECT_EQ(tree("# nothing"), "_");
  EXPECT_EQ(tree("[\n  1,\n  # foo \\\n  2,\n  # bar \\\\\n  3\n]"), "(array (comma 1 3))");
}

TEST(ParserTest, Positions) {
  Program program = parse_program("1 |\n  $__loc__");
  ASSERT_TRUE(program.body);
  const Node& loc = *program.body->rhs;
  EXPECT_EQ(loc.pos.line, 2u);
  EXPECT_EQ(loc.pos.column, 2u);
  EXPECT_EQ(loc.pos.offset, 6u);
  EXPECT_EQ(loc.pos.end, 14u);
  EXPECT_EQ(program.source, "1 |\n  $__loc__");
}

TEST(ParserTest, JqSyntaxErrorMessages) {
  EXPECT_EQ(error_of(". as [] | null"),
            "syntax error, unexpected ']', expecting BINDING or '[' or '{' at <top-level>, line 1, column 7:\n"
            "    . as [] | null\n"
            "          ^\n"
            "jq: 1 compile error");
  EXPECT_EQ(last_error_line(". as {} | null"),
            "syntax error, unexpected '}' at <top-level>, line 1, column 7:");
  EXPECT_EQ(last_error_line("%::wat"),
            "syntax error, unexpected '%', expecting end of file at <top-level>, line 1, column 1:");
  EXPECT_EQ(last_error_line("{"), "syntax error, unexpected end of file at <top-level>, line 1, column 1:");
  EXPECT_EQ(last_error_line("}"),
            "syntax error, unexpected INVALID_CHARACTER, expecting end of file at <top-level>, line 1, column 1:");
  EXPECT_EQ(last_error_line(".a ^ b"),
            "syntax error, unexpected INVALID_CHARACTER, expecting end of file at <top-level>, line 1, column 4:");
  EXPECT_EQ(last_error_line("{a: 1 2}"),
            "syntax error, unexpected LITERAL, expecting '}' at <top-level>, line 1, column 7:");
  EXPECT_EQ(last_error_line("1 == 2 == 3"), "syntax error, unexpected == at <top-level>, line 1, column 8:");
}

TEST(ParserTest, JqSemanticErrorMessages) {
  EXPECT_EQ(error_of(R"("u\vw")"),
            "Invalid escape at line 1, column 4 (while parsing '\"\\v\"') at <top-level>, line 1, column 3:\n"
            "    \"u\\vw\"\n"
            "      ^^\n"
            "jq: 1 compile error");
  EXPECT_EQ(last_error_line("{(0):1}"), "Cannot use number (0) as object key at <top-level>, line 1, column 3:");
  EXPECT_EQ(last_error_line("{non_const:., (0):1}"),
            "Cannot use number (0) as object key at <top-level>, line 1, column 16:");
  EXPECT_EQ(last_error_line(". as {(true):$foo} | $foo"),
            "Cannot use boolean (true) as object key at <top-level>, line 1, column 8:");
  EXPECT_EQ(last_error_line("{1+2:3}"),
            "May need parentheses around object key expression at <top-level>, line 1, column 2:");
  EXPECT_EQ(last_error_line("module (.+1); 0"), "Module metadata must be constant at <top-level>, line 1, column 8:");
  EXPECT_EQ(last_error_line("module []; 0"), "Module metadata must be an object at <top-level>, line 1, column 8:");
  EXPECT_EQ(last_error_line("include \"a\" (.+1); 0"),
            "Module metadata must be constant at <top-level>, line 1, column 13:");
  EXPECT_EQ(last_error_line("include \"\\(a)\"; 0"), "Import path must be constant at <top-level>, line 1, column 9:");
  EXPECT_EQ(last_error_line("if . then 1"), "Possibly unterminated 'if' statement at <top-level>, line 1, column 1:");
  EXPECT_EQ(last_error_line("try 1 catch"), "Possibly unterminated 'try' statement at <top-level>, line 1, column 1:");
  EXPECT_EQ(last_error_line("break"), "break requires a label to break to at <top-level>, line 1, column 1:");
}

TEST(ParserTest, MultiLineErrorShowsTheRightLine) {
  EXPECT_EQ(error_of("1 |\n  ) "),
            "syntax error, unexpected INVALID_CHARACTER at <top-level>, line 2, column 3:\n"
            "      ) \n"
            "      ^\n"
            "jq: 1 compile error");
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(10000, '(');
  deep += "1";
  deep += std::string(10000, ')');
  EXPECT_NE(error_of(deep).find("memory exhausted"), std::string::npos);
  std::string arrays(10000, '[');
  arrays += std::string(10000, ']');
  EXPECT_NE(error_of(arrays).find("memory exhausted"), std::string::npos);
  std::string negations(10000, '-');
  negations += "1";
  EXPECT_NE(error_of(negations).find("memory exhausted"), std::string::npos);
  std::string fine(300, '[');
  fine += std::string(300, ']');
  EXPECT_EQ(error_of(fine), "(no error)");
}

TEST(ParserTest, KeywordsAsObjectKeysAndVariables) {
  EXPECT_EQ(tree("1 as $foreach | 2 as $and | { $foreach, $and, a }"),
            "(as 1 $foreach (as 2 $and (object ($foreach) ($and) (\"a\"))))");
  EXPECT_EQ(tree("{and: 1, then}"), "(object (\"and\" 1) (\"then\"))");
}

}  // namespace
}  // namespace netinspect::jq
