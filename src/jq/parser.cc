#include "jq/parser.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "jq/lexer.h"
#include "json/write.h"

namespace netinspect::jq {
namespace {

// Binding strength, weakest first, as in jq's yacc precedence declarations.
enum Level : int {
  kPipe = 1,
  kComma,
  kAs,  // `Exp as $x | body` (jq 1.8): the source takes every operator but `,` and `|`
  kAlternative,
  kAssign,
  kOr,
  kAnd,
  kCompare,
  kAdditive,
  kMultiplicative,
  kPostfixQuestion,
  kTry,
  kCatch,
};

struct OperatorInfo {
  int level = 0;  // 0: not a binary operator
  bool right_assoc = false;
  bool non_assoc = false;
};

OperatorInfo operator_info(TokenKind kind) {
  switch (kind) {
    case TokenKind::Pipe: return {kPipe, true, false};
    case TokenKind::Comma: return {kComma, false, false};
    case TokenKind::DefinedOr: return {kAlternative, true, false};
    case TokenKind::Assign:
    case TokenKind::SetPipe:
    case TokenKind::SetPlus:
    case TokenKind::SetMinus:
    case TokenKind::SetMult:
    case TokenKind::SetDiv:
    case TokenKind::SetMod:
    case TokenKind::SetDefinedOr: return {kAssign, false, true};
    case TokenKind::Or: return {kOr, false, false};
    case TokenKind::And: return {kAnd, false, false};
    case TokenKind::Eq:
    case TokenKind::Neq:
    case TokenKind::Less:
    case TokenKind::LessEq:
    case TokenKind::Greater:
    case TokenKind::GreaterEq: return {kCompare, false, true};
    case TokenKind::Plus:
    case TokenKind::Minus: return {kAdditive, false, false};
    case TokenKind::Star:
    case TokenKind::Slash:
    case TokenKind::Percent: return {kMultiplicative, false, false};
    default: return {};
  }
}

// Thrown once the diagnostics are collected; parse_program turns it into CompileError.
struct Abort {};

// Error-recovery rules of jq's grammar that add a second diagnostic after the
// syntax error, keyed by the innermost construct the error happened in.
enum class Recovery : std::uint8_t {
  Silent,          // `( error )`, `[ error ]`, `{ error }`: jq resynchronises quietly
  UnterminatedIf,  // `if Exp then error`
  UnterminatedTry, // `try Exp catch error`
};

class Parser {
 public:
  Parser(std::string_view source, std::string_view file_name)
      : source_(source), file_name_(file_name), lexer_(source) {}

  Program parse_program();
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  // --- tokens -------------------------------------------------------------
  void advance() {
    prev_end_ = tok_.end;
    consumed_++;
    tok_ = lexer_.next();
    check_token();
  }
  void check_token() {
    if (!tok_.error.empty()) fail(tok_.start, tok_.end, tok_.error);
  }
  bool at(TokenKind kind) const { return tok_.kind == kind; }
  void expect(TokenKind kind, std::string_view expecting = {}) {
    if (!at(kind)) unexpected(expecting);
    advance();
  }

  // --- diagnostics --------------------------------------------------------
  void add_error(std::uint32_t start, std::uint32_t end, std::string_view message) {
    errors_.push_back(locate_message(message, source_, file_name_, start, end));
  }
  [[noreturn]] void fail(std::uint32_t start, std::uint32_t end, std::string_view message) {
    add_error(start, end, message);
    throw Abort{};
  }
  [[noreturn]] void unexpected(std::string_view expecting = {}) {
    std::string message = "syntax error, unexpected ";
    message += token_name(tok_.kind);
    if (!expecting.empty()) {
      message += ", expecting ";
      message += expecting;
    }
    add_error(tok_.start, tok_.end, message);
    if (!recovery_.empty()) {
      auto [kind, start] = recovery_.back();
      if (kind == Recovery::UnterminatedIf) {
        add_error(start, tok_.end, "Possibly unterminated 'if' statement");
      } else if (kind == Recovery::UnterminatedTry) {
        add_error(start, tok_.end, "Possibly unterminated 'try' statement");
      }
    }
    throw Abort{};
  }

  struct RecoveryScope {
    RecoveryScope(Parser& p, Recovery kind, std::uint32_t start) : parser(p) {
      parser.recovery_.emplace_back(kind, start);
    }
    ~RecoveryScope() { parser.recovery_.pop_back(); }
    Parser& parser;
  };

  // Inside brackets, strings and keyword constructs `as` binds normally again.
  struct AsScope {
    explicit AsScope(bool& flag) : flag(flag), saved(flag) { flag = false; }
    ~AsScope() { flag = saved; }
    bool& flag;
    bool saved;
  };

  struct DepthGuard {
    explicit DepthGuard(Parser& p) : parser(p) {
      // Bounded both by nesting and by the stack actually used, so that
      // sanitizer builds and small thread stacks are safe too.
      char marker = 0;
      auto used = static_cast<std::size_t>(parser.stack_base_ - reinterpret_cast<std::uintptr_t>(&marker));
      if (++parser.depth_ > kMaxParseDepth || used > kParseStackBudget) {
        parser.fail(parser.tok_.start, parser.tok_.end, "memory exhausted");
      }
    }
    ~DepthGuard() { parser.depth_--; }
    Parser& parser;
  };

  // --- nodes --------------------------------------------------------------
  NodePtr make(Node::Kind kind, const Position& start) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->pos = start;
    node->pos.end = prev_end_;
    return node;
  }
  NodePtr finish(NodePtr node) {
    node->pos.end = prev_end_;
    return node;
  }
  NodePtr make_string_literal(std::string text, const Position& start) {
    NodePtr node = make(Node::Kind::Literal, start);
    node->value = json::Value::string(std::move(text));
    return node;
  }
  // `.[e]` on a bare `.` keeps a null target, as ast.h describes.
  static NodePtr as_target(NodePtr term) {
    if (term && term->kind == Node::Kind::Identity) return nullptr;
    return term;
  }

