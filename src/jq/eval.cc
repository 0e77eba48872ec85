// The evaluator core: one continuation-passing function per construct.
#include "jq/eval.h"

#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "json/write.h"

extern char** environ;

namespace netinspect::jq::eval {

namespace {
const Path invalid_path_sentinel;
}  // namespace
const Path* const kInvalidPath = &invalid_path_sentinel;

namespace {

// Small fixed buffers for per-call slots; heap only for unusually wide frames.
template <class T, std::size_t N = 6>
class SmallBuf {
 public:
  explicit SmallBuf(std::size_t n) {
    if (n > N) {
      big_.resize(n);
      data_ = big_.data();
    } else {
      data_ = small_;
    }
  }
  T* data() { return data_; }
  T& operator[](std::size_t i) { return data_[i]; }

 private:
  T small_[N];
  std::vector<T> big_;
  T* data_;
};

// Slots taken from one of the evaluator's slot stacks for one scope.
template <class T>
class Slots {
 public:
  Slots(SlotStack<T>& stack, std::size_t n) : stack_(stack), n_(n), data_(n ? stack.push(n) : nullptr) {}
  ~Slots() {
    if (n_) stack_.pop(n_);
  }
  Slots(const Slots&) = delete;
  Slots& operator=(const Slots&) = delete;
  T* data() { return data_; }
  T& operator[](std::size_t i) { return data_[i]; }

 private:
  SlotStack<T>& stack_;
  std::size_t n_;
  T* data_;
};

// A value is "at" the tracked path when it is the very value found there:
// scalars by equality, containers and strings by identity (jq's rule).
bool identical(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::Kind::Null:
    case json::Kind::False:
    case json::Kind::True:
      return true;
    case json::Kind::Number:
      return a.as_number() == b.as_number();
    case json::Kind::String:
      return &a.as_string() == &b.as_string();
    case json::Kind::Array:
      return &a.as_array() == &b.as_array();
    case json::Kind::Object:
      return &a.as_object() == &b.as_object();
  }
  return false;
}

// Emits a computed value; in path mode it only keeps the input's path when it
// is the input itself.
inline void emit_value(const Value& v, const Value& in, const Path* path, Out k) {
  if (!path) return k(v, nullptr);
  if (path != kInvalidPath && identical(v, in)) return k(v, path);
  k(v, kInvalidPath);
}

inline void emit_child(const Value& v, const Path* path, const Value& key, Out k) {
  if (!path) return k(v, nullptr);
  Path child;
  child.reserve(path->size() + 1);
  child = *path;
  child.push_back(key);
  k(v, &child);
}

// The lowest stack address evaluation may reach on this thread: the rest is
// kept for natives, printing and unwinding. Runaway recursion becomes a jq
// error here instead of a crash, whatever the frame sizes (ASan included).
[[gnu::noinline]] const char* compute_stack_floor() {
  return [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return static_cast<const char*>(nullptr);
    void* addr = nullptr;
    std::size_t size = 0;
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    const std::size_t margin = std::max<std::size_t>(size / 8, std::size_t{1} << 20);
    std::size_t usable = size <= 2 * margin ? size / 2 : size - margin;
#if defined(__SANITIZE_ADDRESS__)
    // ASan stops cleaning up for exceptions thrown from deeper than 64 MiB of
    // stack (and then reports false errors): stay well below that.
    usable = std::min<std::size_t>(usable, std::size_t{48} << 20);
#endif
    return static_cast<const char*>(addr) + (size - usable);
  }();
}

const char* stack_floor() {
  thread_local const char* floor = compute_stack_floor();
  return floor;
}

[[gnu::noinline, gnu::cold]] void throw_too_deep(std::size_t max) {
  if (max == 0) throw_message("Maximum call depth exceeded (stack exhausted)");
  throw_message("Maximum call depth exceeded (" + std::to_string(max) + ")");
}

// Counts one more level of calls, or throws when there is no room for it.
inline void enter_call(std::size_t& depth, std::size_t max) {
  if (depth + 1 > max) throw_too_deep(max);
  const char* floor = stack_floor();
  if (floor && static_cast<const char*>(__builtin_frame_address(0)) < floor) throw_too_deep(0);
  ++depth;
}

struct DepthGuard {
  DepthGuard(std::size_t& depth, std::size_t max) : depth_(depth) { enter_call(depth, max); }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  std::size_t& depth_;
};

const Frame* up(const Frame* f, int hops) {
  while (hops-- > 0) f = f->parent;
  return f;
}

}  // namespace

