// netinspect::jq — turns jq 1.8 program text into the AST of ast.h.
//
// A hand-written recursive-descent parser that mirrors the precedence and
// associativity of jq's yacc grammar, and reports syntax errors with the
// messages bison prints for jq ("syntax error, unexpected IDENT, expecting
// end of file at <top-level>, line 1, column 3:" + source line + carets).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jq/ast.h"
#include "jq/jq.h"
#include "json/value.h"

namespace netinspect::jq {

// Throws CompileError (jq.h) with jq's diagnostic text. `file_name` is what
// messages say the program is ("<top-level>" for the main program, the module
// path for modules).
Program parse_program(std::string_view source, std::string_view file_name = "<top-level>");

// Deepest nesting of brackets/expressions accepted; deeper programs fail with
// a CompileError instead of exhausting the stack (jq itself stops near here).
inline constexpr int kMaxParseDepth = 10000;
// Stack the parser may use (bytes); exceeding it is the same error.
// AddressSanitizer frames are many times larger, so its builds get more room.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr std::size_t kParseStackBudget = 6 * 1024 * 1024;
#else
inline constexpr std::size_t kParseStackBudget = 1024 * 1024;
#endif

// One located diagnostic in jq 1.8's layout, without the "jq: error: " prefix
// of the first line and without the "jq: N compile error(s)" trailer:
//   "<message> at <file>, line L, column C:\n    <source line>\n    <spaces>^^^"
// `end` <= `start` underlines one byte. Useful to the evaluator's compile step
// for "$x is not defined" and friends.
std::string locate_message(std::string_view message, std::string_view source,
                           std::string_view file_name, std::uint32_t start, std::uint32_t end);

// The full CompileError text for one or more located messages (each from
// locate_message): joined by "\njq: error: " and followed by
// "\njq: N compile error(s)".
std::string compile_error_text(const std::vector<std::string>& located_messages);

// The value of an expression made only of constants (literals, arrays and
// objects of constants, and the arithmetic jq folds at parse time), if any.
std::optional<json::Value> constant_value(const Node& node);

// S-expression rendering of a tree, for tests and debugging, e.g.
// `.a | .[1]` -> (pipe (index . "a") (index . 1)).
std::string debug_string(const Node& node);
std::string debug_string(const Pattern& pattern);
std::string debug_string(const Program& program);

}  // namespace netinspect::jq
