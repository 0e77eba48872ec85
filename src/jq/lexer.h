// netinspect::jq — the tokenizer for jq program text.
//
// Tokens and their boundaries follow jq 1.8's flex scanner so that syntax
// errors can name the same tokens (`unexpected IDENT`, `unexpected '}'`) at the
// same places. Strings are split like jq does: QQSTRING_START, QQSTRING_TEXT
// pieces, QQSTRING_INTERP_START <tokens> QQSTRING_INTERP_END, QQSTRING_END.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jq/ast.h"

namespace netinspect::jq {

enum class TokenKind : std::uint8_t {
  EndOfFile,
  InvalidCharacter,
  Ident,          // text: name, may contain `::`
  Field,          // text: name without the leading '.'
  Binding,        // text: name without the leading '$'
  Literal,        // text: the number as written; number: its value
  Format,         // text: "@name"
  Loc,            // $__loc__
  QQStringStart,
  QQStringText,   // text: decoded bytes
  QQInterpStart,
  QQInterpEnd,
  QQStringEnd,
  // Keywords.
  As, Def, Module, Import, Include, If, Then, Else, Elif, Reduce, Foreach, End,
  And, Or, Try, Catch, Label, Break,
  // Multi-character operators.
  Rec, SetMod, Eq, Neq, DefinedOr, SetPipe, SetPlus, SetMinus, SetMult, SetDiv,
  SetDefinedOr, LessEq, GreaterEq, Alternation,
  // Single characters.
  Dot, Question, Assign, Semicolon, Comma, Colon, Pipe, Plus, Minus, Star, Slash,
  Percent, Dollar, Less, Greater, LBracket, LBrace, LParen, RBracket, RBrace, RParen,
};

// The name bison prints for a token in "unexpected X" / "expecting X".
std::string_view token_name(TokenKind kind);

// True for the keywords that may also be used as object keys (`{if: 1}`).
bool is_keyword(TokenKind kind);
std::string_view keyword_text(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::EndOfFile;
  std::uint32_t start = 0;  // byte offsets [start, end)
  std::uint32_t end = 0;
  std::uint32_t line = 1;    // of `start`
  std::uint32_t column = 0;  // of `start`, in bytes
  std::string text;
  double number = 0;
  // Set when the token is malformed in a way jq reports without a syntax
  // error (an invalid escape in a string); the parser raises it.
  std::string error;

  Position position() const { return Position{line, column, start, end}; }
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  Token next();

  // Where jq places an "unexpected end of file": the last lexeme it matched,
  // whitespace and comments included.
  std::uint32_t last_lexeme_start() const { return last_lexeme_start_; }
  std::uint32_t last_lexeme_end() const { return last_lexeme_end_; }

 private:
  // Scanner states, like jq's flex start conditions: what the innermost open
  // bracket is decides how a closer lexes and whether we are inside a string.
  enum class Mode : std::uint8_t { Paren, Bracket, Brace, Interp, String };

  Token lex_code();
  Token lex_string_part();
  Token make(TokenKind kind, std::size_t start, std::size_t end);
  Token end_of_file() const;
  void advance_to(std::size_t pos);
  void mark_lexeme(std::size_t start, std::size_t end);
  Token open(TokenKind kind, Mode mode, std::size_t start);
  Token close(char closer, std::size_t start);
  Mode top() const { return modes_.empty() ? Mode::Paren : modes_.back(); }

  std::string_view src_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::size_t line_start_ = 0;
  std::uint32_t last_lexeme_start_ = 0;
  std::uint32_t last_lexeme_end_ = 0;
  std::vector<Mode> modes_;
};

}  // namespace netinspect::jq
