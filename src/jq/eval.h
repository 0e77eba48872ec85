// netinspect::jq — evaluator internals shared by compiled.cc, eval*.cc and intrinsics.cc.
//
// The parser's AST is lowered once into `Op` trees whose names are already
// resolved (variables to frame hops + slots, calls to functions/closures/
// natives/intrinsics), so evaluation never looks a name up.
//
// Evaluation is continuation passing: eval(op, input, path, env, k) calls k once
// per output in jq's order. Backtracking is simply returning; `break`, `limit`
// and friends unwind with C++ exceptions.
//
// Path tracking (for path(f) and assignments) runs through the same evaluator:
// `path` is nullptr when not tracking, otherwise the path of the input relative
// to the root of the path expression (or kInvalidPath when the input is a value
// that did not come from a path expression).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "jq/ast.h"
#include "jq/builtins.h"
#include "jq/jq.h"
#include "json/value.h"

namespace netinspect::jq::eval {

using json::Value;
using Path = std::vector<Value>;

// Sentinel meaning "tracked, but this value is not at any path of the input".
extern const Path* const kInvalidPath;

// A non-owning reference to a callable: cheaper than std::function on the hot path.
template <class Sig>
class FnRef;
template <class R, class... A>
class FnRef<R(A...)> {
 public:
  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, FnRef>)
  FnRef(F&& f)  // NOLINT(google-explicit-constructor): used like a function parameter
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, A... a) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<A>(a)...);
        }) {}
  R operator()(A... a) const { return call_(object_, std::forward<A>(a)...); }

 private:
  void* object_;
  R (*call_)(void*, A...);
};

using Out = FnRef<void(const Value&, const Path*)>;

struct Op;
struct FuncInfo;

// Runtime scope frames live on the C++ stack of the evaluating call; closures
// point at them, which is safe because continuations run inside their lifetime.
struct Closure {
  const Op* body = nullptr;
  const struct Frame* env = nullptr;
};
struct Frame {
  const Frame* parent = nullptr;
  const Value* vars = nullptr;         // variables bound here (slots)
  const Closure* closures = nullptr;   // filter parameters (call frames)
  const FuncInfo* func = nullptr;      // local function definition frames
};

enum class Intrinsic : std::uint8_t {
  Empty, Error0, Error1, Not, Path, GetPath, SetPath, DelPaths, Paths0,
  Range1, Range2, Range3, Recurse0, Recurse1, Recurse2, Limit, First, IsEmpty,
  Input, Inputs, Debug0, Stderr, InputFilename, InputLineNumber, Env, Builtins,
  Halt, HaltError1, ToStream, FromStream, TruncateStream1, TruncateStream2,
  Until, While, Repeat, Add1, HaveLiteralNumbers, HaveDecnum, GetPathOr,
  Skip, Nth2, Last1, Any2, All2, Select, Map, Count,
};

enum class OpKind : std::uint8_t {
  Identity, RecurseDefault, Literal, Format, StringInterp,
  Index, Slice, Iterate, Try, ArrayCons, ObjectCons, Negate,
  Pipe, Comma, Arith, Compare, And, Or, Alternative, Assign, If,
  Reduce, Foreach, FuncDefs, As, Label, Break,
  Var, GlobalVar, EnvVar,
  CallGlobal, CallLocal, CallClosure, CallNative, CallIntrinsic,
};

// A lowered destructuring pattern; variables are slots of one frame.
struct PatternOp {
  Pattern::Kind kind = Pattern::Kind::Variable;
  int slot = -1;                      // Variable; also Object field key_var
  std::vector<PatternOp> elements;    // Array
  struct Field {
    int key_slot = -1;                // `$name` key form: binds the key's value
    Value key_name;                   // `$name` key form: the key ("name")
    const Op* key = nullptr;          // otherwise: key expression
    std::unique_ptr<PatternOp> value; // may be null when key_slot is set
  };
  std::vector<Field> fields;          // Object
};

