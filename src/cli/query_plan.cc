#include "cli/query_plan.h"

#include "jq/ast.h"
#include "jq/jq.h"
#include "jq/parser.h"

namespace netinspect::cli {
namespace {

using jq::Node;

// `.[]` with no target: iterates the input itself.
bool is_iterate_input(const Node& node) {
  return node.kind == Node::Kind::Iterate && (!node.target || node.target->kind == Node::Kind::Identity);
}

// `.[]` or `.[]?` (`try .[]` without catch). On an array both give its
// elements and nothing else; the `?` only hides `.[]`'s own error on a value
// that cannot be iterated, and such a value is never split into elements. An
// error raised later in the pipe is not caught by it (jq 1.7+ and 1.6 agree).
bool is_iterate_input_or_try(const Node& node) {
  if (is_iterate_input(node)) return true;
  return node.kind == Node::Kind::Try && !node.handler && node.body && is_iterate_input(*node.body);
}

// Whether the definitions define `select/1`, so that a `select(...)` in REST
// is not the builtin.
bool redefines_select(const Node& defs) {
  for (const auto& function : defs.functions) {
    if (function && function->name == "select" && function->params.size() == 1) return true;
  }
  return false;
}

bool observes_input_stream(const Node& node);

bool any_observes(const jq::NodePtr& node) { return node && observes_input_stream(*node); }

bool pattern_observes(const jq::Pattern& pattern) {
  for (const jq::Pattern& element : pattern.elements) {
    if (pattern_observes(element)) return true;
  }
  for (const jq::Pattern::Field& field : pattern.fields) {
    if (any_observes(field.key_expr) || (field.value && pattern_observes(*field.value))) return true;
  }
  return false;
}

// Calls that read the program's input stream, whose answers differ when REST
// runs per element; `$__loc__` would report REST's own line numbers.
bool observes_input_stream(const Node& node) {
  if (node.kind == Node::Kind::Call &&
      (node.name == "input" || node.name == "inputs" || node.name == "input_line_number")) {
    return true;
  }
  if (node.kind == Node::Kind::Variable && node.name == "__loc__") return true;
  for (const jq::NodePtr* child : {&node.target, &node.index, &node.from, &node.to, &node.body, &node.handler,
                                   &node.lhs, &node.rhs, &node.cond, &node.then_branch, &node.else_branch,
                                   &node.source, &node.init, &node.update, &node.extract}) {
    if (any_observes(*child)) return true;
  }
  for (const jq::NodePtr& part : node.parts) {
    if (any_observes(part)) return true;
  }
  for (const jq::NodePtr& arg : node.args) {
    if (any_observes(arg)) return true;
  }
  for (const jq::Pattern& pattern : node.patterns) {
    if (pattern_observes(pattern)) return true;
  }
  for (const Node::ObjectEntry& entry : node.entries) {
    if (any_observes(entry.key_expr) || any_observes(entry.value)) return true;
    if (entry.key_var == "__loc__") return true;
  }
  for (const auto& function : node.functions) {
    if (function && any_observes(function->body)) return true;
  }
  return false;
}

// `.moniker`
bool is_moniker_index(const Node& node) {
  return node.kind == Node::Kind::Index && (!node.target || node.target->kind == Node::Kind::Identity) &&
         node.index && node.index->kind == Node::Kind::Literal && node.index->value.is_string() &&
         node.index->value.as_string() == "moniker";
}

// `select(.moniker == "LITERAL")` or `select("LITERAL" == .moniker)`.
std::optional<std::string> moniker_select(const Node& node) {
  if (node.kind != Node::Kind::Call || node.name != "select" || node.args.size() != 1) return std::nullopt;
  const Node& test = *node.args[0];
  if (test.kind != Node::Kind::Binary || test.op != jq::BinaryOp::Eq || !test.lhs || !test.rhs) {
    return std::nullopt;
  }
  for (const auto& [index, literal] : {std::pair{test.lhs.get(), test.rhs.get()}, std::pair{test.rhs.get(), test.lhs.get()}}) {
    if (is_moniker_index(*index) && literal->kind == Node::Kind::Literal && literal->value.is_string()) {
      return literal->value.as_string();
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<StreamPlan> plan_streaming(std::string_view program) {
  jq::Program parsed;
  try {
    parsed = jq::parse_program(program);
  } catch (const jq::CompileError&) {
    return std::nullopt;
  }
  if (!parsed.imports.empty() || !parsed.module_metadata.is_null() || !parsed.body) return std::nullopt;
  if (observes_input_stream(*parsed.body)) return std::nullopt;  // definitions included
  // Leading definitions (`def f: ...; .[] | f`): REST keeps their text, since it
  // may call them; they are the program's text up to its main expression.
  const Node* body = parsed.body.get();
  std::string definitions;
  bool select_redefined = false;
  if (body->kind == Node::Kind::FuncDefs) {
    if (!body->body) return std::nullopt;  // a library without a main expression
    select_redefined = redefines_select(*body);
    body = body->body.get();
    if (body->pos.offset > program.size()) return std::nullopt;
    definitions = std::string(program.substr(0, body->pos.offset));
  }
  StreamPlan plan;
  if (is_iterate_input_or_try(*body)) {
    plan.rest = definitions + ".";
    return plan;
  }
  if (body->kind != Node::Kind::Pipe || !body->lhs || !body->rhs || !is_iterate_input_or_try(*body->lhs)) {
    return std::nullopt;
  }
  const Node& rest = *body->rhs;
  if (rest.pos.end <= rest.pos.offset || rest.pos.end > program.size()) return std::nullopt;
  plan.rest = definitions + std::string(program.substr(rest.pos.offset, rest.pos.end - rest.pos.offset));
  if (select_redefined) return plan;
  // The first stage of REST: the left end of its (right-nested) pipe chain.
  const Node* first = &rest;
  while (first->kind == Node::Kind::Pipe && first->lhs) first = first->lhs.get();
  plan.moniker = moniker_select(*first);
  return plan;
}

}  // namespace netinspect::cli