const Value& environment_object() {
  static const Value env = [] {
    json::Object o;
    for (char** e = environ; e && *e; ++e) {
      std::string_view kv(*e);
      auto eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      o.set(std::string(kv.substr(0, eq)), Value::string(kv.substr(eq + 1)));
    }
    return Value::object(std::move(o));
  }();
  return env;
}

namespace {

// Runs `body` and lets errors raised by its continuation pass through the
// enclosing try-like construct (jq 1.7+: try only catches its own body's errors).
template <class Body>
bool catch_body_errors(Body&& body, Value* error_value) {
  try {
    body();
    return false;
  } catch (JqError& e) {
    if (e.passthrough > 0) {
      --e.passthrough;
      throw;
    }
    if (error_value) *error_value = std::move(e.value);
    return true;
  }
}

// Builtin-library errors arrive as RuntimeError; inside the evaluator every
// error must be a JqError so try/catch sees it.
std::string format_value(std::string_view format, const Value& v) {
  try {
    return apply_format(format, v);
  } catch (const RuntimeError& e) {
    throw JqError{e.value()};
  }
}

inline void call_passing(Out k, const Value& v, const Path* p) {
  try {
    k(v, p);
  } catch (JqError& e) {
    ++e.passthrough;
    throw;
  }
}

}  // namespace



void Evaluator::steps_exhausted() {
  steps_left_ = 1;  // whatever still runs while this unwinds stops again
  throw LimitError(Value::string("Evaluation exceeded " + std::to_string(env_.limits.max_steps) +
                                 " steps (raise the limit with --max-steps)"));
}

void Evaluator::eval(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  count_step();
  switch (op->kind) {
    case OpKind::Identity:
      return k(in, path);
    case OpKind::RecurseDefault:
      return eval_recurse_default(in, path, k);
    case OpKind::Literal:
      return emit_value(op->value, in, path, k);
    case OpKind::Format:
      return eval_format(op, in, path, k);
    case OpKind::StringInterp:
      return eval_string(op, in, path, env, k);
    case OpKind::Index:
      return eval_index(op, in, path, env, k);
    case OpKind::Slice:
      return eval_slice(op, in, path, env, k);
    case OpKind::Iterate:
      return eval_iterate(op, in, path, env, k);
    case OpKind::Try:
      return eval_try(op, in, path, env, k);
    case OpKind::ArrayCons:
      return eval_array(op, in, path, env, k);
    case OpKind::ObjectCons:
      return eval_object(op, in, path, env, k);
    case OpKind::Negate:
      return eval_negate(op, in, path, env, k);
    case OpKind::Pipe:
      return eval_pipe(op, in, path, env, k);
    case OpKind::Comma:
      eval(op->a, in, path, env, k);
      return eval(op->b, in, path, env, k);
    case OpKind::Arith:
    case OpKind::Compare:
      return eval_binary(op, in, path, env, k);
    case OpKind::And:
    case OpKind::Or:
      return eval_logic(op, in, path, env, k);
    case OpKind::Alternative:
      return eval_alternative(op, in, path, env, k);
    case OpKind::Assign:
      return eval_assign(op, in, path, env, k);
    case OpKind::If:
      return eval_if(op, in, path, env, k);
    case OpKind::Reduce:
      return eval_reduce(op, in, path, env, k);
    case OpKind::Foreach:
      return eval_foreach(op, in, path, env, k);
    case OpKind::FuncDefs:
      return eval_funcdefs(op, in, path, env, k);
    case OpKind::As:
      return eval_as(op, in, path, env, k);
    case OpKind::Label:
      return eval_label(op, in, path, env, k);
    case OpKind::Break:
      return eval_break(op, env);
    case OpKind::Var:
      return emit_value(up(env, op->hops)->vars[op->slot], in, path, k);
    case OpKind::GlobalVar:
      return emit_value(globals_[op->slot], in, path, k);
    case OpKind::EnvVar:
      return emit_value(environment_object(), in, path, k);
    case OpKind::CallGlobal:
      return eval_call_func(op, op->func, nullptr, in, path, env, k);
    case OpKind::CallLocal: {
      const Frame* def = up(env, op->hops);
      return eval_call_func(op, def->func, def, in, path, env, k);
    }
    case OpKind::CallClosure:
      return eval_call_closure(op, in, path, env, k);
    case OpKind::CallNative:
      return eval_call_native(op, in, path, env, k);
    case OpKind::CallIntrinsic:
      switch (op->intrinsic) {
        case Intrinsic::Range1: case Intrinsic::Range2: case Intrinsic::Range3:
        case Intrinsic::Map: case Intrinsic::Add1:
          return eval_limited_intrinsic(op, in, path, env, k);
        default:
          break;
      }
      return eval_intrinsic(op, in, path, env, k);
  }
}