struct Op {
  OpKind kind = OpKind::Identity;
  Position pos;
  Value value;            // Literal; constant key for Index fast path; $__loc__
  bool has_const_key = false;
  // Assign whose input is a temporary nobody reads afterwards (reduce/foreach
  // state, or the output of a preceding assignment in a pipe): it may update
  // that value in place instead of copying it.
  bool steal_input = false;
  // Assign `|=`: the update yields at most one output, so its first output can
  // be taken without unwinding the generator.
  bool single_update = false;
  std::string name;       // Format name, error context
  BinaryOp bop = BinaryOp::Add;
  AssignOp aop = AssignOp::Set;
  const Op* a = nullptr;  // main child (target / body / lhs / cond / source)
  const Op* b = nullptr;  // second (index / handler / rhs / then / init)
  const Op* c = nullptr;  // third (else / update / from)
  const Op* d = nullptr;  // fourth (extract / to)
  std::vector<const Op*> list;     // call args, string parts, object keys/values (pairs)
  std::vector<bool> raw_text;      // StringInterp: which parts are literal text (not `\(...)`)
  std::vector<PatternOp> patterns; // As/Reduce/Foreach
  int nslots = 0;                  // variables bound by patterns / defs
  int hops = 0;                    // frames to walk up for Var/CallLocal/CallClosure/Break
  int slot = 0;                    // Var slot, closure index, global index
  const FuncInfo* func = nullptr;  // CallGlobal
  std::vector<const FuncInfo*> funcs;  // FuncDefs (local)
  const NativeFunction* native = nullptr;
  Intrinsic intrinsic = Intrinsic::Empty;
};

struct FuncInfo {
  std::string name;
  int arity = 0;
  std::vector<bool> value_param;   // per parameter
  // A call frame holds one closure and one variable slot per parameter; `$p`
  // parameters use the variable slot, filter parameters the closure.
  const Op* body = nullptr;
  bool global = false;             // defined where no runtime frame exists
};

// Owns every Op/FuncInfo of one compiled unit (prelude or program).
struct Arena {
  std::vector<std::unique_ptr<Op>> ops;
  std::vector<std::unique_ptr<FuncInfo>> funcs;
  Op* new_op(OpKind kind, Position pos) {
    ops.push_back(std::make_unique<Op>());
    ops.back()->kind = kind;
    ops.back()->pos = pos;
    return ops.back().get();
  }
};

// An error value travelling up the stack. `passthrough` counts the try/`?`/`//`
// constructs whose *continuation* raised it: those must let it pass.
struct JqError {
  Value value;
  int passthrough = 0;
};

struct BreakSignal {
  const void* label;
};

// The compiled program (lives in Compiled::Impl).
struct ProgramUnit {
  Arena arena;
  const Op* main = nullptr;
  std::vector<std::string> global_names;  // $named variables, by slot
};

// ---- compile (eval_compile.cc) ----
void compile_program(const Program& program, const CompileOptions& options, ProgramUnit& unit);
// "name/arity" of every builtin, for `builtins`.
std::vector<std::string> builtin_names();

// ---- runtime ----
class Evaluator {
 public:
  Evaluator(Environment& env, std::vector<Value> globals) : env_(env), globals_(std::move(globals)) {}
  void eval(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);

 private:
  void eval_string(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_index(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_iterate(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_array(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_object(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_binary(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_logic(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_alternative(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_funcdefs(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void destructure(const PatternOp& p, const Value& v, Value* slots, const Value& in, const Frame* frame,
                   FnRef<void()> k);
  void eval_slice(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_try(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_call_native(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_call_func(const Op* op, const FuncInfo* f, const Frame* def_frame, const Value& in,
                      const Path* path, const Frame* env, Out k);
  void eval_assign(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  Value update_paths(const Op* op, Value result, const std::vector<Path>& paths, const Frame* env);
  Value assign_paths(const Op* op, Value result, const std::vector<Path>& paths, const Value& rhs);
  void eval_as(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_reduce(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_foreach(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_intrinsic(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void eval_recurse_default(const Value& in, const Path* path, Out k);

  // Collects every path of `f` applied to `in` (error on non-path results).
  void for_each_path(const Op* f, const Value& in, const Frame* env, FnRef<void(const Path&)> k);

  Environment& env_;
  std::vector<Value> globals_;
  std::size_t depth_ = 0;
  // The temporary that the next steal_input assignment may consume (see Op).
  const Value* stealable_ = nullptr;
};

// $ENV, built once from the process environment.
const Value& environment_object();

// ---- value helpers (eval_values.cc) ----
[[noreturn]] void throw_error(Value v);
[[noreturn]] void throw_message(std::string message);
// jq's truncated dump used in error messages, e.g. "string (\"very-long...\")".
std::string describe(const Value& v);
std::string truncated_dump(const Value& v);

Value index_value(const Value& t, const Value& key);      // .[key] on t (null when absent)
Value slice_value(const Value& t, const Value& from, const Value& to);
Value arith(BinaryOp op, const Value& a, const Value& b);
Value negate(const Value& v);
Value getpath(const Value& root, const Path& path, std::size_t from = 0);
Value setpath(Value root, const Path& path, std::size_t from, Value new_value);
Value delpaths(Value root, std::vector<Path> paths);
Path path_from_value(const Value& v);  // validates an array
Value path_to_value(const Path& p);

}  // namespace netinspect::jq::eval