  // --- grammar ------------------------------------------------------------
  NodePtr parse_pipe() { return parse_exp(kPipe); }
  NodePtr parse_exp(int min_level);
  NodePtr parse_prefix();
  NodePtr parse_as(NodePtr source, const Position& start);
  NodePtr parse_postfix_term();
  NodePtr parse_bracket_suffix(NodePtr term, const Position& start);
  NodePtr parse_primary();
  NodePtr parse_call(const Position& start);
  NodePtr parse_reduce_or_foreach();
  NodePtr parse_if();
  NodePtr parse_try();
  NodePtr parse_object();
  void parse_object_entry(Node& object);
  [[noreturn]] void object_key_error();
  NodePtr parse_object_value();
  NodePtr parse_string();
  NodePtr parse_defs_then_body();
  std::shared_ptr<FunctionDef> parse_funcdef();
  std::vector<Pattern> parse_patterns();
  Pattern parse_pattern();
  Pattern::Field parse_object_pattern_field();
  void check_object_key(const Node& key);
  Import parse_import();
  json::Value parse_metadata(std::string_view what);
  bool starts_string() const {
    return at(TokenKind::QQStringStart) || at(TokenKind::Format);
  }
  [[noreturn]] void unexpected_term() {
    unexpected(consumed_ == toplevel_start_ ? "end of file" : "");
  }

