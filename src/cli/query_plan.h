// How `netinspect query` may run a program entry by entry instead of on the
// whole input: a program `.[] | REST` (or `.[]? | REST`, after any `def`s)
// gives, for an array input, the outputs of REST on each element in order, so
// REST can run on each element as it is parsed and memory stays bounded by the
// largest element. Worked out on the
// AST, without touching the jq engine.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace netinspect::cli {

struct StreamPlan {
  // The program after the leading `.[] |` (or `.[]? |`), as source text, with
  // the program's leading definitions before it; "." for `.[]` alone.
  std::string rest;
  // Set when REST begins with `select(.moniker == "LITERAL")` (either operand
  // order) and `select` is the builtin: elements whose moniker is known to
  // differ produce nothing.
  std::optional<std::string> moniker;
};

// A plan when `program` is `.[]`, `.[]?`, `.[] | REST` or `.[]? | REST` at top
// level, possibly after `def`s, with no module directives and nothing that
// observes the input stream (`input`, `inputs`, `input_line_number`,
// `$__loc__`), since REST then runs as a program of its own. nullopt otherwise
// (or if it does not parse).
std::optional<StreamPlan> plan_streaming(std::string_view program);

}  // namespace netinspect::cli
