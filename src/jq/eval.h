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

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "jq/ast.h"
#include "jq/builtins.h"
#include "jq/jq.h"
#include "jq/modules.h"
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

// Continuations are passed by reference: a by-value FnRef would be copied
// into every frame of the evaluator's recursion.
using OutFn = FnRef<void(const Value&, const Path*)>;
using Out = const OutFn&;

struct Op;
struct FuncInfo;

// Runtime scope frames live on the C++ stack of the evaluating call; closures
// point at them, which is safe because continuations run inside their lifetime.
struct Closure {
  const Op* body = nullptr;
  const struct Frame* env = nullptr;
  bool single = false;  // yields at most one output (see Op::single)
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
  ModuleMeta, GetSearchList, GetProgOrigin, GetJqOrigin,
};

enum class OpKind : std::uint8_t {
  Identity, RecurseDefault, Literal, Format, StringInterp,
  Index, Slice, Iterate, Try, ArrayCons, ObjectCons, Negate,
  Pipe, Comma, Arith, Compare, And, Or, Alternative, Assign, If,
  Reduce, Foreach, FuncDefs, As, Label, Break,
  Var, GlobalVar, EnvVar,
  CallGlobal, CallLocal, CallClosure, CallNative, CallIntrinsic,
};

// How many outputs an expression can yield, known at compile time. `One`
// (at most one) lets the evaluator run the expression to completion and only
// then continue, so deep recursion costs stack for the recursion alone and not
// for the continuations stacked inside it. `IfClosures`: at most one provided
// every filter argument in Op::closure_refs does too (decided per call).
enum class Single : std::uint8_t { Many, One, IfClosures };

// A filter parameter used by an expression: frames up from the expression's
// frame, and the parameter's index.
struct ClosureRef {
  int hops = 0;
  int slot = 0;
  bool operator==(const ClosureRef&) const = default;
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
  Single single = Single::Many;
  std::vector<ClosureRef> closure_refs;  // IfClosures: what it depends on
};

struct FuncInfo {
  std::string name;
  int arity = 0;
  std::vector<bool> value_param;   // per parameter
  // A call frame holds one closure and one variable slot per parameter; `$p`
  // parameters use the variable slot, filter parameters the closure.
  const Op* body = nullptr;
  bool global = false;             // defined where no runtime frame exists
  // The body's Op::single, relative to the body's frame; assumed One while
  // the body compiles (recursion) and corrected afterwards.
  Single single = Single::One;
  std::vector<ClosureRef> closure_refs;
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
  modules::SearchConfig search;  // for modulemeta, get_search_list and friends
  const Op* main = nullptr;
  std::vector<std::string> global_names;  // $named variables, by slot
};

// ---- compile (eval_compile.cc) ----
void compile_program(const Program& program, const CompileOptions& options, ProgramUnit& unit);
// "name/arity" of every builtin, for `builtins`.
std::vector<std::string> builtin_names();

// Computes op->single / op->closure_refs from its children's (eval_single.cc).
void analyze_single(Op* op);
// Recomputes a whole subtree, local function bodies included (after a
// recursive function turned out to yield many outputs).
void reanalyze_single(const Op* op);
// Settles f->single for a (possibly recursive) function and analyzes its body.
void analyze_function(FuncInfo* f);
// Whether `op` evaluated in `env` yields at most one output.
bool is_single(const Op* op, const Frame* env);

// A stack of T slots in fixed chunks, so pointers stay valid while it grows:
// call frames keep their variables and closures here instead of on the C++
// stack, which keeps the evaluator's stack use per jq call small.
template <class T>
class SlotStack {
 public:
  T* push(std::size_t n) {
    if (chunk_ < chunks_.size() && used_ + n <= chunks_[chunk_].size) {
      T* p = chunks_[chunk_].data.get() + used_;
      used_ += n;
      return p;
    }
    return push_new_chunk(n);
  }
  [[gnu::noinline]] T* push_new_chunk(std::size_t n) {
    marks_.push_back(used_);
    ++chunk_;
    if (chunk_ == chunks_.size() || chunks_[chunk_].size < n) {
      std::size_t size = std::max<std::size_t>(kChunk, n);
      if (chunk_ == chunks_.size()) chunks_.emplace_back();
      chunks_[chunk_] = Chunk{std::make_unique<T[]>(size), size};
    }
    used_ = n;
    return chunks_[chunk_].data.get();
  }
  // Releases the last push of `n` slots (stack order), resetting them.
  void pop(std::size_t n) {
    T* p = chunks_[chunk_].data.get() + used_ - n;
    for (std::size_t i = 0; i < n; ++i) p[i] = T();
    used_ -= n;
    if (used_ == 0 && !marks_.empty()) {
      used_ = marks_.back();
      marks_.pop_back();
      --chunk_;
    }
  }

