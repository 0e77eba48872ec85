#include "jq/lexer.h"

#include <cstdlib>
#include <string>

#include "json/parse.h"

namespace netinspect::jq {
namespace {

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_ident_char(c); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes a run of backslash escapes. jq hands such a run to its JSON parser
// wrapped in quotes, so a bad escape produces that parser's message.
bool decode_escape_run(std::string_view run, std::string& out, std::string& error) {
  auto fail = [&](std::string_view what) {
    error = std::string(what) + " at line 1, column " + std::to_string(run.size() + 2) +
            " (while parsing '\"" + std::string(run) + "\"')";
    return false;
  };
  std::uint32_t pending_high = 0;  // a high surrogate waiting for its low half
  auto flush_pending = [&] {
    if (pending_high != 0) json::append_utf8(out, 0xFFFD);
    pending_high = 0;
  };
  for (std::size_t i = 0; i < run.size();) {
    // The lexer only builds runs of `\x` pairs and `\u....` groups.
    char c = run[i + 1];
    if (c == 'u') {
      std::size_t digits = 0;
      while (digits < 4 && i + 2 + digits < run.size() && run[i + 2 + digits] != '\\') digits++;
      std::uint32_t cp = 0;
      bool ok = digits == 4;
      for (std::size_t k = 0; ok && k < 4; k++) {
        int h = hex_value(run[i + 2 + k]);
        if (h < 0) ok = false;
        cp = cp * 16 + static_cast<std::uint32_t>(h < 0 ? 0 : h);
      }
      if (!ok) return fail("Invalid \\uXXXX escape");
      i += 6;
      if (cp >= 0xD800 && cp < 0xDC00) {
        flush_pending();
        pending_high = cp;
      } else if (cp >= 0xDC00 && cp < 0xE000) {
        if (pending_high != 0) {
          json::append_utf8(out, 0x10000 + ((pending_high - 0xD800) << 10) + (cp - 0xDC00));
          pending_high = 0;
        } else {
          json::append_utf8(out, 0xFFFD);
        }
      } else {
        flush_pending();
        json::append_utf8(out, cp);
      }
      continue;
    }
    flush_pending();
    switch (c) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      default: return fail("Invalid escape");
    }
    i += 2;
  }
  flush_pending();
  return true;
}

struct KeywordEntry {
  std::string_view text;
  TokenKind kind;
};
constexpr KeywordEntry kKeywords[] = {
    {"as", TokenKind::As},         {"def", TokenKind::Def},         {"module", TokenKind::Module},
    {"import", TokenKind::Import}, {"include", TokenKind::Include}, {"if", TokenKind::If},
    {"then", TokenKind::Then},     {"else", TokenKind::Else},       {"elif", TokenKind::Elif},
    {"reduce", TokenKind::Reduce}, {"foreach", TokenKind::Foreach}, {"end", TokenKind::End},
    {"and", TokenKind::And},       {"or", TokenKind::Or},           {"try", TokenKind::Try},
    {"catch", TokenKind::Catch},   {"label", TokenKind::Label},     {"break", TokenKind::Break},
};

}  // namespace

