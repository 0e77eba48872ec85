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
  const Node& body = *parsed.body;
  if (observes_input_stream(body)) return std::nullopt;
  StreamPlan plan;
  if (is_iterate_input(body)) {
    plan.rest = ".";
    return plan;
  }
  if (body.kind != Node::Kind::Pipe || !body.lhs || !body.rhs || !is_iterate_input(*body.lhs)) return std::nullopt;
  const Node& rest = *body.rhs;
  if (rest.pos.end <= rest.pos.offset || rest.pos.end > program.size()) return std::nullopt;
  plan.rest = std::string(program.substr(rest.pos.offset, rest.pos.end - rest.pos.offset));
  // The first stage of REST: the left end of its (right-nested) pipe chain.
  const Node* first = &rest;
  while (first->kind == Node::Kind::Pipe && first->lhs) first = first->lhs.get();
  plan.moniker = moniker_select(*first);
  return plan;
}

}  // namespace netinspect::cli