  std::string_view source_;
  std::string_view file_name_;
  Lexer lexer_;
  Token tok_;
  std::uint32_t prev_end_ = 0;
  std::size_t consumed_ = 0;
  // Token count at which the top-level expression may start; bison's default
  // reductions make an unexpected token there read "expecting end of file".
  std::size_t toplevel_start_ = static_cast<std::size_t>(-1);
  int depth_ = 0;
  std::uintptr_t stack_base_ = 0;
  // Set while parsing a reduce/foreach source, where `as` ends the expression.
  bool as_ends_expression_ = false;
  std::vector<std::pair<Recovery, std::uint32_t>> recovery_;
  std::vector<std::string> errors_;
};

Program Parser::parse_program() {
  Program program;
  char marker = 0;
  stack_base_ = reinterpret_cast<std::uintptr_t>(&marker);
  tok_ = lexer_.next();
  check_token();
  if (at(TokenKind::Module)) {
    advance();
    program.module_metadata = parse_metadata("Module");
  }
  while (at(TokenKind::Import) || at(TokenKind::Include)) program.imports.push_back(parse_import());

  toplevel_start_ = consumed_;
  if (at(TokenKind::Def)) {
    // Top-level definitions may stand alone (a library) or precede the main expression.
    Position start = tok_.position();
    NodePtr defs = make(Node::Kind::FuncDefs, start);
    while (at(TokenKind::Def)) {
      defs->functions.push_back(parse_funcdef());
      toplevel_start_ = consumed_;
    }
    if (!at(TokenKind::EndOfFile)) defs->body = parse_pipe();
    program.body = finish(std::move(defs));
  } else if (!at(TokenKind::EndOfFile)) {
    program.body = parse_pipe();
  }
  if (!at(TokenKind::EndOfFile)) unexpected("end of file");
  return program;
}

json::Value Parser::parse_metadata(std::string_view what) {
  std::uint32_t start = tok_.start;
  NodePtr meta = parse_pipe();
  std::uint32_t end = prev_end_;
  expect(TokenKind::Semicolon);
  auto value = constant_value(*meta);
  if (!value) fail(start, end, std::string(what) + " metadata must be constant");
  if (!value->is_object()) fail(start, end, std::string(what) + " metadata must be an object");
  return *value;
}

Import Parser::parse_import() {
  Import import;
  import.is_include = at(TokenKind::Include);
  advance();
  if (!starts_string()) unexpected("FORMAT or QQSTRING_START");
  std::uint32_t path_start = tok_.start;
  NodePtr path = parse_string();
  if (path->kind != Node::Kind::Literal) fail(path_start, prev_end_, "Import path must be constant");
  import.path = path->value.as_string();
  if (!import.is_include) {
    expect(TokenKind::As, "as");
    if (at(TokenKind::Binding)) {
      import.is_data = true;
    } else if (!at(TokenKind::Ident)) {
      unexpected("IDENT or BINDING");
    }
    import.alias = tok_.text;
    advance();
  }
  if (at(TokenKind::Semicolon)) {
    advance();
  } else {
    import.metadata = parse_metadata("Module");
  }
  return import;
}

NodePtr Parser::parse_exp(int min_level) {
  DepthGuard guard(*this);
  Position start = tok_.position();
  NodePtr lhs = parse_prefix();
  int last_non_assoc_level = 0;
  for (;;) {
    if (at(TokenKind::As) && kAs >= min_level && !as_ends_expression_) {
      lhs = parse_as(std::move(lhs), start);
      continue;
    }
    if (at(TokenKind::Question) && kPostfixQuestion >= min_level) {
      advance();
      NodePtr node = make(Node::Kind::Try, start);
      node->body = std::move(lhs);
      lhs = std::move(node);
      continue;
    }
    OperatorInfo info = operator_info(tok_.kind);
    if (info.level == 0 || info.level < min_level) break;
    if (info.non_assoc && info.level == last_non_assoc_level) unexpected();
    TokenKind op = tok_.kind;
    advance();
    NodePtr rhs = parse_exp(info.right_assoc ? info.level : info.level + 1);
    NodePtr node;
    switch (op) {
      case TokenKind::Pipe: node = make(Node::Kind::Pipe, start); break;
      case TokenKind::Comma: node = make(Node::Kind::Comma, start); break;
      case TokenKind::Assign:
      case TokenKind::SetPipe:
      case TokenKind::SetPlus:
      case TokenKind::SetMinus:
      case TokenKind::SetMult:
      case TokenKind::SetDiv:
      case TokenKind::SetMod:
      case TokenKind::SetDefinedOr:
        node = make(Node::Kind::Assign, start);
        node->assign_op = op == TokenKind::Assign       ? AssignOp::Set
                          : op == TokenKind::SetPipe    ? AssignOp::Update
                          : op == TokenKind::SetPlus    ? AssignOp::AddUpdate
                          : op == TokenKind::SetMinus   ? AssignOp::SubUpdate
                          : op == TokenKind::SetMult    ? AssignOp::MulUpdate
                          : op == TokenKind::SetDiv     ? AssignOp::DivUpdate
                          : op == TokenKind::SetMod     ? AssignOp::ModUpdate
                                                        : AssignOp::AltUpdate;
        break;
      default:
        node = make(Node::Kind::Binary, start);
        switch (op) {
          case TokenKind::DefinedOr: node->op = BinaryOp::Alternative; break;
          case TokenKind::Or: node->op = BinaryOp::Or; break;
          case TokenKind::And: node->op = BinaryOp::And; break;
          case TokenKind::Eq: node->op = BinaryOp::Eq; break;
          case TokenKind::Neq: node->op = BinaryOp::Ne; break;
          case TokenKind::Less: node->op = BinaryOp::Lt; break;
          case TokenKind::LessEq: node->op = BinaryOp::Le; break;
          case TokenKind::Greater: node->op = BinaryOp::Gt; break;
          case TokenKind::GreaterEq: node->op = BinaryOp::Ge; break;
          case TokenKind::Plus: node->op = BinaryOp::Add; break;
          case TokenKind::Minus: node->op = BinaryOp::Sub; break;
          case TokenKind::Star: node->op = BinaryOp::Mul; break;
          case TokenKind::Slash: node->op = BinaryOp::Div; break;
          default: node->op = BinaryOp::Mod; break;
        }
        break;
    }
    node->lhs = std::move(lhs);
    node->rhs = std::move(rhs);
    lhs = std::move(node);
    last_non_assoc_level = info.non_assoc ? info.level : 0;
  }
  return lhs;
}

// Forms that begin an expression without being terms: `def`, unary minus,
// `try`, `label`. (`Exp as $x | ...` is handled by parse_exp.)
NodePtr Parser::parse_prefix() {
  DepthGuard guard(*this);
  Position start = tok_.position();
  switch (tok_.kind) {
    case TokenKind::Def: return parse_defs_then_body();
    case TokenKind::Minus: {
      advance();
      // jq's `'-' Exp` has the precedence of binary minus: it takes `*`, `/`, `%`, `?`.
      NodePtr operand = parse_exp(kMultiplicative);
      NodePtr node = make(Node::Kind::Negate, start);
      node->body = std::move(operand);
      return node;
    }
    case TokenKind::Try: return parse_try();
    case TokenKind::Label: {
      advance();
      if (!at(TokenKind::Binding)) unexpected("BINDING");
      std::string name = tok_.text;
      advance();
      expect(TokenKind::Pipe, "'|'");
      NodePtr body = parse_pipe();
      NodePtr node = make(Node::Kind::Label, start);
      node->name = std::move(name);
      node->body = std::move(body);
      return node;
    }
    default: break;
  }
  return parse_postfix_term();
}

NodePtr Parser::parse_as(NodePtr source, const Position& start) {
  advance();  // as
  std::vector<Pattern> patterns = parse_patterns();
  expect(TokenKind::Pipe, "?// or '|'");
  NodePtr body = parse_pipe();
  NodePtr node = make(Node::Kind::As, start);
  node->source = std::move(source);
  node->patterns = std::move(patterns);
  node->body = std::move(body);
  return node;
}

NodePtr Parser::parse_try() {
  Position start = tok_.position();
  advance();  // try
  // `try` and `catch` bind tighter than every binary operator and postfix `?`.
  NodePtr body = parse_exp(kTry);
  NodePtr handler;
  if (at(TokenKind::Catch)) {
    advance();
    RecoveryScope scope(*this, Recovery::UnterminatedTry, start.offset);
    handler = parse_exp(kCatch);
  }
  NodePtr node = make(Node::Kind::Try, start);
  node->body = std::move(body);
  node->handler = std::move(handler);
  return node;
}

NodePtr Parser::parse_defs_then_body() {
  Position start = tok_.position();
  NodePtr node = make(Node::Kind::FuncDefs, start);
  while (at(TokenKind::Def)) node->functions.push_back(parse_funcdef());
  node->body = parse_pipe();
  return finish(std::move(node));
}

std::shared_ptr<FunctionDef> Parser::parse_funcdef() {
  auto def = std::make_shared<FunctionDef>();
  def->pos = tok_.position();
  advance();  // def
  if (!at(TokenKind::Ident)) unexpected("IDENT");
  def->name = tok_.text;
  advance();
  if (at(TokenKind::LParen)) {
    advance();
    for (;;) {
      FunctionDef::Param param;
      if (at(TokenKind::Binding)) {
        param.value_param = true;
      } else if (!at(TokenKind::Ident)) {
        unexpected("IDENT or BINDING");
      }
      param.name = tok_.text;
      advance();
      def->params.push_back(std::move(param));
      if (at(TokenKind::Semicolon)) {
        advance();
        continue;
      }
      expect(TokenKind::RParen, "';' or ')'");
      break;
    }
    expect(TokenKind::Colon, "':'");
  } else {
    expect(TokenKind::Colon, "'(' or ':'");
  }
  def->body = parse_pipe();
  expect(TokenKind::Semicolon);
  def->pos.end = prev_end_;
  return def;
}

NodePtr Parser::parse_postfix_term() {
  DepthGuard guard(*this);
  Position start = tok_.position();
  NodePtr term = parse_primary();
  for (;;) {
    switch (tok_.kind) {
      case TokenKind::Field: {
        NodePtr key = make_string_literal(tok_.text, tok_.position());
        advance();
        key = finish(std::move(key));
        NodePtr node = make(Node::Kind::Index, start);
        node->target = as_target(std::move(term));
        node->index = std::move(key);
        term = std::move(node);
        break;
      }
      case TokenKind::Dot: {
        advance();
        if (starts_string()) {
          NodePtr key = parse_string();
          NodePtr node = make(Node::Kind::Index, start);
          node->target = as_target(std::move(term));
          node->index = std::move(key);
          term = std::move(node);
        } else if (at(TokenKind::LBracket)) {
          term = parse_bracket_suffix(std::move(term), start);
        } else {
          unexpected("FORMAT or QQSTRING_START or '['");
        }
        break;
      }
      case TokenKind::LBracket: term = parse_bracket_suffix(std::move(term), start); break;
      case TokenKind::Question: {
        advance();
        NodePtr node = make(Node::Kind::Try, start);
        node->body = std::move(term);
        term = std::move(node);
        break;
      }
      default: return term;
    }
  }
}

// `[]`, `[e]`, `[a:b]`, `[:b]`, `[a:]` after a term.
NodePtr Parser::parse_bracket_suffix(NodePtr term, const Position& start) {
  RecoveryScope scope(*this, Recovery::Silent, tok_.start);
  AsScope as_scope(as_ends_expression_);
  advance();  // [
  if (at(TokenKind::RBracket)) {
    advance();
    NodePtr node = make(Node::Kind::Iterate, start);
    node->target = as_target(std::move(term));
    return node;
  }
  if (at(TokenKind::Colon)) {
    advance();
    NodePtr to = parse_pipe();
    expect(TokenKind::RBracket);
    NodePtr node = make(Node::Kind::Slice, start);
    node->target = as_target(std::move(term));
    node->to = std::move(to);
    return node;
  }
  NodePtr first = parse_pipe();
  if (at(TokenKind::Colon)) {
    advance();
    NodePtr to;
    if (!at(TokenKind::RBracket)) to = parse_pipe();
    expect(TokenKind::RBracket);
    NodePtr node = make(Node::Kind::Slice, start);
    node->target = as_target(std::move(term));
    node->from = std::move(first);
    node->to = std::move(to);
    return node;
  }
  expect(TokenKind::RBracket);
  NodePtr node = make(Node::Kind::Index, start);
  node->target = as_target(std::move(term));
  node->index = std::move(first);
  return node;
}

// Tokens that cannot follow a term: after a bare `.`, jq's `'.' error` rule
// turns them into the "unusually named fields" hint.
bool cannot_follow_term(TokenKind kind) {
  switch (kind) {
    case TokenKind::Ident:
    case TokenKind::Literal:
    case TokenKind::Binding:
    case TokenKind::Loc:
    case TokenKind::LParen:
    case TokenKind::LBrace:
    case TokenKind::Rec:
    case TokenKind::Dollar:
    case TokenKind::InvalidCharacter:
    case TokenKind::If:
    case TokenKind::Reduce:
    case TokenKind::Foreach:
    case TokenKind::Try:
    case TokenKind::Label:
    case TokenKind::Def:
    case TokenKind::Break:
    case TokenKind::Module:
    case TokenKind::Import:
    case TokenKind::Include: return true;
    default: return false;
  }
}

NodePtr Parser::parse_primary() {
  Position start = tok_.position();
  AsScope as_scope(as_ends_expression_);
  switch (tok_.kind) {
    case TokenKind::Dot: {
      advance();
      if (starts_string()) {
        NodePtr key = parse_string();
        NodePtr node = make(Node::Kind::Index, start);
        node->index = std::move(key);
        return node;
      }
      if (cannot_follow_term(tok_.kind)) {
        std::string message = "syntax error, unexpected ";
        if (at(TokenKind::Ident)) {
          advance();  // jq's `'.' IDENT error` rule shifts the name first
        }
        message += token_name(tok_.kind);
        add_error(tok_.start, tok_.end, message);
        fail(start.offset, tok_.end,
             "try .[\"field\"] instead of .field for unusually named fields");
      }
      return make(Node::Kind::Identity, start);
    }
    case TokenKind::Rec: advance(); return make(Node::Kind::RecurseDefault, start);
    case TokenKind::Field: {
      NodePtr key = make_string_literal(tok_.text, start);
      advance();
      key = finish(std::move(key));
      NodePtr node = make(Node::Kind::Index, start);
      node->index = std::move(key);
      return node;
    }
    case TokenKind::Literal: {
      json::Value value = json::Value::number_literal(tok_.number, tok_.text);
      advance();
      NodePtr node = make(Node::Kind::Literal, start);
      node->value = std::move(value);
      return node;
    }
    case TokenKind::QQStringStart: return parse_string();
    case TokenKind::Format: return parse_string();
    case TokenKind::LParen: {
      RecoveryScope scope(*this, Recovery::Silent, tok_.start);
      advance();
      NodePtr inner = parse_pipe();
      expect(TokenKind::RParen);
      return inner;
    }
    case TokenKind::LBracket: {
      RecoveryScope scope(*this, Recovery::Silent, tok_.start);
      advance();
      NodePtr body;
      if (!at(TokenKind::RBracket)) body = parse_pipe();
      expect(TokenKind::RBracket);
      NodePtr node = make(Node::Kind::ArrayCons, start);
      node->body = std::move(body);
      return node;
    }
    case TokenKind::LBrace: return parse_object();
    case TokenKind::Binding:
    case TokenKind::Loc: {
      std::string name = at(TokenKind::Loc) ? "__loc__" : tok_.text;
      advance();
      NodePtr node = make(Node::Kind::Variable, start);
      node->name = std::move(name);
      return node;
    }
    case TokenKind::Ident: return parse_call(start);
    case TokenKind::Reduce:
    case TokenKind::Foreach: return parse_reduce_or_foreach();
    case TokenKind::If: return parse_if();
    case TokenKind::Break: {
      advance();
      if (!at(TokenKind::Binding)) {
        add_error(tok_.start, tok_.end,
                  std::string("syntax error, unexpected ") + std::string(token_name(tok_.kind)) +
                      ", expecting BINDING");
        fail(start.offset, tok_.end, "break requires a label to break to");
      }
      std::string name = tok_.text;
      advance();
      NodePtr node = make(Node::Kind::Break, start);
      node->name = std::move(name);
      return node;
    }
    default: unexpected_term();
  }
}

NodePtr Parser::parse_call(const Position& start) {
  std::string name = tok_.text;
  advance();
  if (at(TokenKind::LParen)) {
    advance();
    NodePtr node = make(Node::Kind::Call, start);
    node->name = std::move(name);
    for (;;) {
      node->args.push_back(parse_pipe());
      if (at(TokenKind::Semicolon)) {
        advance();
        continue;
      }
      expect(TokenKind::RParen, "';' or ')'");
      break;
    }
    return finish(std::move(node));
  }
  if (name == "true" || name == "false" || name == "null") {
    NodePtr node = make(Node::Kind::Literal, start);
    node->value = name == "null" ? json::Value() : json::Value::boolean(name == "true");
    return node;
  }
  NodePtr node = make(Node::Kind::Call, start);
  node->name = std::move(name);
  return node;
}

NodePtr Parser::parse_reduce_or_foreach() {
  Position start = tok_.position();
  bool is_reduce = at(TokenKind::Reduce);
  advance();
  // jq 1.8 accepts any expression as the source (`reduce .[] / .[] as $x ...`);
  // the first `as` outside brackets ends it.
  NodePtr source;
  {
    bool saved = as_ends_expression_;
    as_ends_expression_ = true;
    source = parse_pipe();
    as_ends_expression_ = saved;
  }
  expect(TokenKind::As);
  std::vector<Pattern> patterns = parse_patterns();
  expect(TokenKind::LParen, "?// or '('");
  NodePtr init = parse_pipe();
  expect(TokenKind::Semicolon);
  NodePtr update = parse_pipe();
  NodePtr extract;
  if (!is_reduce && at(TokenKind::Semicolon)) {
    advance();
    extract = parse_pipe();
  }
  expect(TokenKind::RParen);
  NodePtr node = make(is_reduce ? Node::Kind::Reduce : Node::Kind::Foreach, start);
  node->source = std::move(source);
  node->patterns = std::move(patterns);
  node->init = std::move(init);
  node->update = std::move(update);
  node->extract = std::move(extract);
  return node;
}

NodePtr Parser::parse_if() {
  Position start = tok_.position();
  advance();  // if
  NodePtr cond = parse_pipe();
  expect(TokenKind::Then);
  RecoveryScope scope(*this, Recovery::UnterminatedIf, start.offset);
  NodePtr then_branch = parse_pipe();
  NodePtr node = make(Node::Kind::If, start);
  node->cond = std::move(cond);
  node->then_branch = std::move(then_branch);
  // elif chains become nested If nodes in else_branch.
  Node* innermost = node.get();
  std::vector<Node*> chain{innermost};
  for (;;) {
    if (at(TokenKind::Elif)) {
      Position elif_start = tok_.position();
      advance();
      NodePtr elif_cond = parse_pipe();
      expect(TokenKind::Then);
      NodePtr elif_then = parse_pipe();
      NodePtr elif = make(Node::Kind::If, elif_start);
      elif->cond = std::move(elif_cond);
      elif->then_branch = std::move(elif_then);
      Node* next = elif.get();
      innermost->else_branch = std::move(elif);
      innermost = next;
      chain.push_back(innermost);
      continue;
    }
    if (at(TokenKind::Else)) {
      advance();
      innermost->else_branch = parse_pipe();
      expect(TokenKind::End);
      break;
    }
    if (at(TokenKind::End)) {
      advance();
      break;
    }
    unexpected();
  }
  for (Node* n : chain) n->pos.end = prev_end_;
  return node;
}

NodePtr Parser::parse_object() {
  Position start = tok_.position();
  RecoveryScope scope(*this, Recovery::Silent, tok_.start);
  advance();  // {
  NodePtr node = make(Node::Kind::ObjectCons, start);
  for (;;) {
    if (at(TokenKind::RBrace)) {  // `{}` and a trailing comma `{a: 1,}`
      advance();
      break;
    }
    parse_object_entry(*node);
    if (at(TokenKind::Comma)) {
      advance();
      continue;
    }
    expect(TokenKind::RBrace, "'}'");
    break;
  }
  return finish(std::move(node));
}

void Parser::parse_object_entry(Node& object) {
  Node::ObjectEntry entry;
  Position start = tok_.position();
  if (at(TokenKind::Ident) || is_keyword(tok_.kind)) {
    std::string key = at(TokenKind::Ident) ? tok_.text : std::string(keyword_text(tok_.kind));
    advance();
    entry.key_expr = make_string_literal(std::move(key), start);
    if (at(TokenKind::Colon)) {
      advance();
      entry.value = parse_object_value();
    }
  } else if (at(TokenKind::Binding)) {
    std::string name = tok_.text;
    advance();
    if (at(TokenKind::Colon)) {
      // `{$k: v}` uses the variable's value as the key.
      NodePtr key = make(Node::Kind::Variable, start);
      key->name = std::move(name);
      entry.key_expr = std::move(key);
      advance();
      entry.value = parse_object_value();
    } else {
      entry.key_var = std::move(name);
    }
  } else if (at(TokenKind::Loc)) {
    advance();
    entry.key_var = "__loc__";
  } else if (starts_string()) {
    entry.key_expr = parse_string();
    if (at(TokenKind::Colon)) {
      advance();
      entry.value = parse_object_value();
    }
  } else if (at(TokenKind::LParen)) {
    {
      RecoveryScope scope(*this, Recovery::Silent, tok_.start);
      advance();
      entry.key_expr = parse_pipe();
      expect(TokenKind::RParen);
    }
    check_object_key(*entry.key_expr);
    expect(TokenKind::Colon, "':'");
    entry.value = parse_object_value();
  } else {
    object_key_error();
  }
  object.entries.push_back(std::move(entry));
}

// jq's `error ':' ExpD` rule: after the syntax error, skip to a ':' and blame
// the key for lacking parentheses.
void Parser::object_key_error() {
  std::uint32_t key_start = tok_.start;
  std::string message = "syntax error, unexpected ";
  message += token_name(tok_.kind);
  add_error(tok_.start, tok_.end, message);
  std::uint32_t key_end = tok_.end;
  while (!at(TokenKind::Colon) && !at(TokenKind::Comma) && !at(TokenKind::RBrace) &&
         !at(TokenKind::EndOfFile)) {
    key_end = tok_.end;
    advance();
  }
  if (at(TokenKind::Colon)) {
    add_error(key_start, key_end, "May need parentheses around object key expression");
  }
  throw Abort{};
}

// Object values (jq 1.8): any expression without a top-level `,` (which
// separates entries); `|` is allowed, as in `{x: -. | abs}`.
NodePtr Parser::parse_object_value() {
  DepthGuard guard(*this);
  Position start = tok_.position();
  NodePtr lhs = parse_exp(kAlternative);
  if (!at(TokenKind::Pipe)) return lhs;
  advance();
  NodePtr rhs = parse_object_value();
  NodePtr node = make(Node::Kind::Pipe, start);
  node->lhs = std::move(lhs);
  node->rhs = std::move(rhs);
  return node;
}

void Parser::check_object_key(const Node& key) {
  auto value = constant_value(key);
  if (!value || value->is_string()) return;
  // jq prints the key with jv_dump_string_trunc into a 15-byte buffer.
  std::string dumped = json::to_json(*value);
  if (dumped.size() > 14) dumped = dumped.substr(0, 11) + "...";
  fail(key.pos.offset, key.pos.end,
       "Cannot use " + std::string(value->type_name()) + " (" + dumped + ") as object key");
}

NodePtr Parser::parse_string() {
  Position start = tok_.position();
  std::string format;
  if (at(TokenKind::Format)) {
    format = tok_.text;
    advance();
    if (!at(TokenKind::QQStringStart)) {
      // A format on its own is a filter (`@base64`).
      NodePtr node = make(Node::Kind::Format, start);
      node->name = std::move(format);
      return node;
    }
  }
  advance();  // opening quote
  NodePtr node = make(Node::Kind::StringInterp, start);
  node->format = format;
  std::string pending;
  Position pending_start = tok_.position();
  bool has_interpolation = false;
  for (;;) {
    if (at(TokenKind::QQStringText)) {
      if (pending.empty()) pending_start = tok_.position();
      pending += tok_.text;
      advance();
    } else if (at(TokenKind::QQInterpStart)) {
      if (!pending.empty()) node->parts.push_back(make_string_literal(std::move(pending), pending_start));
      pending.clear();
      advance();
      node->parts.push_back(parse_pipe());
      expect(TokenKind::QQInterpEnd);
      has_interpolation = true;
    } else if (at(TokenKind::QQStringEnd)) {
      advance();
      break;
    } else {
      unexpected("QQSTRING_TEXT or QQSTRING_INTERP_START or QQSTRING_END");
    }
  }
  if (!has_interpolation) {
    // Without interpolation a format string is just its text.
    NodePtr literal = make(Node::Kind::Literal, start);
    literal->value = json::Value::string(std::move(pending));
    return literal;
  }
  if (!pending.empty()) node->parts.push_back(make_string_literal(std::move(pending), pending_start));
  return finish(std::move(node));
}

std::vector<Pattern> Parser::parse_patterns() {
  std::vector<Pattern> patterns;
  patterns.push_back(parse_pattern());
  while (at(TokenKind::Alternation)) {
    advance();
    patterns.push_back(parse_pattern());
  }
  return patterns;
}

Pattern Parser::parse_pattern() {
  DepthGuard guard(*this);
  Pattern pattern;
  if (at(TokenKind::Binding)) {
    pattern.kind = Pattern::Kind::Variable;
    pattern.name = tok_.text;
    advance();
    return pattern;
  }
  if (at(TokenKind::LBracket)) {
    pattern.kind = Pattern::Kind::Array;
    advance();
    for (;;) {
      pattern.elements.push_back(parse_pattern());
      if (at(TokenKind::Comma)) {
        advance();
        continue;
      }
      expect(TokenKind::RBracket, "',' or ']'");
      return pattern;
    }
  }
  if (at(TokenKind::LBrace)) {
    pattern.kind = Pattern::Kind::Object;
    advance();
    for (;;) {
      pattern.fields.push_back(parse_object_pattern_field());
      if (at(TokenKind::Comma)) {
        advance();
        continue;
      }
      expect(TokenKind::RBrace, "',' or '}'");
      return pattern;
    }
  }
  unexpected("BINDING or '[' or '{'");
}

Pattern::Field Parser::parse_object_pattern_field() {
  Pattern::Field field;
  Position start = tok_.position();
  if (at(TokenKind::Binding)) {
    field.key_var = tok_.text;
    advance();
    if (at(TokenKind::Colon)) {
      advance();
      field.value = std::make_unique<Pattern>(parse_pattern());
    }
    return field;
  }
  if (at(TokenKind::Ident) || is_keyword(tok_.kind)) {
    std::string key = at(TokenKind::Ident) ? tok_.text : std::string(keyword_text(tok_.kind));
    advance();
    field.key_expr = make_string_literal(std::move(key), start);
  } else if (starts_string()) {
    field.key_expr = parse_string();
  } else if (at(TokenKind::LParen)) {
    advance();
    field.key_expr = parse_pipe();
    expect(TokenKind::RParen);
    check_object_key(*field.key_expr);
  } else {
    object_key_error();
  }
  expect(TokenKind::Colon, "':'");
  field.value = std::make_unique<Pattern>(parse_pattern());
  return field;
}

// ---------------------------------------------------------------------------
// Constant folding, as jq does at parse time (used for module metadata and
// for rejecting constant non-string object keys).

std::optional<json::Value> fold_binary(BinaryOp op, const json::Value& a, const json::Value& b) {
  if (op == BinaryOp::Add) {
    if (a.is_null()) return b;
    if (b.is_null()) return a;
  }
  if (a.kind() != b.kind()) return std::nullopt;
  if (a.is_number()) {
    double x = a.as_number(), y = b.as_number();
    int cmp = json::compare(a, b);
    switch (op) {
      case BinaryOp::Add: return json::Value::number(x + y);
      case BinaryOp::Sub: return json::Value::number(x - y);
      case BinaryOp::Mul: return json::Value::number(x * y);
      case BinaryOp::Div:
        if (y == 0) return std::nullopt;
        return json::Value::number(x / y);
      case BinaryOp::Mod: {
        auto unsafe = [](double n) { return std::isnan(n) || n < -9.2e18 || n > 9.2e18; };
        if (unsafe(x) || unsafe(y) || static_cast<std::int64_t>(y) == 0) return std::nullopt;
        return json::Value::number(
            static_cast<double>(static_cast<std::int64_t>(x) % static_cast<std::int64_t>(y)));
      }
      case BinaryOp::Eq: return json::Value::boolean(cmp == 0);
      case BinaryOp::Ne: return json::Value::boolean(cmp != 0);
      case BinaryOp::Lt: return json::Value::boolean(cmp < 0);
      case BinaryOp::Le: return json::Value::boolean(cmp <= 0);
      case BinaryOp::Gt: return json::Value::boolean(cmp > 0);
      case BinaryOp::Ge: return json::Value::boolean(cmp >= 0);
      default: return std::nullopt;
    }
  }
  if (op == BinaryOp::Add && a.is_string()) return json::Value::string(a.as_string() + b.as_string());
  return std::nullopt;
}

bool collect_constant_elements(const Node& node, json::Array& out) {
  if (node.kind == Node::Kind::Comma) {
    return collect_constant_elements(*node.lhs, out) && collect_constant_elements(*node.rhs, out);
  }
  auto value = constant_value(node);
  if (!value) return false;
  out.push_back(std::move(*value));
  return true;
}

// --- debug rendering --------------------------------------------------------

void render_literal(const json::Value& value, std::string& out) {
  switch (value.kind()) {
    case json::Kind::Null: out += "null"; break;
    case json::Kind::False: out += "false"; break;
    case json::Kind::True: out += "true"; break;
    case json::Kind::Number: {
      if (const std::string* text = value.number_literal_text()) {
        out += *text;
      } else {
        out += json::format_number(value.as_number());
      }
      break;
    }
    case json::Kind::String: {
      out += '"';
      for (char c : value.as_string()) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
          out += "\\n";
          continue;
        }
        out += c;
      }
      out += '"';
      break;
    }
    default: out += json::to_json(value); break;
  }
}