std::string_view token_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::EndOfFile: return "end of file";
    case TokenKind::InvalidCharacter: return "INVALID_CHARACTER";
    case TokenKind::Ident: return "IDENT";
    case TokenKind::Field: return "FIELD";
    case TokenKind::Binding: return "BINDING";
    case TokenKind::Literal: return "LITERAL";
    case TokenKind::Format: return "FORMAT";
    case TokenKind::Loc: return "$__loc__";
    case TokenKind::QQStringStart: return "QQSTRING_START";
    case TokenKind::QQStringText: return "QQSTRING_TEXT";
    case TokenKind::QQInterpStart: return "QQSTRING_INTERP_START";
    case TokenKind::QQInterpEnd: return "QQSTRING_INTERP_END";
    case TokenKind::QQStringEnd: return "QQSTRING_END";
    case TokenKind::Rec: return "..";
    case TokenKind::SetMod: return "%=";
    case TokenKind::Eq: return "==";
    case TokenKind::Neq: return "!=";
    case TokenKind::DefinedOr: return "//";
    case TokenKind::SetPipe: return "|=";
    case TokenKind::SetPlus: return "+=";
    case TokenKind::SetMinus: return "-=";
    case TokenKind::SetMult: return "*=";
    case TokenKind::SetDiv: return "/=";
    case TokenKind::SetDefinedOr: return "//=";
    case TokenKind::LessEq: return "<=";
    case TokenKind::GreaterEq: return ">=";
    case TokenKind::Alternation: return "?//";
    case TokenKind::Dot: return "'.'";
    case TokenKind::Question: return "'?'";
    case TokenKind::Assign: return "'='";
    case TokenKind::Semicolon: return "';'";
    case TokenKind::Comma: return "','";
    case TokenKind::Colon: return "':'";
    case TokenKind::Pipe: return "'|'";
    case TokenKind::Plus: return "'+'";
    case TokenKind::Minus: return "'-'";
    case TokenKind::Star: return "'*'";
    case TokenKind::Slash: return "'/'";
    case TokenKind::Percent: return "'%'";
    case TokenKind::Dollar: return "'$'";
    case TokenKind::Less: return "'<'";
    case TokenKind::Greater: return "'>'";
    case TokenKind::LBracket: return "'['";
    case TokenKind::LBrace: return "'{'";
    case TokenKind::LParen: return "'('";
    case TokenKind::RBracket: return "']'";
    case TokenKind::RBrace: return "'}'";
    case TokenKind::RParen: return "')'";
    default: return keyword_text(kind);
  }
}

bool is_keyword(TokenKind kind) { return kind >= TokenKind::As && kind <= TokenKind::Break; }

std::string_view keyword_text(TokenKind kind) {
  for (const auto& k : kKeywords) {
    if (k.kind == kind) return k.text;
  }
  return "";
}

Token Lexer::make(TokenKind kind, std::size_t start, std::size_t end) {
  Token t;
  t.kind = kind;
  t.start = static_cast<std::uint32_t>(start);
  t.end = static_cast<std::uint32_t>(end);
  t.line = line_;
  t.column = static_cast<std::uint32_t>(start - line_start_);
  mark_lexeme(start, end);
  advance_to(end);
  return t;
}

void Lexer::mark_lexeme(std::size_t start, std::size_t end) {
  last_lexeme_start_ = static_cast<std::uint32_t>(start);
  last_lexeme_end_ = static_cast<std::uint32_t>(end);
}

void Lexer::advance_to(std::size_t pos) {
  for (; pos_ < pos; pos_++) {
    if (src_[pos_] == '\n') {
      line_++;
      line_start_ = pos_ + 1;
    }
  }
}

Token Lexer::open(TokenKind kind, Mode mode, std::size_t start) {
  modes_.push_back(mode);
  return make(kind, start, start + (kind == TokenKind::QQInterpStart ? 2 : 1));
}

Token Lexer::close(char closer, std::size_t start) {
  // A closer that does not match the innermost opener is INVALID_CHARACTER, as in jq.
  if (!modes_.empty()) {
    Mode m = modes_.back();
    TokenKind kind = TokenKind::InvalidCharacter;
    if (m == Mode::Paren && closer == ')') kind = TokenKind::RParen;
    if (m == Mode::Bracket && closer == ']') kind = TokenKind::RBracket;
    if (m == Mode::Brace && closer == '}') kind = TokenKind::RBrace;
    if (m == Mode::Interp && closer == ')') kind = TokenKind::QQInterpEnd;
    if (kind != TokenKind::InvalidCharacter) modes_.pop_back();
    return make(kind, start, start + 1);
  }
  return make(TokenKind::InvalidCharacter, start, start + 1);
}

Token Lexer::end_of_file() const {
  // flex leaves the location of the last matched lexeme in place at EOF.
  Token t;
  t.kind = TokenKind::EndOfFile;
  t.start = last_lexeme_start_;
  t.end = last_lexeme_end_;
  t.line = line_;
  t.column = static_cast<std::uint32_t>(pos_ - line_start_);
  return t;
}

Token Lexer::next() {
  if (!modes_.empty() && modes_.back() == Mode::String) return lex_string_part();
  return lex_code();
}

