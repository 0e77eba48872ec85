// netinspect::diagnose — the expression language of Fuchsia triage configs:
// numbers, 'strings', names (`name`, `file::name`), `[vectors]`, arithmetic
// `+ - * / // /? //?`, comparisons `> < >= <= == !=`, and the functions
// And Or Not Max Min Sum Count Missing Problem Abs Fn Map Fold Filter Apply
// Option Annotation SyslogHas KlogHas BootlogHas StringMatches Now True False
// Nanos Micros Millis Seconds Minutes Hours Days CountProperties CountChildren.
//
// A selector without a property (`INSPECT:c:root/Sockets/*`) yields one Node
// per selected node; CountChildren counts the Nodes of a vector,
// CountProperties the other (property) values.
//
// A value is a Metric; a name that has no data evaluates to Missing, which
// flows through arithmetic and comparisons, so a warning whose inputs are
// absent simply does not fire.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace netinspect::diagnose {

struct Expr;
struct Lambda;

struct Metric {
  enum class Kind { Int, Float, Bool, String, Vector, Lambda, Missing, Problem, Node };
  Kind kind = Kind::Missing;
  std::int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;  // the string, or why it is Missing / a Problem
  std::shared_ptr<const std::vector<Metric>> v;
  std::shared_ptr<const Lambda> fn;

  static Metric integer(std::int64_t x) { Metric m; m.kind = Kind::Int; m.i = x; return m; }
  static Metric real(double x) { Metric m; m.kind = Kind::Float; m.f = x; return m; }
  static Metric boolean(bool x) { Metric m; m.kind = Kind::Bool; m.b = x; return m; }
  static Metric string(std::string x) { Metric m; m.kind = Kind::String; m.s = std::move(x); return m; }
  static Metric vector(std::vector<Metric> x) {
    Metric m; m.kind = Kind::Vector; m.v = std::make_shared<const std::vector<Metric>>(std::move(x)); return m;
  }
  static Metric missing(std::string why) { Metric m; m.kind = Kind::Missing; m.s = std::move(why); return m; }
  static Metric problem(std::string why) { Metric m; m.kind = Kind::Problem; m.s = std::move(why); return m; }
  // An Inspect node picked by a selector without a property; `s` is its name.
  static Metric node(std::string name) { Metric m; m.kind = Kind::Node; m.s = std::move(name); return m; }

  bool is_number() const { return kind == Kind::Int || kind == Kind::Float; }
  bool is_absent() const { return kind == Kind::Missing || kind == Kind::Problem; }
  double number() const { return kind == Kind::Int ? static_cast<double>(i) : f; }
  bool is_true() const { return kind == Kind::Bool && b; }
};

// A JSON value as a Metric (numbers integral when they fit an int64).
Metric metric_from_json(const json::Value& value);
json::Value metric_to_json(const Metric& metric);  // Missing/Problem -> null, Node -> its name
std::string metric_text(const Metric& metric);     // for tables and messages

struct Expr {
  enum class Type { Literal, Name, Vector, Call, Binary, Negate };
  Type type = Type::Literal;
  Metric literal;
  std::string name;  // Name: as written ("x", "file::x"); Call: the function; Binary: the operator
  std::vector<std::shared_ptr<const Expr>> args;
};
using ExprPtr = std::shared_ptr<const Expr>;

struct Lambda {
  std::vector<std::string> params;
  ExprPtr body;
};

class ExprError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ExprError ("unknown function 'Foo'", "expected ')' at column 7").
ExprPtr parse_expression(std::string_view text);

// Every name the expression reads (lambda parameters excluded), as written.
void referenced_names(const Expr& expr, std::vector<std::string>& out);

// What names, annotations and the clock mean; the config evaluator provides it.
class Resolver {
 public:
  virtual ~Resolver() = default;
  virtual Metric lookup(std::string_view name) = 0;
  virtual Metric annotation(std::string_view key) = 0;
  virtual std::optional<std::int64_t> now_ns() = 0;
};

Metric evaluate(const Expr& expr, Resolver& resolver);

}  // namespace netinspect::diagnose