// Intrinsics that loop without evaluating anything per value (range) or
// build strings and arrays themselves (map, add): each output counts as a
// step and is held to the size limits.
void Evaluator::eval_limited_intrinsic(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  eval_intrinsic(op, in, path, env, [&](const Value& v, const Path* p) {
    count_step();
    check_built_value(v);
    k(v, p);
  });
}

// The small constructs live outside eval() so that its own frame stays small:
// it sits between every two levels of a jq program's recursion.

void Evaluator::eval_format(const Op* op, const Value& in, const Path* path, Out k) {
  std::string text = format_value(op->name, in);
  check_string_size(text.size());
  emit_value(Value::string(std::move(text)), in, path, k);
}

void Evaluator::eval_break(const Op* op, const Frame* env) { throw BreakSignal{up(env, op->hops)}; }

bool Evaluator::eval_operand(const Op* op, const Value& in, const Frame* env, Value& out) {
  switch (op->kind) {
    case OpKind::Literal: out = op->value; return true;
    case OpKind::Identity: out = in; return true;
    case OpKind::Var: out = up(env, op->hops)->vars[op->slot]; return true;
    default: return eval_single(op, in, env, out);
  }
}

bool Evaluator::eval_single(const Op* op, const Value& in, const Frame* env, Value& out) {
  bool got = false;
  eval(op, in, nullptr, env, [&](const Value& x, const Path*) {
    out = x;
    got = true;
  });
  stealable_ = nullptr;
  return got;
}

void Evaluator::eval_negate(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  with_value(op->a, in, env, [&](const Value& v) { emit_value(negate(v), in, path, k); });
}

void Evaluator::eval_pipe(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  // A single-output left side (not an assignment, whose result the right
  // side may update in place) finishes before the right side starts.
  if (!path && op->a->kind != OpKind::Assign && is_single(op->a, env)) {
    Value v;
    if (eval_single(op->a, in, env, v)) eval(op->b, v, nullptr, env, k);
    return;
  }
  eval(op->a, in, path, env, [&](const Value& v, const Path* p) { eval(op->b, v, p, env, k); });
}

void Evaluator::eval_if(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  if (is_single(op->a, env)) {
    Value c;
    if (eval_operand(op->a, in, env, c)) eval(c.truthy() ? op->b : op->c, in, path, env, k);
    return;
  }
  eval_if_many(op, in, path, env, k);
}

void Evaluator::eval_if_many(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  eval(op->a, in, nullptr, env, [&](const Value& c, const Path*) { eval(c.truthy() ? op->b : op->c, in, path, env, k); });
}

void Evaluator::eval_label(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  Frame label{env, nullptr, nullptr, nullptr};
  try {
    eval(op->a, in, path, &label, k);
  } catch (const BreakSignal& b) {
    if (b.label != &label) throw;
  }
}

void Evaluator::eval_call_closure(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  DepthGuard guard(depth_, env_.max_call_depth);
  const Closure& c = up(env, op->hops)->closures[op->slot];
  eval(c.body, in, path, c.env, k);
}

void Evaluator::eval_string(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  // The last interpolation varies slowest, as in jq.
  const std::size_t n = op->list.size();
  Slots<Value> parts(value_slots_, n);
  auto build = [&](auto& self, std::size_t remaining) -> void {
    if (remaining == 0) {
      std::string s;
      for (std::size_t i = 0; i < n; ++i) {
        const Value& v = parts[i];
        if (op->raw_text[i]) {
          s += v.as_string();
        } else if (!op->name.empty()) {
          s += format_value(op->name, v);
        } else if (v.is_string()) {
          s += v.as_string();
        } else {
          s += json::to_json(v);
        }
      }
      check_string_size(s.size());
      return emit_value(Value::string(std::move(s)), in, path, k);
    }
    const std::size_t i = remaining - 1;
    with_value(op->list[i], in, env, [&](const Value& v) {
      parts[i] = v;
      self(self, i);
    });
  };
  build(build, n);
}

