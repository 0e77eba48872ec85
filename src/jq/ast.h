// netinspect::jq — the abstract syntax tree the parser builds and the evaluator runs.
//
// One node type with a kind tag keeps the parser and evaluator simple; the
// fields a kind uses are listed next to it. Nodes are owned by unique_ptr and
// never change after parsing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "json/value.h"

namespace netinspect::jq {

struct Node;
using NodePtr = std::unique_ptr<Node>;

// Where a node starts in the program text (1-based line, 0-based column, byte offset)
// and where it ends.
struct Position {
  std::uint32_t line = 1;
  std::uint32_t column = 0;
  std::uint32_t offset = 0;
  std::uint32_t end = 0;  // byte offset just past the node's text (for error carets)
};

enum class BinaryOp : std::uint8_t {
  Add, Sub, Mul, Div, Mod,
  Eq, Ne, Lt, Le, Gt, Ge,
  And, Or,
  Alternative,  // a // b
};

enum class AssignOp : std::uint8_t {
  Set,          // a = b
  Update,       // a |= b
  AddUpdate,    // a += b
  SubUpdate,    // a -= b
  MulUpdate,    // a *= b
  DivUpdate,    // a /= b
  ModUpdate,    // a %= b
  AltUpdate,    // a //= b
};

// A destructuring pattern: `$x`, `[$a, $b]`, `{a: $x, $b, "k": [$c], (expr): $d, $e: pattern}`.
struct Pattern {
  enum class Kind : std::uint8_t { Variable, Array, Object };
  Kind kind = Kind::Variable;
  std::string name;                   // Variable: name without '$'
  std::vector<Pattern> elements;      // Array
  struct Field {
    // Exactly one key form is set: key_var (`$name`, which also binds), or
    // key_expr (a string literal, interpolated string, ident or `(expr)`).
    std::string key_var;              // `$name` / `$name: pattern`
    NodePtr key_expr;                 // evaluated against the original input
    std::unique_ptr<Pattern> value;   // may be null only when key_var is set
  };
  std::vector<Field> fields;          // Object
};

struct FunctionDef;

struct Node {
  enum class Kind : std::uint8_t {
    Identity,        // .
    RecurseDefault,  // ..  (recurse)
    Literal,         // value: number, string, true, false, null
    Format,          // name: "@base64" etc. used as a filter
    StringInterp,    // format: "" or "@base64"...; parts: literal strings (Literal nodes) and exprs
    Index,           // target (may be null = `.`), index: key or number expr;  `.foo`, `.[e]`, `."k"`, `$x.foo`
    Slice,           // target (may be null), from (may be null), to (may be null)
    Iterate,         // target (may be null): `.[]`
    Try,             // body, handler (may be null): `try a catch b`, postfix `a?`
    ArrayCons,       // body (may be null for `[]`)
    ObjectCons,      // entries
    Negate,          // body: `-e`
    Pipe,            // lhs | rhs
    Comma,           // lhs , rhs
    Binary,          // op, lhs, rhs
    Assign,          // assign_op, lhs, rhs
    If,              // cond, then_branch, else_branch (may be null: `if c then a end` = else .)
                     // elif chains are nested If nodes in else_branch
    Reduce,          // source, pattern, init, update
    Foreach,         // source, pattern, init, update, extract (may be null)
    FuncDefs,        // functions (defined in order, each sees earlier ones and itself), body
    Call,            // name, args (filter arguments); resolved by the evaluator
    Variable,        // name without '$' ("__loc__" and "ENV" included)
    As,              // source, patterns (>1 for `?//` alternatives), body
    Label,           // name, body
    Break,           // name
    Optional,        // unused by the parser (postfix `?` is Try); reserved
  };

  Kind kind = Kind::Identity;
  Position pos;

  json::Value value;          // Literal
  std::string name;           // Format, Call, Variable, Label, Break
  std::string format;         // StringInterp: "" for plain strings, "@base64" etc.

  BinaryOp op = BinaryOp::Add;
  AssignOp assign_op = AssignOp::Set;

  NodePtr target, index, from, to;                 // Index, Slice, Iterate
  NodePtr body, handler;                           // Try, ArrayCons, Negate, FuncDefs, As, Label
  NodePtr lhs, rhs;                                // Pipe, Comma, Binary, Assign
  NodePtr cond, then_branch, else_branch;          // If
  NodePtr source, init, update, extract;           // Reduce, Foreach, As (source)
  std::vector<NodePtr> parts;                      // StringInterp
  std::vector<NodePtr> args;                       // Call
  std::vector<Pattern> patterns;                   // Reduce/Foreach: exactly one; As: one or more

  struct ObjectEntry {
    // Key: key_expr evaluates to the key string (a Literal string for `a:` /
    // `"a":` / keyword keys, StringInterp, Format-string, or any `(expr)`).
    // `$x` shorthand: key_var = "x", no key_expr, no value -> {"x": $x}.
    // `$__loc__` shorthand likewise. `{a}` shorthand: key_expr Literal "a", value null -> .a
    NodePtr key_expr;
    std::string key_var;
    NodePtr value;  // null for shorthands
  };
  std::vector<ObjectEntry> entries;                // ObjectCons

  std::vector<std::shared_ptr<FunctionDef>> functions;  // FuncDefs
};

// `def name(f; $g): body;` — params keep the '$' marker in `value_param`.
struct FunctionDef {
  std::string name;
  struct Param {
    std::string name;        // without '$'
    bool value_param = false;  // declared as `$name`: bound as a variable (and also callable as name/0)
  };
  std::vector<Param> params;
  NodePtr body;
  Position pos;
};

// A whole program: module directive / imports (issue 3) plus top-level defs and body.
struct Import {
  std::string path;        // "foo/bar"
  std::string alias;       // `as name` or `as $name` (data import: is_data)
  bool is_data = false;
  bool is_include = false;  // `include "x";`
  json::Value metadata;     // optional `{...}` after the path
};

struct Program {
  json::Value module_metadata;      // `module {...};` or null
  std::vector<Import> imports;
  NodePtr body;                     // may be a FuncDefs node; null body means `.`
  std::string source;               // the program text, for error positions
};

}  // namespace netinspect::jq
