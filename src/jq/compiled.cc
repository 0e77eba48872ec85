// Compiled: the public entry points (compile once, run per input).
#include <string>

#include "jq/eval.h"
#include "jq/jq.h"
#include "jq/modules.h"
#include "jq/parser.h"
#include "json/write.h"

namespace netinspect::jq {

Limits& default_limits() {
  static Limits limits;
  return limits;
}

RuntimeError::RuntimeError(json::Value value) : std::runtime_error(message_for(value)), value_(std::move(value)) {}

std::string RuntimeError::message_for(const json::Value& value) {
  if (value.is_string()) return value.as_string();
  return json::to_json(value) + " (not a string)";
}

struct Compiled::Impl {
  Program program;
  eval::ProgramUnit unit;
};

Compiled::Compiled(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Compiled::Compiled(Compiled&&) noexcept = default;
Compiled& Compiled::operator=(Compiled&&) noexcept = default;
Compiled::~Compiled() = default;

Compiled Compiled::compile(std::string_view source, const CompileOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->program = parse_program(source);
  if (options.home_library) modules::add_home_library(impl->program);
  if (impl->program.source.empty()) impl->program.source = std::string(source);
  eval::compile_program(impl->program, options, impl->unit);
  return Compiled(std::move(impl));
}

void Compiled::run(const json::Value& input, Environment& env, const Emit& emit) const {
  const eval::ProgramUnit& unit = impl_->unit;
  // Globals by slot; later duplicates in env.variables win, as later --arg do.
  std::vector<json::Value> globals(unit.global_names.size());
  for (std::size_t i = 0; i < unit.global_names.size(); ++i) {
    const std::string& name = unit.global_names[i];
    bool found = false;
    for (const auto& [var, value] : env.variables)
      if (var == name) {
        globals[i] = value;
        found = true;
      }
    if (!found && name == "ARGS") {
      json::Object args;
      args.set("positional", json::Value::array());
      args.set("named", json::Value::object());
      globals[i] = json::Value::object(std::move(args));
    } else if (!found && name == "JQ_BUILD_CONFIGURATION") {
      // jq: "no particular format"; ours names the engine and its libraries.
      globals[i] = json::Value::string("netinspect jq engine (C++20; simdjson, oniguruma)");
    } else if (!found && name == "__prog_args") {
      globals[i] = json::Value::array();
    }
  }
  eval::Evaluator evaluator(env, std::move(globals), unit.search);
  eval::LimitsScope limits(env.limits);
  try {
    evaluator.eval(unit.main, input, nullptr, nullptr,
                   [&](const json::Value& v, const eval::Path*) { emit(v); });
  } catch (eval::JqError& e) {
    throw RuntimeError(std::move(e.value));
  } catch (const eval::BreakSignal&) {
    // A `break` whose label is gone (cannot happen after compile checks): stop quietly.
    throw RuntimeError(json::Value::string("break"));
  }
}

}  // namespace netinspect::jq