void Evaluator::eval_index(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  auto apply = [&](const Value& key) {
    auto on_target = [&](const Value& t, const Path* tp) {
      if (tp == kInvalidPath)
        throw_message("Invalid path expression near attempt to access element " + truncated_dump(key) + " of " +
                      truncated_dump(t));
      if (!tp && t.is_object() && key.is_string()) {
        // Hot path: `.foo` on an object.
        const Value* found = t.as_object().find(key.as_string());
        if (found) return k(*found, nullptr);
        return k(Value(), nullptr);
      }
      emit_child(index_value(t, key), tp, key, k);
    };
    if (op->a)
      eval(op->a, in, path, env, on_target);
    else
      on_target(in, path);
  };
  if (op->has_const_key) return apply(op->value);
  eval(op->b, in, nullptr, env, [&](const Value& key, const Path*) { apply(key); });
}

void Evaluator::eval_slice(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  auto with_bounds = [&](const Value& from, const Value& to) {
    auto on_target = [&](const Value& t, const Path* tp) {
      json::Object key;
      key.set("start", from);
      key.set("end", to);
      Value key_value = Value::object(std::move(key));
      if (tp == kInvalidPath)
        throw_message("Invalid path expression near attempt to access element " + truncated_dump(key_value) +
                      " of " + truncated_dump(t));
      emit_child(slice_value(t, from, to), tp, key_value, k);
    };
    if (op->a)
      eval(op->a, in, path, env, on_target);
    else
      on_target(in, path);
  };
  // `to` varies slowest, then `from`, as in jq.
  auto with_to = [&](const Value& to) {
    if (!op->c) return with_bounds(Value(), to);
    eval(op->c, in, nullptr, env, [&](const Value& from, const Path*) { with_bounds(from, to); });
  };
  if (!op->d) return with_to(Value());
  eval(op->d, in, nullptr, env, [&](const Value& to, const Path*) { with_to(to); });
}

void Evaluator::eval_iterate(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  auto on_target = [&](const Value& t, const Path* tp) {
    if (tp == kInvalidPath) throw_message("Invalid path expression near attempt to iterate through " + truncated_dump(t));
    if (t.is_array()) {
      const json::Array& arr = t.as_array();
      if (!tp) {
        for (const Value& v : arr) k(v, nullptr);
        return;
      }
      for (std::size_t i = 0; i < arr.size(); ++i) emit_child(arr[i], tp, Value::number(static_cast<double>(i)), k);
      return;
    }
    if (t.is_object()) {
      const json::Object& obj = t.as_object();
      if (!tp) {
        for (const auto& entry : obj) k(entry.second, nullptr);
        return;
      }
      for (const auto& entry : obj) emit_child(entry.second, tp, Value::string(entry.first), k);
      return;
    }
    throw_message("Cannot iterate over " + describe(t));
  };
  if (op->a)
    eval(op->a, in, path, env, on_target);
  else
    on_target(in, path);
}

void Evaluator::eval_try(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  Value error;
  bool failed = catch_body_errors(
      [&] { eval(op->a, in, path, env, [&](const Value& v, const Path* p) { call_passing(k, v, p); }); },
      op->b ? &error : nullptr);
  if (failed && op->b) {
    // jq 1.8: errors raised by the handler propagate.
    eval(op->b, error, path ? kInvalidPath : nullptr, env, k);
  }
}

void Evaluator::eval_array(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  json::Array items;
  if (op->a)
    eval(op->a, in, nullptr, env, [&](const Value& v, const Path*) {
      check_array_length(items.size() + 1);
      items.push_back(v);
    });
  emit_value(Value::array(std::move(items)), in, path, k);
}

void Evaluator::eval_object(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  const std::size_t n = op->list.size() / 2;
  Slots<Value> keys(value_slots_, n), values(value_slots_, n);
  auto build = [&](auto& self, std::size_t i) -> void {
    if (i == n) {
      json::Object obj;
      obj.reserve(n);
      for (std::size_t j = 0; j < n; ++j) obj.set(keys[j].as_string(), values[j]);
      return emit_value(Value::object(std::move(obj)), in, path, k);
    }
    auto with_key = [&](const Value& key) {
      if (!key.is_string()) throw_message("Cannot use " + describe(key) + " as object key");
      keys[i] = key;
      with_value(op->list[2 * i + 1], in, env, [&](const Value& v) {
        values[i] = v;
        self(self, i + 1);
      });
    };
    with_value(op->list[2 * i], in, env, with_key);
  };
  build(build, 0);
}