Token Lexer::lex_string_part() {
  const std::size_t n = src_.size();
  std::size_t start = pos_;
  if (start >= n) return end_of_file();
  char c = src_[start];
  if (c == '"') {
    modes_.pop_back();
    return make(TokenKind::QQStringEnd, start, start + 1);
  }
  if (c == '\\') {
    if (start + 1 < n && src_[start + 1] == '(') return open(TokenKind::QQInterpStart, Mode::Interp, start);
    // A run of escapes: `\x` pairs (x not 'u' or '(') and `\u` with up to 4 alphanumerics.
    std::size_t p = start;
    while (p + 1 < n && src_[p] == '\\' && src_[p + 1] != '(') {
      if (src_[p + 1] == 'u') {
        p += 2;
        for (int k = 0; k < 4 && p < n && is_alnum(src_[p]); k++) p++;
      } else {
        p += 2;
      }
    }
    if (p == start) return make(TokenKind::InvalidCharacter, start, start + 1);
    Token t = make(TokenKind::QQStringText, start, p);
    decode_escape_run(src_.substr(start, p - start), t.text, t.error);
    return t;
  }
  std::size_t p = start;
  while (p < n && src_[p] != '\\' && src_[p] != '"') p++;
  Token t = make(TokenKind::QQStringText, start, p);
  t.text.assign(src_.substr(start, p - start));
  return t;
}