void render(const Node* node, std::string& out);
void render(const Pattern& pattern, std::string& out);

void render_list(std::string_view head, std::initializer_list<const Node*> items, std::string& out) {
  out += '(';
  out += head;
  for (const Node* item : items) {
    out += ' ';
    render(item, out);
  }
  out += ')';
}

std::string_view binary_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Mod: return "%";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::And: return "and";
    case BinaryOp::Or: return "or";
    case BinaryOp::Alternative: return "//";
  }
  return "?";
}

std::string_view assign_name(AssignOp op) {
  switch (op) {
    case AssignOp::Set: return "=";
    case AssignOp::Update: return "|=";
    case AssignOp::AddUpdate: return "+=";
    case AssignOp::SubUpdate: return "-=";
    case AssignOp::MulUpdate: return "*=";
    case AssignOp::DivUpdate: return "/=";
    case AssignOp::ModUpdate: return "%=";
    case AssignOp::AltUpdate: return "//=";
  }
  return "?";
}

void render_patterns(const std::vector<Pattern>& patterns, std::string& out) {
  for (std::size_t i = 0; i < patterns.size(); i++) {
    if (i > 0) out += " ?// ";
    render(patterns[i], out);
  }
}

void render(const Pattern& pattern, std::string& out) {
  switch (pattern.kind) {
    case Pattern::Kind::Variable: out += '$' + pattern.name; break;
    case Pattern::Kind::Array:
      out += '[';
      for (std::size_t i = 0; i < pattern.elements.size(); i++) {
        if (i > 0) out += ' ';
        render(pattern.elements[i], out);
      }
      out += ']';
      break;
    case Pattern::Kind::Object:
      out += '{';
      for (std::size_t i = 0; i < pattern.fields.size(); i++) {
        const auto& field = pattern.fields[i];
        if (i > 0) out += ' ';
        if (!field.key_var.empty()) {
          out += '$' + field.key_var;
        } else {
          render(field.key_expr.get(), out);
        }
        if (field.value) {
          out += ':';
          render(*field.value, out);
        }
      }
      out += '}';
      break;
  }
}