namespace {
[[gnu::noinline]] Value binary_result(const Op* op, const Value& l, const Value& r) {
  if (op->kind == OpKind::Arith) return arith(op->bop, l, r);
  int c;
  try {
    c = op->bop == BinaryOp::Eq || op->bop == BinaryOp::Ne ? (json::equal(l, r) ? 0 : 1) : json::compare(l, r);
  } catch (const json::TooDeepError& e) {
    throw_message(e.what());
  }
  switch (op->bop) {
    case BinaryOp::Eq: return Value::boolean(c == 0);
    case BinaryOp::Ne: return Value::boolean(c != 0);
    case BinaryOp::Lt: return Value::boolean(c < 0);
    case BinaryOp::Le: return Value::boolean(c <= 0);
    case BinaryOp::Gt: return Value::boolean(c > 0);
    case BinaryOp::Ge: return Value::boolean(c >= 0);
    default: return Value::boolean(false);
  }
}
}  // namespace

void Evaluator::eval_binary(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  // The right operand varies slowest, as in jq. Single-output operands (the
  // usual case) are computed in a plain sequence.
  if (is_single(op->b, env) && is_single(op->a, env)) {
    Value r, l;
    if (!eval_operand(op->b, in, env, r) || !eval_operand(op->a, in, env, l)) return;
    return emit_value(binary_result(op, l, r), in, path, k);
  }
  eval_binary_many(op, in, path, env, k);
}

void Evaluator::eval_binary_many(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  with_value(op->b, in, env, [&](const Value& r) {
    with_value(op->a, in, env, [&](const Value& l) { emit_value(binary_result(op, l, r), in, path, k); });
  });
}

void Evaluator::eval_logic(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  const bool is_and = op->kind == OpKind::And;
  with_value(op->a, in, env, [&](const Value& l) {
    if (is_and ? !l.truthy() : l.truthy()) return emit_value(Value::boolean(!is_and), in, path, k);
    with_value(op->b, in, env, [&](const Value& r) { emit_value(Value::boolean(r.truthy()), in, path, k); });
  });
}

void Evaluator::eval_alternative(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  bool any = false;
  catch_body_errors(
      [&] {
        eval(op->a, in, path, env, [&](const Value& v, const Path* p) {
          if (!v.truthy()) return;
          any = true;
          call_passing(k, v, p);
        });
      },
      nullptr);
  if (!any) eval(op->b, in, path, env, k);
}

void Evaluator::eval_funcdefs(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  const std::size_t n = op->funcs.size();
  SmallBuf<Frame> frames(n);
  const Frame* parent = env;
  for (std::size_t i = 0; i < n; ++i) {
    frames[i] = Frame{parent, nullptr, nullptr, op->funcs[i]};
    parent = &frames[i];
  }
  eval(op->a, in, path, parent, k);
}

// What a call of a jq function with parameters holds while its body runs:
// the depth count, the call frame, its closures and `$param` slots. Built and
// torn down out of line, so the frames of a deep recursion stay small.
struct Evaluator::CallScope {
  [[gnu::noinline]] CallScope(Evaluator& ev, const Op* op, const FuncInfo* f, const Frame* base, const Frame* env)
      : ev(ev), n(static_cast<std::size_t>(f->arity)) {
    enter_call(ev.depth_, ev.env_.max_call_depth);
    Closure* closures = ev.closure_slots_.push(n);
    Value* vars = ev.value_slots_.push(n);
    for (std::size_t i = 0; i < n; ++i) closures[i] = Closure{op->list[i], env, is_single(op->list[i], env)};
    frame = Frame{base, vars, closures, nullptr};
  }
  [[gnu::noinline]] ~CallScope() {
    --ev.depth_;
    ev.value_slots_.pop(n);
    ev.closure_slots_.pop(n);
  }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  Evaluator& ev;
  std::size_t n;
  Frame frame;
};

void Evaluator::eval_call_func(const Op* op, const FuncInfo* f, const Frame* def_frame, const Value& in,
                               const Path* path, const Frame* env, Out k) {
  const Frame* base = f->global ? nullptr : def_frame;
  if (f->arity == 0) {
    DepthGuard guard(depth_, env_.max_call_depth);
    return eval(f->body, in, path, base, k);
  }
  CallScope scope(*this, op, f, base, env);
  bind_params(op, f, 0, in, path, env, &scope.frame, k);
}

