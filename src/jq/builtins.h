// netinspect::jq — the seam between the evaluator and the builtin library.
//
// Two kinds of builtins exist:
//  * native value functions (C++): every argument is a value (like a `$param`);
//    the evaluator evaluates each argument against the current input and calls
//    the function once per combination of argument outputs, as jq does for its
//    C-coded builtins. Errors are thrown as RuntimeError with jq's message.
//  * jq-defined functions in the prelude (prelude.jq, embedded at build time),
//    compiled once before the user's program; they may call natives and the
//    evaluator's intrinsics (path, getpath, empty, error, range/2, label, input, ...).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "json/value.h"
#include "jq/jq.h"

namespace netinspect::jq {

struct NativeFunction {
  std::string_view name;
  int arity;  // number of (value) arguments
  json::Value (*fn)(const json::Value& input, std::span<const json::Value> args);
};

// Every native value function, from all builtins_*.cc files.
std::span<const NativeFunction> native_functions();

// `@text`, `@json`, `@html`, `@uri`, `@urid`, `@csv`, `@tsv`, `@sh`, `@base64`,
// `@base64d`, `@base32`, `@base32d` applied to `input` (format includes the '@').
// Used for `@fmt` filters and for each interpolation in `@fmt "...\(x)..."`.
// Throws RuntimeError with jq's message for unknown formats or bad input.
std::string apply_format(std::string_view format, const json::Value& input);

// jq source of the prelude: definitions available to every program.
std::string_view prelude_source();

}  // namespace netinspect::jq