void render(const Node* node, std::string& out) {
  if (node == nullptr) {
    out += '_';
    return;
  }
  using K = Node::Kind;
  switch (node->kind) {
    case K::Identity: out += '.'; break;
    case K::RecurseDefault: out += ".."; break;
    case K::Literal: render_literal(node->value, out); break;
    case K::Format: out += node->name; break;
    case K::StringInterp:
      out += "(interp";
      if (!node->format.empty()) out += ' ' + node->format;
      for (const auto& part : node->parts) {
        out += ' ';
        render(part.get(), out);
      }
      out += ')';
      break;
    case K::Index: render_list("index", {node->target.get(), node->index.get()}, out); break;
    case K::Slice:
      render_list("slice", {node->target.get(), node->from.get(), node->to.get()}, out);
      break;
    case K::Iterate: render_list("iterate", {node->target.get()}, out); break;
    case K::Try:
      if (node->handler) {
        render_list("try", {node->body.get(), node->handler.get()}, out);
      } else {
        render_list("try", {node->body.get()}, out);
      }
      break;
    case K::ArrayCons:
      if (node->body) {
        render_list("array", {node->body.get()}, out);
      } else {
        out += "(array)";
      }
      break;
    case K::ObjectCons:
      out += "(object";
      for (const auto& entry : node->entries) {
        out += " (";
        if (!entry.key_var.empty()) {
          out += '$' + entry.key_var;
        } else {
          render(entry.key_expr.get(), out);
        }
        if (entry.value) {
          out += ' ';
          render(entry.value.get(), out);
        }
        out += ')';
      }
      out += ')';
      break;
    case K::Negate: render_list("neg", {node->body.get()}, out); break;
    case K::Pipe: render_list("pipe", {node->lhs.get(), node->rhs.get()}, out); break;
    case K::Comma: render_list("comma", {node->lhs.get(), node->rhs.get()}, out); break;
    case K::Binary: render_list(binary_name(node->op), {node->lhs.get(), node->rhs.get()}, out); break;
    case K::Assign:
      render_list(assign_name(node->assign_op), {node->lhs.get(), node->rhs.get()}, out);
      break;
    case K::If:
      if (node->else_branch) {
        render_list("if", {node->cond.get(), node->then_branch.get(), node->else_branch.get()}, out);
      } else {
        render_list("if", {node->cond.get(), node->then_branch.get()}, out);
      }
      break;
    case K::Reduce:
    case K::Foreach:
      out += node->kind == K::Reduce ? "(reduce " : "(foreach ";
      render(node->source.get(), out);
      out += ' ';
      render_patterns(node->patterns, out);
      out += ' ';
      render(node->init.get(), out);
      out += ' ';
      render(node->update.get(), out);
      if (node->extract) {
        out += ' ';
        render(node->extract.get(), out);
      }
      out += ')';
      break;
    case K::FuncDefs:
      out += "(defs";
      for (const auto& def : node->functions) {
        out += " (def " + def->name;
        if (!def->params.empty()) {
          out += '(';
          for (std::size_t i = 0; i < def->params.size(); i++) {
            if (i > 0) out += "; ";
            if (def->params[i].value_param) out += '$';
            out += def->params[i].name;
          }
          out += ')';
        }
        out += ' ';
        render(def->body.get(), out);
        out += ')';
      }
      out += ' ';
      render(node->body.get(), out);
      out += ')';
      break;
    case K::Call:
      out += "(call " + node->name;
      for (const auto& arg : node->args) {
        out += ' ';
        render(arg.get(), out);
      }
      out += ')';
      break;
    case K::Variable: out += '$' + node->name; break;
    case K::As:
      out += "(as ";
      render(node->source.get(), out);
      out += ' ';
      render_patterns(node->patterns, out);
      out += ' ';
      render(node->body.get(), out);
      out += ')';
      break;
    case K::Label:
      out += "(label $" + node->name + ' ';
      render(node->body.get(), out);
      out += ')';
      break;
    case K::Break: out += "(break $" + node->name + ')'; break;
    case K::Optional: render_list("optional", {node->body.get()}, out); break;
  }
}

}  // namespace