// `$param`s bind like `arg as $param`: the first one varies slowest.
// Single-output arguments are bound in a loop; the first generator hands
// over to bind_params_many.
void Evaluator::bind_params(const Op* op, const FuncInfo* f, std::size_t i, const Value& in, const Path* path,
                            const Frame* env, Frame* call, Out k) {
  const std::size_t n = static_cast<std::size_t>(f->arity);
  Value* vars = const_cast<Value*>(call->vars);
  for (; i < n; ++i) {
    if (!f->value_param[i]) continue;
    const Op* arg = op->list[i];
    if (!is_single(arg, env)) return bind_params_many(op, f, i, in, path, env, call, k);
    if (!eval_operand(arg, in, env, vars[i])) return;
  }
  eval(f->body, in, path, call, k);
}

void Evaluator::bind_params_many(const Op* op, const FuncInfo* f, std::size_t i, const Value& in,
                                 const Path* path, const Frame* env, Frame* call, Out k) {
  eval(op->list[i], in, nullptr, env, [&](const Value& v, const Path*) {
    const_cast<Value*>(call->vars)[i] = v;
    bind_params(op, f, i + 1, in, path, env, call, k);
  });
}

void Evaluator::eval_call_native(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  const std::size_t n = op->list.size();
  auto call = [&](std::span<const Value> args) {
    Value result;
    try {
      result = op->native->fn(in, args);
    } catch (const RuntimeError& e) {
      throw JqError{e.value()};
    } catch (const json::TooDeepError& e) {
      throw_message(e.what());
    }
    check_built_value(result);
    emit_value(result, in, path, k);
  };
  if (n == 0) return call({});
  Slots<Value> args(value_slots_, n);
  // The last argument varies slowest, as jq's C-function calls do.
  auto bind = [&](auto& self, std::size_t remaining) -> void {
    if (remaining == 0) return call(std::span<const Value>(args.data(), n));
    const std::size_t i = remaining - 1;
    with_value(op->list[i], in, env, [&](const Value& v) {
      args[i] = v;
      self(self, i);
    });
  };
  bind(bind, n);
}

// ---- destructuring ----

void Evaluator::destructure(const PatternOp& p, const Value& v, Value* slots, const Value& in, const Frame* frame,
                            FnRef<void()> k) {
  switch (p.kind) {
    case Pattern::Kind::Variable:
      slots[p.slot] = v;
      return k();
    case Pattern::Kind::Array: {
      if (!v.is_array() && !v.is_null())
        throw_message("Cannot index " + std::string(v.type_name()) + " with number");
      auto step = [&](auto& self, std::size_t i) -> void {
        if (i == p.elements.size()) return k();
        destructure(p.elements[i], index_value(v, Value::number(static_cast<double>(i))), slots, in, frame,
                    [&] { self(self, i + 1); });
      };
      return step(step, 0);
    }
    case Pattern::Kind::Object: {
      auto step = [&](auto& self, std::size_t i) -> void {
        if (i == p.fields.size()) return k();
        const PatternOp::Field& field = p.fields[i];
        auto with_key = [&](const Value& key) {
          if (!key.is_string()) throw_message("Cannot index " + std::string(v.type_name()) + " with " + describe(key));
          Value item = index_value(v, key);
          if (field.key_slot >= 0) slots[field.key_slot] = item;
          if (!field.value) return self(self, i + 1);
          destructure(*field.value, item, slots, in, frame, [&] { self(self, i + 1); });
        };
        if (field.key_slot >= 0 && !field.key) {
          return with_key(field.key_name);
        }
        eval(field.key, in, nullptr, frame, [&](const Value& key, const Path*) { with_key(key); });
      };
      return step(step, 0);
    }
  }
}

void Evaluator::eval_as(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  const std::size_t nslots = static_cast<std::size_t>(op->nslots);
  const std::size_t npatterns = op->patterns.size();
  with_value(op->a, in, env, [&](const Value& v) {
    Slots<Value> slots(value_slots_, nslots);
    Frame frame{env, slots.data(), nullptr, nullptr};
    if (npatterns == 1) {
      return destructure(op->patterns[0], v, slots.data(), in, &frame,
                         [&] { eval(op->b, in, path, &frame, k); });
    }
    // `?//`: on an error in binding or body, retry with the next pattern.
    for (std::size_t i = 0; i < npatterns; ++i) {
      for (std::size_t s = 0; s < nslots; ++s) slots[s] = Value();
      if (i + 1 == npatterns) {
        return destructure(op->patterns[i], v, slots.data(), in, &frame,
                           [&] { eval(op->b, in, path, &frame, k); });
      }
      Value error;
      bool failed = catch_body_errors(
          [&] {
            destructure(op->patterns[i], v, slots.data(), in, &frame, [&] {
              eval(op->b, in, path, &frame, [&](const Value& out, const Path* p) { call_passing(k, out, p); });
            });
          },
          &error);
      if (!failed) return;
    }
  });
}