Token Lexer::lex_code() {
  const std::size_t n = src_.size();
  // Whitespace and comments; each run counts as a lexeme for EOF positions.
  for (;;) {
    std::size_t p = pos_;
    if (p < n && (src_[p] == ' ' || src_[p] == '\t' || src_[p] == '\n' || src_[p] == '\r')) {
      while (p < n && (src_[p] == ' ' || src_[p] == '\t' || src_[p] == '\n' || src_[p] == '\r')) p++;
      mark_lexeme(pos_, p);
      advance_to(p);
      continue;
    }
    if (p < n && src_[p] == '#') {
      // jq 1.8: a backslash escapes the next character, so an odd number of
      // backslashes before the newline continues the comment on the next line.
      while (p < n && src_[p] != '\n' && src_[p] != '\r') {
        if (src_[p] == '\\' && p + 1 < n) {
          p += (src_[p + 1] == '\r' && p + 2 < n && src_[p + 2] == '\n') ? 3 : 2;
        } else {
          p++;
        }
      }
      mark_lexeme(pos_, p);
      advance_to(p);
      continue;
    }
    break;
  }

  std::size_t start = pos_;
  if (start >= n) return end_of_file();
  char c = src_[start];
  auto at = [&](std::size_t i) -> char { return start + i < n ? src_[start + i] : '\0'; };

  if (is_ident_start(c)) {
    // ([a-zA-Z_][a-zA-Z_0-9]*::)*[a-zA-Z_][a-zA-Z_0-9]*
    std::size_t p = start;
    for (;;) {
      while (p < n && is_ident_char(src_[p])) p++;
      if (p + 2 < n && src_[p] == ':' && src_[p + 1] == ':' && is_ident_start(src_[p + 2])) {
        p += 2;
        continue;
      }
      break;
    }
    std::string_view word = src_.substr(start, p - start);
    for (const auto& k : kKeywords) {
      if (k.text == word) return make(k.kind, start, p);
    }
    Token t = make(TokenKind::Ident, start, p);
    t.text.assign(word);
    return t;
  }

  // Numbers: ([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?
  if (is_digit(c) || (c == '.' && is_digit(at(1)))) {
    std::size_t p = start;
    while (p < n && is_digit(src_[p])) p++;
    if (p < n && src_[p] == '.') {
      p++;
      while (p < n && is_digit(src_[p])) p++;
    }
    if (p < n && (src_[p] == 'e' || src_[p] == 'E')) {
      std::size_t q = p + 1;
      if (q < n && (src_[q] == '+' || src_[q] == '-')) q++;
      if (q < n && is_digit(src_[q])) {
        while (q < n && is_digit(src_[q])) q++;
        p = q;
      }
    }
    Token t = make(TokenKind::Literal, start, p);
    t.text.assign(src_.substr(start, p - start));
    t.number = std::strtod(t.text.c_str(), nullptr);
    return t;
  }

  switch (c) {
    case '"': return open(TokenKind::QQStringStart, Mode::String, start);
    case '(': return open(TokenKind::LParen, Mode::Paren, start);
    case '[': return open(TokenKind::LBracket, Mode::Bracket, start);
    case '{': return open(TokenKind::LBrace, Mode::Brace, start);
    case ')': case ']': case '}': return close(c, start);
    case '.':
      if (at(1) == '.') return make(TokenKind::Rec, start, start + 2);
      if (is_ident_start(at(1))) {
        std::size_t p = start + 1;
        while (p < n && is_ident_char(src_[p])) p++;
        Token t = make(TokenKind::Field, start, p);
        t.text.assign(src_.substr(start + 1, p - start - 1));
        return t;
      }
      return make(TokenKind::Dot, start, start + 1);
    case '$': {
      if (src_.substr(start, 8) == "$__loc__" && !is_ident_char(at(8)) &&
          !(at(8) == ':' && at(9) == ':')) {
        return make(TokenKind::Loc, start, start + 8);
      }
      if (is_ident_start(at(1))) {
        std::size_t p = start + 1;
        for (;;) {
          while (p < n && is_ident_char(src_[p])) p++;
          if (p + 2 < n && src_[p] == ':' && src_[p + 1] == ':' && is_ident_start(src_[p + 2])) {
            p += 2;
            continue;
          }
          break;
        }
        Token t = make(TokenKind::Binding, start, p);
        t.text.assign(src_.substr(start + 1, p - start - 1));
        return t;
      }
      return make(TokenKind::Dollar, start, start + 1);
    }
    case '@': {
      std::size_t p = start + 1;
      while (p < n && is_alnum(src_[p])) p++;
      if (p == start + 1) return make(TokenKind::InvalidCharacter, start, start + 1);
      Token t = make(TokenKind::Format, start, p);
      t.text.assign(src_.substr(start, p - start));
      return t;
    }
    case '!':
      if (at(1) == '=') return make(TokenKind::Neq, start, start + 2);
      break;
    case '=':
      if (at(1) == '=') return make(TokenKind::Eq, start, start + 2);
      return make(TokenKind::Assign, start, start + 1);
    case '/':
      if (at(1) == '/') {
        if (at(2) == '=') return make(TokenKind::SetDefinedOr, start, start + 3);
        return make(TokenKind::DefinedOr, start, start + 2);
      }
      if (at(1) == '=') return make(TokenKind::SetDiv, start, start + 2);
      return make(TokenKind::Slash, start, start + 1);
    case '|':
      if (at(1) == '=') return make(TokenKind::SetPipe, start, start + 2);
      return make(TokenKind::Pipe, start, start + 1);
    case '+':
      if (at(1) == '=') return make(TokenKind::SetPlus, start, start + 2);
      return make(TokenKind::Plus, start, start + 1);
    case '-':
      if (at(1) == '=') return make(TokenKind::SetMinus, start, start + 2);
      return make(TokenKind::Minus, start, start + 1);
    case '*':
      if (at(1) == '=') return make(TokenKind::SetMult, start, start + 2);
      return make(TokenKind::Star, start, start + 1);
    case '%':
      if (at(1) == '=') return make(TokenKind::SetMod, start, start + 2);
      return make(TokenKind::Percent, start, start + 1);
    case '<':
      if (at(1) == '=') return make(TokenKind::LessEq, start, start + 2);
      return make(TokenKind::Less, start, start + 1);
    case '>':
      if (at(1) == '=') return make(TokenKind::GreaterEq, start, start + 2);
      return make(TokenKind::Greater, start, start + 1);
    case '?':
      if (at(1) == '/' && at(2) == '/') return make(TokenKind::Alternation, start, start + 3);
      return make(TokenKind::Question, start, start + 1);
    case ';': return make(TokenKind::Semicolon, start, start + 1);
    case ',': return make(TokenKind::Comma, start, start + 1);
    case ':': return make(TokenKind::Colon, start, start + 1);
    default: break;
  }
  return make(TokenKind::InvalidCharacter, start, start + 1);
}

}  // namespace netinspect::jq