std::optional<json::Value> constant_value(const Node& node) {
  switch (node.kind) {
    case Node::Kind::Literal: return node.value;
    case Node::Kind::ArrayCons: {
      json::Array elements;
      if (node.body && !collect_constant_elements(*node.body, elements)) return std::nullopt;
      return json::Value::array(std::move(elements));
    }
    case Node::Kind::ObjectCons: {
      json::Object object;
      for (const auto& entry : node.entries) {
        if (!entry.key_expr || !entry.value) return std::nullopt;
        auto key = constant_value(*entry.key_expr);
        auto value = constant_value(*entry.value);
        if (!key || !value || !key->is_string()) return std::nullopt;
        object.set(key->as_string(), std::move(*value));
      }
      return json::Value::object(std::move(object));
    }
    case Node::Kind::Binary: {
      if (node.op == BinaryOp::And || node.op == BinaryOp::Or || node.op == BinaryOp::Alternative) {
        return std::nullopt;
      }
      // jq folds only single constants (literals), not nested constructions.
      if (node.lhs->kind != Node::Kind::Literal && node.lhs->kind != Node::Kind::Binary) return std::nullopt;
      if (node.rhs->kind != Node::Kind::Literal && node.rhs->kind != Node::Kind::Binary) return std::nullopt;
      auto a = constant_value(*node.lhs);
      auto b = constant_value(*node.rhs);
      if (!a || !b) return std::nullopt;
      return fold_binary(node.op, *a, *b);
    }
    default: return std::nullopt;
  }
}