// ---- reduce / foreach ----

namespace {
// The running state of reduce/foreach, with its path in path mode.
struct State {
  Value value;
  Path path;
  bool invalid = false;
  const Path* path_ptr(bool tracking) const {
    if (!tracking) return nullptr;
    return invalid ? kInvalidPath : &path;
  }
  void assign(const Value& v, const Path* p) {
    value = v;
    if (p == kInvalidPath) {
      invalid = true;
      path.clear();
    } else if (p) {
      invalid = false;
      path = *p;
    }
  }
};
}  // namespace

void Evaluator::eval_reduce(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  const bool tracking = path != nullptr;
  eval(op->b, in, path, env, [&](const Value& init, const Path* init_path) {
    State state;
    state.assign(init, init_path);
    Slots<Value> slots(value_slots_, static_cast<std::size_t>(op->nslots));
    Frame frame{env, slots.data(), nullptr, nullptr};
    eval(op->a, in, nullptr, env, [&](const Value& item, const Path*) {
      destructure(op->patterns[0], item, slots.data(), in, &frame, [&] {
        State next;
        bool any = false;
        Value current = std::move(state.value);
        state.value = Value();
        stealable_ = &current;
        eval(op->c, current, state.path_ptr(tracking), &frame, [&](const Value& v, const Path* p) {
          next.assign(v, p);
          any = true;
        });
        if (any) {
          state = std::move(next);
        } else {
          state = State();
          if (tracking) state.invalid = true;
        }
      });
    });
    k(state.value, state.path_ptr(tracking));
  });
}

void Evaluator::eval_foreach(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  const bool tracking = path != nullptr;
  eval(op->b, in, path, env, [&](const Value& init, const Path* init_path) {
    State state;
    state.assign(init, init_path);
    Slots<Value> slots(value_slots_, static_cast<std::size_t>(op->nslots));
    Frame frame{env, slots.data(), nullptr, nullptr};
    eval(op->a, in, nullptr, env, [&](const Value& item, const Path*) {
      destructure(op->patterns[0], item, slots.data(), in, &frame, [&] {
        State start = std::move(state);
        Value current = std::move(start.value);
        start.value = Value();
        stealable_ = &current;
        eval(op->c, current, start.path_ptr(tracking), &frame, [&](const Value& v, const Path* p) {
          state.assign(v, p);
          if (op->d)
            eval(op->d, v, p, &frame, k);
          else
            k(v, p);
        });
      });
    });
  });
}

// ---- recursion `..` ----

void Evaluator::eval_recurse_default(const Value& in, const Path* path, Out k) {
  // Pre-order walk with an explicit stack, so deep documents cannot overflow.
  struct Item {
    Value value;
    std::size_t next = 0;
  };
  std::vector<Item> stack;
  Path current;
  const bool tracking = path != nullptr;
  if (tracking) {
    if (path == kInvalidPath) {
      k(in, kInvalidPath);
      if (in.is_array() || in.is_object())
        throw_message("Invalid path expression near attempt to iterate through " + truncated_dump(in));
      return;
    }
    current = *path;
  }
  k(in, tracking ? &current : nullptr);
  if ((in.is_array() || in.is_object()) && in.size() > 0) stack.push_back(Item{in, 0});
  while (!stack.empty()) {
    Item& top = stack.back();
    const std::size_t n = top.value.size();
    if (top.next >= n) {
      stack.pop_back();
      if (tracking && !stack.empty()) current.pop_back();
      continue;
    }
    const std::size_t i = top.next++;
    Value child;
    if (top.value.is_array()) {
      child = top.value.as_array()[i];
      if (tracking) {
        if (i > 0) current.pop_back();
        current.push_back(Value::number(static_cast<double>(i)));
      }
    } else {
      const auto& entry = top.value.as_object().entries()[i];
      child = entry.second;
      if (tracking) {
        if (i > 0) current.pop_back();
        current.push_back(Value::string(entry.first));
      }
    }
    k(child, tracking ? &current : nullptr);
    if ((child.is_array() || child.is_object()) && child.size() > 0) stack.push_back(Item{std::move(child), 0});
  }
}

