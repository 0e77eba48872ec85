#include "diagnose/expr.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "jq/jq.h"
#include "json/write.h"

namespace netinspect::diagnose {

namespace {

using Kind = Metric::Kind;

// Function name -> (min args, max args; -1 = any).
const std::map<std::string, std::pair<int, int>, std::less<>>& functions() {
  static const std::map<std::string, std::pair<int, int>, std::less<>> kFunctions = {
      {"And", {1, -1}},      {"Or", {1, -1}},        {"Not", {1, 1}},          {"Max", {0, -1}},
      {"Min", {0, -1}},      {"Sum", {0, -1}},       {"Count", {1, 1}},        {"Missing", {1, 1}},
      {"Problem", {1, 1}},   {"Abs", {1, 1}},        {"Fn", {2, 2}},           {"Map", {2, -1}},
      {"Fold", {2, 3}},      {"Filter", {2, 2}},     {"Apply", {2, 2}},        {"Option", {1, -1}},
      {"Annotation", {1, 1}}, {"SyslogHas", {1, 1}}, {"KlogHas", {1, 1}},      {"BootlogHas", {1, 1}},
      {"StringMatches", {2, 2}}, {"Now", {0, 0}},    {"True", {0, 0}},         {"False", {0, 0}},
      {"Nanos", {1, 1}},     {"Micros", {1, 1}},     {"Millis", {1, 1}},       {"Seconds", {1, 1}},
      {"Minutes", {1, 1}},   {"Hours", {1, 1}},      {"Days", {1, 1}},         {"CountProperties", {1, 1}},
      {"CountChildren", {1, 1}},
  };
  return kFunctions;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  ExprPtr parse() {
    ExprPtr e = comparison();
    skip();
    if (pos_ < text_.size()) fail("unexpected '" + std::string(text_.substr(pos_, 1)) + "'");
    return e;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ExprError(what + " at column " + std::to_string(pos_ + 1));
  }
  void skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool eat(std::string_view token) {
    skip();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  static ExprPtr binary(std::string op, ExprPtr a, ExprPtr b) {
    auto e = std::make_shared<Expr>();
    e->type = Expr::Type::Binary;
    e->name = std::move(op);
    e->args = {std::move(a), std::move(b)};
    return e;
  }

  ExprPtr comparison() {
    // Bounded recursion: a hostile config must not overflow the stack.
    if (++depth_ > 256) fail("expression nested too deeply");
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{depth_};
    ExprPtr left = additive();
    for (std::string_view op : {">=", "<=", "==", "!=", ">", "<"}) {
      if (eat(op)) return binary(std::string(op), left, additive());
    }
    return left;
  }
  ExprPtr additive() {
    ExprPtr left = multiplicative();
    for (;;) {
      if (eat("+")) left = binary("+", left, multiplicative());
      else if (eat("-")) left = binary("-", left, multiplicative());
      else return left;
    }
  }
  ExprPtr multiplicative() {
    ExprPtr left = unary();
    for (;;) {
      std::string op;
      for (std::string_view candidate : {"//?", "//", "/?", "/", "*"}) {
        if (eat(candidate)) {
          op = candidate;
          break;
        }
      }
      if (op.empty()) return left;
      left = binary(op, left, unary());
    }
  }
  ExprPtr unary() {
    skip();
    if (pos_ < text_.size() && text_[pos_] == '-' &&
        !(pos_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      ++pos_;
      auto e = std::make_shared<Expr>();
      e->type = Expr::Type::Negate;
      if (++depth_ > 256) fail("expression nested too deeply");
      e->args = {unary()};
      --depth_;
      return e;
    }
    return primary();
  }
  ExprPtr primary() {
    skip();
    if (pos_ >= text_.size()) fail("unexpected end of expression");
    char c = text_[pos_];
    auto e = std::make_shared<Expr>();
    if (c == '(') {
      ++pos_;
      ExprPtr inner = comparison();
      if (!eat(")")) fail("expected ')'");
      return inner;
    }
    if (c == '[') {
      ++pos_;
      e->type = Expr::Type::Vector;
      e->args = list(']');
      return e;
    }
    if (c == '\'' || c == '"') {
      std::size_t end = text_.find(c, pos_ + 1);
      if (end == std::string_view::npos) fail("unterminated string");
      e->literal = Metric::string(std::string(text_.substr(pos_ + 1, end - pos_ - 1)));
      pos_ = end + 1;
      return e;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      std::size_t start = pos_;
      if (c == '-') ++pos_;
      bool real = false;
      while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
                                     text_[pos_] == 'e' || text_[pos_] == 'E' ||
                                     ((text_[pos_] == '+' || text_[pos_] == '-') &&
                                      (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')))) {
        real |= !std::isdigit(static_cast<unsigned char>(text_[pos_]));
        ++pos_;
      }
      std::string literal(text_.substr(start, pos_ - start));
      char* end = nullptr;
      if (real) {
        double v = std::strtod(literal.c_str(), &end);
        if (*end) fail("bad number '" + literal + "'");
        e->literal = Metric::real(v);
      } else {
        errno = 0;
        long long v = std::strtoll(literal.c_str(), &end, 10);
        if (*end || errno) fail("bad number '" + literal + "'");
        e->literal = Metric::integer(v);
      }
      return e;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t start = pos_;
      auto ident = [&] {
        while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
          ++pos_;
      };
      ident();
      if (text_.substr(pos_, 2) == "::") {
        pos_ += 2;
        ident();
      }
      std::string word(text_.substr(start, pos_ - start));
      skip();
      if (pos_ < text_.size() && text_[pos_] == '(') {
        auto it = functions().find(word);
        if (it == functions().end()) {
          pos_ = start;
          fail("unknown function '" + word + "'");
        }
        ++pos_;
        e->type = Expr::Type::Call;
        e->name = word;
        e->args = list(')');
        int n = static_cast<int>(e->args.size());
        if (n < it->second.first || (it->second.second >= 0 && n > it->second.second))
          fail(word + "() takes " + std::to_string(it->second.first) +
               (it->second.second == it->second.first ? "" : " or more") + " arguments, not " + std::to_string(n));
        if (word == "Fn") {
          const Expr& params = *e->args[0];
          bool ok = params.type == Expr::Type::Vector;
          for (const ExprPtr& p : params.args) ok &= p->type == Expr::Type::Name;
          if (!ok) fail("Fn() needs a [list, of, names] first");
        }
        return e;
      }
      e->type = Expr::Type::Name;
      e->name = word;
      return e;
    }
    fail(std::string("unexpected '") + c + "'");
  }
  std::vector<ExprPtr> list(char close) {
    std::vector<ExprPtr> out;
    skip();
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;
      return out;
    }
    for (;;) {
      out.push_back(comparison());
      skip();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        skip();
        if (pos_ < text_.size() && text_[pos_] == close) {  // trailing comma
          ++pos_;
          return out;
        }
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == close) {
        ++pos_;
        return out;
      }
      fail(std::string("expected ',' or '") + close + "'");
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

void collect_names(const Expr& expr, const std::set<std::string>& bound, std::vector<std::string>& out) {
  if (expr.type == Expr::Type::Name) {
    if (!bound.count(expr.name)) out.push_back(expr.name);
    return;
  }
  if (expr.type == Expr::Type::Call && expr.name == "Fn") {
    std::set<std::string> inner = bound;
    for (const ExprPtr& p : expr.args[0]->args) inner.insert(p->name);
    collect_names(*expr.args[1], inner, out);
    return;
  }
  for (const ExprPtr& arg : expr.args) collect_names(*arg, bound, out);
}

class Evaluator {
 public:
  explicit Evaluator(Resolver& resolver) : resolver_(resolver) {}

  Metric eval(const Expr& e) {
    switch (e.type) {
      case Expr::Type::Literal:
        return e.literal;
      case Expr::Type::Name:
        for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
          auto found = it->find(e.name);
          if (found != it->end()) return found->second;
        }
        return resolver_.lookup(e.name);
      case Expr::Type::Vector: {
        std::vector<Metric> items;
        for (const ExprPtr& arg : e.args) items.push_back(eval(*arg));
        return Metric::vector(std::move(items));
      }
      case Expr::Type::Negate: {
        Metric m = eval(*e.args[0]);
        if (m.kind == Kind::Int) return Metric::integer(-m.i);
        if (m.kind == Kind::Float) return Metric::real(-m.f);
        return m.is_absent() ? m : Metric::problem("cannot negate " + metric_text(m));
      }
      case Expr::Type::Binary: {
        Metric left = eval(*e.args[0]);  // sequenced: evidence lists operands left to right
        Metric right = eval(*e.args[1]);
        return binary(e.name, left, right);
      }
      case Expr::Type::Call:
        return call(e);
    }
    return Metric::problem("bad expression");
  }

 private:
  static Metric binary(const std::string& op, const Metric& a, const Metric& b) {
    if (a.is_absent()) return a;
    if (b.is_absent()) return b;
    if (op == "==" || op == "!=") {
      bool same;
      if (a.is_number() && b.is_number()) same = a.number() == b.number();
      else if (a.kind != b.kind) same = false;
      else if (a.kind == Kind::String) same = a.s == b.s;
      else if (a.kind == Kind::Bool) same = a.b == b.b;
      else return Metric::problem("cannot compare " + metric_text(a) + " and " + metric_text(b));
      return Metric::boolean(op == "==" ? same : !same);
    }
    if (!a.is_number() || !b.is_number())
      return Metric::problem("'" + op + "' needs numbers, not " + metric_text(a) + " and " + metric_text(b));
    if (op == ">") return Metric::boolean(a.number() > b.number());
    if (op == "<") return Metric::boolean(a.number() < b.number());
    if (op == ">=") return Metric::boolean(a.number() >= b.number());
    if (op == "<=") return Metric::boolean(a.number() <= b.number());
    bool ints = a.kind == Kind::Int && b.kind == Kind::Int;
    if (op == "+") return ints ? Metric::integer(a.i + b.i) : Metric::real(a.number() + b.number());
    if (op == "-") return ints ? Metric::integer(a.i - b.i) : Metric::real(a.number() - b.number());
    if (op == "*") return ints ? Metric::integer(a.i * b.i) : Metric::real(a.number() * b.number());
    bool zero = b.number() == 0;
    if (zero) return op.back() == '?' ? Metric::missing("division by zero") : Metric::problem("division by zero");
    if (op == "/" || op == "/?") return Metric::real(a.number() / b.number());
    // `//`: integer (floor) division.
    if (ints) {
      std::int64_t q = a.i / b.i;
      if ((a.i % b.i != 0) && ((a.i < 0) != (b.i < 0))) --q;
      return Metric::integer(q);
    }
    return Metric::real(std::floor(a.number() / b.number()));
  }

  static void flatten(const Metric& m, std::vector<Metric>& out) {
    if (m.kind == Kind::Vector) {
      for (const Metric& item : *m.v) flatten(item, out);
    } else {
      out.push_back(m);
    }
  }

  Metric apply(const Metric& fn, const std::vector<Metric>& args) {
    if (fn.kind != Kind::Lambda) return fn.is_absent() ? fn : Metric::problem("not a function: " + metric_text(fn));
    if (fn.fn->params.size() != args.size())
      return Metric::problem("function of " + std::to_string(fn.fn->params.size()) + " arguments called with " +
                             std::to_string(args.size()));
    if (scopes_.size() > 200) return Metric::problem("functions nested too deeply");
    std::map<std::string, Metric, std::less<>> scope;
    for (std::size_t k = 0; k < args.size(); ++k) scope[fn.fn->params[k]] = args[k];
    scopes_.push_back(std::move(scope));
    Metric result = eval(*fn.fn->body);
    scopes_.pop_back();
    return result;
  }

  Metric call(const Expr& e) {
    const std::string& f = e.name;
    auto arg = [&](std::size_t k) { return eval(*e.args[k]); };
    if (f == "And" || f == "Or") {
      bool is_and = f == "And";
      for (std::size_t k = 0; k < e.args.size(); ++k) {
        Metric m = arg(k);
        if (m.is_absent()) return m;
        if (m.kind != Kind::Bool) return Metric::problem(f + "() needs booleans, not " + metric_text(m));
        if (m.b != is_and) return Metric::boolean(m.b);
      }
      return Metric::boolean(is_and);
    }
    if (f == "Not") {
      Metric m = arg(0);
      if (m.is_absent()) return m;
      if (m.kind != Kind::Bool) return Metric::problem("Not() needs a boolean, not " + metric_text(m));
      return Metric::boolean(!m.b);
    }
    if (f == "Max" || f == "Min" || f == "Sum") {
      std::vector<Metric> items;
      for (std::size_t k = 0; k < e.args.size(); ++k) flatten(arg(k), items);
      if (items.empty()) return f == "Sum" ? Metric::integer(0) : Metric::missing(f + "() of nothing");
      Metric acc = f == "Sum" ? Metric::integer(0) : items[0];
      for (const Metric& m : items) {
        if (m.is_absent()) return m;
        if (!m.is_number()) return Metric::problem(f + "() needs numbers, not " + metric_text(m));
        if (f == "Sum") acc = binary("+", acc, m);
        else if (f == "Max" ? m.number() > acc.number() : m.number() < acc.number()) acc = m;
      }
      return acc;
    }
    if (f == "Count") {
      Metric m = arg(0);
      if (m.is_absent()) return m;
      return Metric::integer(m.kind == Kind::Vector ? static_cast<std::int64_t>(m.v->size()) : 1);
    }
    if (f == "Missing") return Metric::boolean(arg(0).is_absent());
    if (f == "Problem") return Metric::boolean(arg(0).kind == Kind::Problem);
    if (f == "Abs") {
      Metric m = arg(0);
      if (m.kind == Kind::Int) return Metric::integer(m.i < 0 ? -m.i : m.i);
      if (m.kind == Kind::Float) return Metric::real(std::fabs(m.f));
      return m.is_absent() ? m : Metric::problem("Abs() needs a number");
    }
    if (f == "Fn") {
      auto lambda = std::make_shared<Lambda>();
      for (const ExprPtr& p : e.args[0]->args) lambda->params.push_back(p->name);
      lambda->body = e.args[1];
      Metric m;
      m.kind = Kind::Lambda;
      m.fn = std::move(lambda);
      return m;
    }
    if (f == "Apply") {
      Metric fn = arg(0), list = arg(1);
      if (list.is_absent()) return list;
      if (list.kind != Kind::Vector) return Metric::problem("Apply() needs a vector of arguments");
      return apply(fn, *list.v);
    }
    if (f == "Map") {
      Metric fn = arg(0);
      std::vector<Metric> lists;
      std::size_t length = 0;
      bool any_vector = false;
      for (std::size_t k = 1; k < e.args.size(); ++k) {
        lists.push_back(arg(k));
        if (lists.back().is_absent()) return lists.back();
        if (lists.back().kind == Kind::Vector) {
          length = any_vector ? std::min(length, lists.back().v->size()) : lists.back().v->size();
          any_vector = true;
        }
      }
      if (!any_vector) return Metric::problem("Map() needs at least one vector");
      std::vector<Metric> out;
      for (std::size_t n = 0; n < length; ++n) {
        std::vector<Metric> args;
        for (const Metric& l : lists) args.push_back(l.kind == Kind::Vector ? (*l.v)[n] : l);
        out.push_back(apply(fn, args));
      }
      return Metric::vector(std::move(out));
    }
    if (f == "Fold") {
      Metric fn = arg(0), list = arg(1);
      if (list.is_absent()) return list;
      if (list.kind != Kind::Vector) return Metric::problem("Fold() needs a vector");
      std::size_t start = 0;
      Metric acc;
      if (e.args.size() == 3) {
        acc = arg(2);
      } else {
        if (list.v->empty()) return Metric::missing("Fold() of an empty vector without a start value");
        acc = (*list.v)[0];
        start = 1;
      }
      for (std::size_t n = start; n < list.v->size(); ++n) acc = apply(fn, {acc, (*list.v)[n]});
      return acc;
    }
    if (f == "Filter") {
      Metric fn = arg(0), list = arg(1);
      if (list.is_absent()) return list;
      if (list.kind != Kind::Vector) return Metric::problem("Filter() needs a vector");
      std::vector<Metric> out;
      for (const Metric& item : *list.v) {
        Metric keep = apply(fn, {item});
        if (keep.is_absent()) return keep;
        if (keep.is_true()) out.push_back(item);
      }
      return Metric::vector(std::move(out));
    }
    if (f == "Option") {
      Metric last;
      for (std::size_t k = 0; k < e.args.size(); ++k) {
        last = arg(k);
        if (!last.is_absent()) return last;
      }
      return last;
    }
    if (f == "Annotation") {
      Metric key = arg(0);
      if (key.kind != Kind::String) return key.is_absent() ? key : Metric::problem("Annotation() needs a string");
      return resolver_.annotation(key.s);
    }
    if (f == "SyslogHas" || f == "KlogHas" || f == "BootlogHas") return Metric::missing("no logs in the snapshot");
    if (f == "StringMatches") {
      Metric s = arg(0), re = arg(1);
      if (s.is_absent()) return s;
      if (re.is_absent()) return re;
      if (s.kind != Kind::String || re.kind != Kind::String) return Metric::problem("StringMatches() needs strings");
      // jq's `test` (Oniguruma) rather than std::regex: one regex engine in the project.
      static const jq::Compiled kTest = jq::Compiled::compile(".[1] as $re | .[0] | test($re)");
      try {
        jq::Environment env;
        bool matched = false;
        kTest.run(json::Value::array({json::Value::string(s.s), json::Value::string(re.s)}), env,
                  [&](const json::Value& out) { matched = out.truthy(); });
        return Metric::boolean(matched);
      } catch (const std::exception&) {
        return Metric::problem("bad regular expression '" + re.s + "'");
      }
    }
    if (f == "Now") {
      auto now = resolver_.now_ns();
      return now ? Metric::integer(*now) : Metric::missing("the snapshot has no timestamp");
    }
    if (f == "True") return Metric::boolean(true);
    if (f == "False") return Metric::boolean(false);
    static const std::map<std::string, std::int64_t, std::less<>> kUnits = {
        {"Nanos", 1},
        {"Micros", 1000},
        {"Millis", 1000000},
        {"Seconds", 1000000000},
        {"Minutes", 60LL * 1000000000},
        {"Hours", 3600LL * 1000000000},
        {"Days", 86400LL * 1000000000},
    };
    if (auto unit = kUnits.find(f); unit != kUnits.end()) {
      Metric m = arg(0);
      const std::string out_of_range = f + "() result out of range";
      if (m.kind == Kind::Int) {
        std::int64_t ns = 0;
        if (__builtin_mul_overflow(m.i, unit->second, &ns)) return Metric::problem(out_of_range);
        return Metric::integer(ns);
      }
      if (m.kind == Kind::Float) {
        const double ns = m.f * static_cast<double>(unit->second);
        // 2^63 is exactly representable; every double below it in magnitude fits int64.
        if (!(ns > -9223372036854775808.0 && ns < 9223372036854775808.0)) return Metric::problem(out_of_range);
        return Metric::integer(static_cast<std::int64_t>(ns));
      }
      return m.is_absent() ? m : Metric::problem(f + "() needs a number");
    }
    // CountChildren / CountProperties: the Nodes, or the other values, of
    // what a selector picked (a single value counts as a vector of one).
    Metric m = arg(0);
    if (m.is_absent()) return m;
    std::vector<Metric> items;
    flatten(m, items);
    std::int64_t nodes = 0, properties = 0;
    for (const Metric& item : items) {
      if (item.kind == Kind::Problem) return item;
      if (item.kind == Kind::Node) ++nodes;
      else if (item.kind != Kind::Missing) ++properties;
    }
    return Metric::integer(f == "CountChildren" ? nodes : properties);
  }

  Resolver& resolver_;
  std::vector<std::map<std::string, Metric, std::less<>>> scopes_;
};

}  // namespace

Metric metric_from_json(const json::Value& value) {
  switch (value.kind()) {
    case json::Kind::Null:
      return Metric::missing("null");
    case json::Kind::False:
    case json::Kind::True:
      return Metric::boolean(value.truthy());
    case json::Kind::Number: {
      double d = value.as_number();
      if (std::floor(d) == d && std::fabs(d) < 9.2e18) return Metric::integer(static_cast<std::int64_t>(d));
      return Metric::real(d);
    }
    case json::Kind::String:
      return Metric::string(value.as_string());
    case json::Kind::Array: {
      std::vector<Metric> items;
      for (const json::Value& item : value.as_array()) items.push_back(metric_from_json(item));
      return Metric::vector(std::move(items));
    }
    case json::Kind::Object:
      return Metric::problem("an Inspect node, not a property");
  }
  return Metric::missing("null");
}

json::Value metric_to_json(const Metric& metric) {
  switch (metric.kind) {
    case Kind::Int: return json::Value::number(static_cast<double>(metric.i));
    case Kind::Float: return json::Value::number(metric.f);
    case Kind::Bool: return json::Value::boolean(metric.b);
    case Kind::String: return json::Value::string(metric.s);
    case Kind::Node: return json::Value::string(metric.s);
    case Kind::Vector: {
      json::Array items;
      for (const Metric& m : *metric.v) items.push_back(metric_to_json(m));
      return json::Value::array(std::move(items));
    }
    default: return json::Value();
  }
}

std::string metric_text(const Metric& metric) {
  switch (metric.kind) {
    case Kind::Missing: return "Missing(" + metric.s + ")";
    case Kind::Problem: return "Problem(" + metric.s + ")";
    case Kind::Lambda: return "Fn";
    case Kind::Node: return "Node(" + metric.s + ")";
    case Kind::String: return "'" + metric.s + "'";
    default: return json::to_json(metric_to_json(metric));
  }
}

ExprPtr parse_expression(std::string_view text) { return Parser(text).parse(); }

void referenced_names(const Expr& expr, std::vector<std::string>& out) { collect_names(expr, {}, out); }

Metric evaluate(const Expr& expr, Resolver& resolver) { return Evaluator(resolver).eval(expr); }

}  // namespace netinspect::diagnose
