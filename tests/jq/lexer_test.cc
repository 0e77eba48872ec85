#include "jq/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace netinspect::jq {
namespace {

std::vector<Token> lex_all(std::string_view source) {
  Lexer lexer(source);
  std::vector<Token> tokens;
  for (;;) {
    tokens.push_back(lexer.next());
    if (tokens.back().kind == TokenKind::EndOfFile) return tokens;
  }
}

std::string kinds(std::string_view source) {
  std::string out;
  for (const Token& t : lex_all(source)) {
    if (!out.empty()) out += ' ';
    out += token_name(t.kind);
  }
  return out;
}

TEST(LexerTest, OperatorsAndKeywords) {
  EXPECT_EQ(kinds(". .. .a |= += -= *= /= %= //= // == != <= >= ?// ?"),
            "'.' .. FIELD |= += -= *= /= %= //= // == != <= >= ?// '?' end of file");
  EXPECT_EQ(kinds("if then elif else end as def reduce foreach try catch label break and or"),
            "if then elif else end as def reduce foreach try catch label break and or end of file");
  EXPECT_EQ(kinds("module import include"), "module import include end of file");
  EXPECT_EQ(kinds("iffy end_ $__loc__ $__loc__x $x $"),
            "IDENT IDENT $__loc__ BINDING BINDING '$' end of file");
}

TEST(LexerTest, FieldsIdentsAndBindings) {
  auto tokens = lex_all(".foo.and $name mod::fn @base64");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].kind, TokenKind::Field);
  EXPECT_EQ(tokens[0].text, "foo");
  EXPECT_EQ(tokens[1].kind, TokenKind::Field);  // keywords after '.' are field names
  EXPECT_EQ(tokens[1].text, "and");
  EXPECT_EQ(tokens[2].kind, TokenKind::Binding);
  EXPECT_EQ(tokens[2].text, "name");
  EXPECT_EQ(tokens[3].kind, TokenKind::Ident);
  EXPECT_EQ(tokens[3].text, "mod::fn");
  EXPECT_EQ(tokens[4].kind, TokenKind::Format);
  EXPECT_EQ(tokens[4].text, "@base64");
}

TEST(LexerTest, Numbers) {
  auto tokens = lex_all("1 1.5 .5 1e3 1.e-2 100000000000000000000001 1.foo");
  EXPECT_EQ(tokens[0].text, "1");
  EXPECT_EQ(tokens[1].number, 1.5);
  EXPECT_EQ(tokens[2].text, ".5");
  EXPECT_EQ(tokens[2].number, 0.5);
  EXPECT_EQ(tokens[3].number, 1000);
  EXPECT_EQ(tokens[4].text, "1.e-2");
  EXPECT_EQ(tokens[5].text, "100000000000000000000001");
  EXPECT_EQ(tokens[6].kind, TokenKind::Literal);  // "1." then IDENT, as flex does
  EXPECT_EQ(tokens[6].text, "1.");
  EXPECT_EQ(tokens[7].kind, TokenKind::Ident);
}

TEST(LexerTest, StringsAndInterpolation) {
  EXPECT_EQ(kinds(R"("a\(1)b")"),
            "QQSTRING_START QQSTRING_TEXT QQSTRING_INTERP_START LITERAL QQSTRING_INTERP_END "
            "QQSTRING_TEXT QQSTRING_END end of file");
  // Parentheses inside an interpolation nest properly.
  EXPECT_EQ(kinds(R"jq("\((1))")jq"),
            "QQSTRING_START QQSTRING_INTERP_START '(' LITERAL ')' QQSTRING_INTERP_END "
            "QQSTRING_END end of file");
  auto tokens = lex_all(R"("x\n\t\"\\\/\u00e9\ud83d\ude00\ud800")");
  ASSERT_GE(tokens.size(), 3u);
  EXPECT_EQ(tokens[1].text, "x");
  EXPECT_EQ(tokens[2].text, "\n\t\"\\/\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBD");
  EXPECT_TRUE(tokens[2].error.empty());
}

TEST(LexerTest, InvalidEscapeCarriesJqMessage) {
  auto tokens = lex_all(R"("u\vw")");
  ASSERT_GE(tokens.size(), 3u);
  EXPECT_EQ(tokens[2].start, 2u);
  EXPECT_EQ(tokens[2].end, 4u);
  EXPECT_EQ(tokens[2].error, R"(Invalid escape at line 1, column 4 (while parsing '"\v"'))");
}

TEST(LexerTest, MismatchedClosersAreInvalid) {
  EXPECT_EQ(kinds("}"), "INVALID_CHARACTER end of file");
  EXPECT_EQ(kinds("(]"), "'(' INVALID_CHARACTER end of file");
  EXPECT_EQ(kinds("[{()}]"), "'[' '{' '(' ')' '}' ']' end of file");
  EXPECT_EQ(kinds("^ ! @"), "INVALID_CHARACTER INVALID_CHARACTER INVALID_CHARACTER end of file");
}

TEST(LexerTest, CommentsContinueAfterOddBackslashes) {
  EXPECT_EQ(kinds("1 # c \\\n 2"), "LITERAL end of file");
  EXPECT_EQ(kinds("1 # c \\\\\n 2"), "LITERAL LITERAL end of file");
  EXPECT_EQ(kinds("1 # c \\\\\\\n 2\n3"), "LITERAL LITERAL end of file");
  EXPECT_EQ(kinds("# only a comment"), "end of file");
}

TEST(LexerTest, PositionsTrackLinesAndColumns) {
  auto tokens = lex_all("1 |\n  .a");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[2].line, 2u);
  EXPECT_EQ(tokens[2].column, 2u);
  EXPECT_EQ(tokens[2].start, 6u);
  EXPECT_EQ(tokens[2].end, 8u);
}

TEST(LexerTest, EndOfFileSitsOnLastLexeme) {
  auto tokens = lex_all("{");
  EXPECT_EQ(tokens.back().start, 0u);
  EXPECT_EQ(tokens.back().end, 1u);
  tokens = lex_all("{  ");
  EXPECT_EQ(tokens.back().start, 1u);
  EXPECT_EQ(tokens.back().end, 3u);
}

}  // namespace
}  // namespace netinspect::jq
