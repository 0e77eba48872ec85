// Which expressions yield at most one output (Op::single), and the runtime
// check for the ones that depend on their filter arguments.
#include "jq/eval.h"

namespace netinspect::jq::eval {
namespace {

// Accumulates the children of one op.
struct Combined {
  bool many = false;
  std::vector<ClosureRef> refs;

  void add(const Op* child, int frames_inside = 0) {
    if (!child || many) return;
    if (child->single == Single::Many) {
      many = true;
      return;
    }
    for (ClosureRef ref : child->closure_refs) {
      // Refs from inside `frames_inside` new frames (as/reduce/label/defs,
      // none of which hold closures) point past them.
      ref.hops -= frames_inside;
      if (ref.hops < 0) {
        many = true;
        return;
      }
      add_ref(ref);
    }
  }
  void add_ref(ClosureRef ref) {
    for (const ClosureRef& r : refs)
      if (r == ref) return;
    refs.push_back(ref);
  }
  void store(Op* op) const {
    op->closure_refs.clear();
    if (many) {
      op->single = Single::Many;
      return;
    }
    op->single = refs.empty() ? Single::One : Single::IfClosures;
    op->closure_refs = refs;
  }
};

bool pattern_has_key_exprs(const PatternOp& p) {
  for (const auto& e : p.elements)
    if (pattern_has_key_exprs(e)) return true;
  for (const auto& f : p.fields) {
    if (f.key && f.key->kind != OpKind::Literal) return true;
    if (f.value && pattern_has_key_exprs(*f.value)) return true;
  }
  return false;
}

// A call of a jq-defined function: single when its body is, with the body's
// uses of filter parameters replaced by the arguments' own dependencies.
void analyze_call(Op* op, Combined& c) {
  const FuncInfo* f = op->func;
  if (!f || f->single == Single::Many) {
    c.many = true;
    return;
  }
  for (int i = 0; i < f->arity; ++i)
    if (f->value_param[static_cast<std::size_t>(i)]) c.add(op->list[static_cast<std::size_t>(i)]);
  for (const ClosureRef& ref : f->closure_refs) {
    if (f->arity > 0 && ref.hops == 0) {
      c.add(op->list[static_cast<std::size_t>(ref.slot)]);
      continue;
    }
    if (f->global) {
      c.many = true;  // cannot happen: globals see no frames
      return;
    }
    // Frames above the body: the call frame's parent is the definition frame.
    const int above_def = f->arity > 0 ? ref.hops - 1 : ref.hops;
    c.add_ref(ClosureRef{op->hops + above_def, ref.slot});
  }
}

void analyze_intrinsic(Op* op, Combined& c) {
  switch (op->intrinsic) {
    // Always at most one output, whatever the arguments do.
    case Intrinsic::Empty: case Intrinsic::Error0: case Intrinsic::Not: case Intrinsic::First:
    case Intrinsic::IsEmpty: case Intrinsic::Map: case Intrinsic::Add1: case Intrinsic::Last1:
    case Intrinsic::Any2: case Intrinsic::All2: case Intrinsic::Input: case Intrinsic::Debug0:
    case Intrinsic::Stderr: case Intrinsic::Env: case Intrinsic::Builtins: case Intrinsic::Halt:
    case Intrinsic::HaveLiteralNumbers: case Intrinsic::HaveDecnum: case Intrinsic::InputFilename:
    case Intrinsic::InputLineNumber: case Intrinsic::Count: case Intrinsic::ModuleMeta:
    case Intrinsic::GetSearchList: case Intrinsic::GetProgOrigin: case Intrinsic::GetJqOrigin:
      return;
    // One output per combination of argument values.
    case Intrinsic::Error1: case Intrinsic::GetPath: case Intrinsic::SetPath: case Intrinsic::DelPaths:
    case Intrinsic::Select: case Intrinsic::HaltError1:
      for (const Op* arg : op->list) c.add(arg);
      return;
    default:
      c.many = true;
      return;
  }
}

}  // namespace

void analyze_single(Op* op) {
  Combined c;
  switch (op->kind) {
    case OpKind::Identity: case OpKind::Literal: case OpKind::Format: case OpKind::Var:
    case OpKind::GlobalVar: case OpKind::EnvVar: case OpKind::Break: case OpKind::ArrayCons:
      break;
    case OpKind::RecurseDefault: case OpKind::Iterate: case OpKind::Comma: case OpKind::Foreach:
      c.many = true;
      break;
    case OpKind::Index:
      c.add(op->a);
      if (!op->has_const_key) c.add(op->b);
      break;
    case OpKind::Slice:
      c.add(op->a);
      c.add(op->c);
      c.add(op->d);
      break;
    case OpKind::Try:
    case OpKind::Pipe: case OpKind::Arith: case OpKind::Compare: case OpKind::And:
    case OpKind::Or: case OpKind::Alternative:
      c.add(op->a);
      c.add(op->b);
      break;
    case OpKind::Negate:
      c.add(op->a);
      break;
    case OpKind::StringInterp: case OpKind::CallNative: case OpKind::ObjectCons:
      for (const Op* part : op->list) c.add(part);
      break;
    case OpKind::Assign:
      // `|=` yields one result; the others one per right-hand value.
      if (op->aop != AssignOp::Update) c.add(op->b);
      break;
    case OpKind::If:
      c.add(op->a);
      c.add(op->b);
      c.add(op->c);
      break;
    case OpKind::Reduce:
      c.add(op->b);
      break;
    case OpKind::FuncDefs:
      c.add(op->a, static_cast<int>(op->funcs.size()));
      break;
    case OpKind::As:
      if (op->patterns.size() != 1 || pattern_has_key_exprs(op->patterns[0])) {
        c.many = true;
        break;
      }
      c.add(op->a);
      c.add(op->b, 1);
      break;
    case OpKind::Label:
      c.add(op->a, 1);
      break;
    case OpKind::CallClosure:
      c.add_ref(ClosureRef{op->hops, op->slot});
      break;
    case OpKind::CallGlobal:
    case OpKind::CallLocal:
      analyze_call(op, c);
      break;
    case OpKind::CallIntrinsic:
      analyze_intrinsic(op, c);
      break;
  }
  c.store(op);
}

namespace {
void reanalyze_pattern(const PatternOp& p) {
  for (const auto& e : p.elements) reanalyze_pattern(e);
  for (const auto& f : p.fields) {
    reanalyze_single(f.key);
    if (f.value) reanalyze_pattern(*f.value);
  }
}
}  // namespace

void analyze_function(FuncInfo* f) {
  // Optimistic start (recursive calls assumed single), then iterate until the
  // assumption matches the body; each round can only add dependencies or
  // give up (Many), so two or three rounds settle it.
  for (int round = 0;; ++round) {
    reanalyze_single(f->body);
    if (f->single == f->body->single && f->closure_refs == f->body->closure_refs) return;
    f->single = round >= 3 ? Single::Many : f->body->single;
    f->closure_refs = f->single == Single::Many ? std::vector<ClosureRef>{} : f->body->closure_refs;
    if (f->single == Single::Many) {
      reanalyze_single(f->body);
      return;
    }
  }
}

void reanalyze_single(const Op* op) {
  if (!op) return;
  if (op->kind == OpKind::FuncDefs)
    for (const FuncInfo* f : op->funcs) analyze_function(const_cast<FuncInfo*>(f));
  reanalyze_single(op->a);
  reanalyze_single(op->b);
  reanalyze_single(op->c);
  reanalyze_single(op->d);
  for (const Op* child : op->list) reanalyze_single(child);
  for (const PatternOp& p : op->patterns) reanalyze_pattern(p);
  analyze_single(const_cast<Op*>(op));
}

bool is_single(const Op* op, const Frame* env) {
  switch (op->single) {
    case Single::One: return true;
    case Single::Many: return false;
    case Single::IfClosures: break;
  }
  for (const ClosureRef& ref : op->closure_refs) {
    const Frame* f = env;
    for (int h = ref.hops; h > 0; --h) f = f->parent;
    if (!f->closures[ref.slot].single) return false;
  }
  return true;
}

}  // namespace netinspect::jq::eval