std::string locate_message(std::string_view message, std::string_view source,
                           std::string_view file_name, std::uint32_t start, std::uint32_t end) {
  if (start > source.size()) start = static_cast<std::uint32_t>(source.size());
  std::size_t line_start = source.rfind('\n', start == 0 ? std::string_view::npos : start - 1);
  line_start = (line_start == std::string_view::npos || start == 0) ? 0 : line_start + 1;
  if (start == 0) line_start = 0;
  std::size_t line_end = source.find('\n', start);
  if (line_end == std::string_view::npos) line_end = source.size();
  std::size_t line_number = 1;
  for (std::size_t i = 0; i < line_start; i++) {
    if (source[i] == '\n') line_number++;
  }
  std::size_t underline_end = std::min<std::size_t>(end, line_end);
  std::size_t carets = underline_end > start ? underline_end - start : 1;

  std::string out(message);
  out += " at ";
  out += file_name;
  out += ", line " + std::to_string(line_number) + ", column " +
         std::to_string(start - line_start + 1) + ":\n    ";
  out += source.substr(line_start, line_end - line_start);
  out += "\n    ";
  out.append(start - line_start, ' ');
  out.append(carets, '^');
  return out;
}

std::string compile_error_text(const std::vector<std::string>& located_messages) {
  std::string out;
  for (std::size_t i = 0; i < located_messages.size(); i++) {
    if (i > 0) out += "\njq: error: ";
    out += located_messages[i];
  }
  std::size_t n = located_messages.size();
  out += "\njq: " + std::to_string(n) + " compile error" + (n == 1 ? "" : "s");
  return out;
}

Program parse_program(std::string_view source, std::string_view file_name) {
  Parser parser(source, file_name);
  Program program;
  try {
    program = parser.parse_program();
  } catch (const Abort&) {
    throw CompileError(compile_error_text(parser.errors()));
  }
  program.source = std::string(source);
  return program;
}

std::string debug_string(const Node& node) {
  std::string out;
  render(&node, out);
  return out;
}

std::string debug_string(const Pattern& pattern) {
  std::string out;
  render(pattern, out);
  return out;
}

std::string debug_string(const Program& program) {
  std::string out = "(program";
  if (!program.module_metadata.is_null()) out += " (module " + json::to_json(program.module_metadata) + ")";
  for (const auto& import : program.imports) {
    out += import.is_include ? " (include \"" : " (import \"";
    out += import.path + "\"";
    if (!import.is_include) out += std::string(" as ") + (import.is_data ? "$" : "") + import.alias;
    if (!import.metadata.is_null()) out += ' ' + json::to_json(import.metadata);
    out += ')';
  }
  out += ' ';
  render(program.body.get(), out);
  out += ')';
  return out;
}

}  // namespace netinspect::jq