 private:
  static constexpr std::size_t kChunk = 4096;
  struct Chunk {
    std::unique_ptr<T[]> data;
    std::size_t size = 0;
  };
  std::vector<Chunk> chunks_;
  std::vector<std::size_t> marks_;  // `used_` of the chunks below the current one
  std::size_t chunk_ = static_cast<std::size_t>(-1);
  std::size_t used_ = 0;
};

// ---- runtime ----
class Evaluator {
 public:
  Evaluator(Environment& env, std::vector<Value> globals, const modules::SearchConfig& search)
      : env_(env), globals_(std::move(globals)), search_(search),
        steps_left_(env.limits.max_steps ? env.limits.max_steps + 1 : UINT64_MAX) {}
  void eval(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);

 private:
  [[gnu::noinline]] void eval_string(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_index(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_iterate(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_array(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_object(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_binary(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_logic(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_alternative(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_funcdefs(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  void destructure(const PatternOp& p, const Value& v, Value* slots, const Value& in, const Frame* frame,
                   FnRef<void()> k);
  [[gnu::noinline]] void eval_slice(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_try(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_call_native(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_call_func(const Op* op, const FuncInfo* f, const Frame* def_frame, const Value& in,
                      const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_assign(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  Value update_paths(const Op* op, Value result, const std::vector<Path>& paths, const Frame* env);
  Value assign_paths(const Op* op, Value result, const std::vector<Path>& paths, const Value& rhs);
  [[gnu::noinline]] void eval_as(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_reduce(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_foreach(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_intrinsic(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_recurse_default(const Value& in, const Path* path, Out k);
  [[gnu::noinline]] void eval_limited_intrinsic(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_pipe(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_if(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_negate(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_label(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_call_closure(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void bind_params(const Op* op, const FuncInfo* f, std::size_t i, const Value& in, const Path* path,
                   const Frame* env, Frame* call, Out k);

  [[gnu::noinline]] void eval_format(const Op* op, const Value& in, const Path* path, Out k);
  [[gnu::noinline]] void eval_break(const Op* op, const Frame* env);
  // Runs a single-output `op`; false when it yielded nothing.
  [[gnu::noinline]] bool eval_single(const Op* op, const Value& in, const Frame* env, Value& out);
  // eval_single with the trivial operands (literal, `.`, `$x`) inline.
  bool eval_operand(const Op* op, const Value& in, const Frame* env, Value& out);
  [[gnu::noinline]] void eval_binary_many(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void eval_if_many(const Op* op, const Value& in, const Path* path, const Frame* env, Out k);
  [[gnu::noinline]] void bind_params_many(const Op* op, const FuncInfo* f, std::size_t i, const Value& in,
                                          const Path* path, const Frame* env, Frame* call, Out k);

  // Calls f(v) for each output v of `op` (not path-tracked). A single-output
  // `op` runs to completion first, so f does not run on top of its frames.
  template <class F>
  void with_value(const Op* op, const Value& in, const Frame* env, F&& f) {
    if (op->kind == OpKind::Literal) return f(op->value);
    if (is_single(op, env)) {
      Value v;
      if (eval_single(op, in, env, v)) f(v);
      return;
    }
    eval(op, in, nullptr, env, [&](const Value& x, const Path*) { f(x); });
  }

  // Collects every path of `f` applied to `in` (error on non-path results).
  void for_each_path(const Op* f, const Value& in, const Frame* env, FnRef<void(const Path&)> k);

  std::optional<Value> read_input();

  struct CallScope;
  Environment& env_;
  std::vector<Value> globals_;
  const modules::SearchConfig& search_;
  SlotStack<Value> value_slots_;
  SlotStack<Closure> closure_slots_;
  std::size_t depth_ = 0;
  // The temporary that the next steal_input assignment may consume (see Op).
  const Value* stealable_ = nullptr;
  // Limits::max_steps countdown (UINT64_MAX when unlimited: never reaches 0).
  std::uint64_t steps_left_;
  void count_step() {
    if (--steps_left_ == 0) [[unlikely]]
      steps_exhausted();
  }
  [[noreturn, gnu::noinline, gnu::cold]] void steps_exhausted();
};

// ---- resource limits (eval_values.cc) ----
// Makes `limits` the ones the size checks below apply on this thread, for
// the lifetime of the scope (Compiled::run; nested runs restore the outer).
class LimitsScope {
 public:
  explicit LimitsScope(const Limits& limits);
  ~LimitsScope();
  LimitsScope(const LimitsScope&) = delete;
  LimitsScope& operator=(const LimitsScope&) = delete;

 private:
  const Limits* previous_;
};
// Throw LimitError when a string/array the program builds would exceed the limits.
void check_string_size(std::size_t bytes);
void check_array_length(std::size_t length);
// Either check, for a finished value (strings and arrays; others pass).
void check_built_value(const Value& v);

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