void Evaluator::for_each_path(const Op* f, const Value& in, const Frame* env, FnRef<void(const Path&)> k) {
  Path root;
  eval(f, in, &root, env, [&](const Value& v, const Path* p) {
    if (p == kInvalidPath || !p) throw_message("Invalid path expression with result " + truncated_dump(v));
    k(*p);
  });
}

// ---- assignment ----

namespace {
struct FirstOutput {};
}  // namespace

namespace {
BinaryOp arith_of(AssignOp aop) {
  switch (aop) {
    case AssignOp::SubUpdate: return BinaryOp::Sub;
    case AssignOp::MulUpdate: return BinaryOp::Mul;
    case AssignOp::DivUpdate: return BinaryOp::Div;
    case AssignOp::ModUpdate: return BinaryOp::Mod;
    default: return BinaryOp::Add;
  }
}
}  // namespace

Value Evaluator::update_paths(const Op* op, Value result, const std::vector<Path>& paths, const Frame* env) {
  std::vector<Path> deletions;
  for (const Path& p : paths) {
    Value old = getpath(result, p);
    Value replacement;
    bool got = false;
    if (op->single_update) {
      eval(op->b, old, nullptr, env, [&](const Value& v, const Path*) {
        replacement = v;
        got = true;
      });
    } else {
      try {
        eval(op->b, old, nullptr, env, [&](const Value& v, const Path*) {
          replacement = v;
          got = true;
          throw FirstOutput{};
        });
      } catch (const FirstOutput&) {
      }
    }
    old = Value();
    if (got)
      result = setpath(std::move(result), p, 0, std::move(replacement));
    else
      deletions.push_back(p);
  }
  if (!deletions.empty()) result = delpaths(std::move(result), std::move(deletions));
  return result;
}

Value Evaluator::assign_paths(const Op* op, Value result, const std::vector<Path>& paths, const Value& rhs) {
  for (const Path& p : paths) {
    switch (op->aop) {
      case AssignOp::Set:
        result = setpath(std::move(result), p, 0, rhs);
        break;
      case AssignOp::AltUpdate: {
        if (!getpath(result, p).truthy()) result = setpath(std::move(result), p, 0, rhs);
        break;
      }
      default: {
        Value updated = arith(arith_of(op->aop), getpath(result, p), rhs);
        result = setpath(std::move(result), p, 0, std::move(updated));
      }
    }
  }
  return result;
}

void Evaluator::eval_assign(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  const bool steal = op->steal_input && stealable_ == &in;
  stealable_ = nullptr;
  if (steal) {
    // `in` is a temporary only we read: gather paths and right-hand values
    // first, then update it in place (no copy of the whole document per step).
    Value& owned = const_cast<Value&>(in);
    std::vector<Path> paths;
    if (op->aop == AssignOp::Update) {
      for_each_path(op->a, in, env, [&](const Path& p) { paths.push_back(p); });
      Value result = update_paths(op, std::move(owned), paths, env);
      stealable_ = &result;
      return k(result, path ? kInvalidPath : nullptr);
    }
    std::vector<Value> rhs_values;
    eval(op->b, in, nullptr, env, [&](const Value& v, const Path*) { rhs_values.push_back(v); });
    if (rhs_values.empty()) return;
    for_each_path(op->a, in, env, [&](const Path& p) { paths.push_back(p); });
    for (std::size_t i = 0; i < rhs_values.size(); ++i) {
      Value base = i + 1 == rhs_values.size() ? std::move(owned) : in;
      Value result = assign_paths(op, std::move(base), paths, rhs_values[i]);
      stealable_ = &result;
      k(result, path ? kInvalidPath : nullptr);
    }
    return;
  }
  if (op->aop == AssignOp::Update) {
    std::vector<Path> paths;
    for_each_path(op->a, in, env, [&](const Path& p) { paths.push_back(p); });
    Value result = update_paths(op, in, paths, env);
    stealable_ = &result;
    return emit_value(result, in, path, k);
  }
  // For each right-hand value (evaluated on the original input), update every path.
  eval(op->b, in, nullptr, env, [&](const Value& rhs, const Path*) {
    Value result = in;
    for_each_path(op->a, in, env, [&](const Path& p) { result = assign_paths(op, std::move(result), {p}, rhs); });
    stealable_ = &result;
    emit_value(result, in, path, k);
  });
}

}  // namespace netinspect::jq::eval
