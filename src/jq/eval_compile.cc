// Lowering the AST into resolved Op trees: jq's lexical scoping, done once.
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "jq/eval.h"
#include "jq/modules.h"
#include "jq/parser.h"
#include "json/write.h"

namespace netinspect::jq::eval {
namespace {

struct IntrinsicSpec {
  const char* name;
  int arity;
  Intrinsic id;
};

// Builtins that need the evaluator (generators, paths, control flow, I/O).
// They take precedence over prelude definitions of the same name/arity.
constexpr IntrinsicSpec kIntrinsics[] = {
    {"empty", 0, Intrinsic::Empty},
    {"error", 0, Intrinsic::Error0},
    {"error", 1, Intrinsic::Error1},
    {"not", 0, Intrinsic::Not},
    {"path", 1, Intrinsic::Path},
    {"getpath", 1, Intrinsic::GetPath},
    {"setpath", 2, Intrinsic::SetPath},
    {"delpaths", 1, Intrinsic::DelPaths},
    {"paths", 0, Intrinsic::Paths0},
    {"range", 1, Intrinsic::Range1},
    {"range", 2, Intrinsic::Range2},
    {"range", 3, Intrinsic::Range3},
    {"recurse", 0, Intrinsic::Recurse0},
    {"recurse", 1, Intrinsic::Recurse1},
    {"recurse", 2, Intrinsic::Recurse2},
    {"limit", 2, Intrinsic::Limit},
    {"first", 1, Intrinsic::First},
    {"isempty", 1, Intrinsic::IsEmpty},
    {"input", 0, Intrinsic::Input},
    {"inputs", 0, Intrinsic::Inputs},
    {"debug", 0, Intrinsic::Debug0},
    {"stderr", 0, Intrinsic::Stderr},
    {"input_filename", 0, Intrinsic::InputFilename},
    {"input_line_number", 0, Intrinsic::InputLineNumber},
    {"env", 0, Intrinsic::Env},
    {"builtins", 0, Intrinsic::Builtins},
    {"halt", 0, Intrinsic::Halt},
    {"halt_error", 1, Intrinsic::HaltError1},
    {"tostream", 0, Intrinsic::ToStream},
    {"fromstream", 1, Intrinsic::FromStream},
    {"truncate_stream", 1, Intrinsic::TruncateStream1},
    {"truncate_stream", 2, Intrinsic::TruncateStream2},
    {"until", 2, Intrinsic::Until},
    {"while", 2, Intrinsic::While},
    {"repeat", 1, Intrinsic::Repeat},
    {"add", 1, Intrinsic::Add1},
    {"have_literal_numbers", 0, Intrinsic::HaveLiteralNumbers},
    {"have_decnum", 0, Intrinsic::HaveDecnum},
    {"skip", 2, Intrinsic::Skip},
    {"nth", 2, Intrinsic::Nth2},
    {"last", 1, Intrinsic::Last1},
    {"any", 2, Intrinsic::Any2},
    {"all", 2, Intrinsic::All2},
    {"select", 1, Intrinsic::Select},
    {"map", 1, Intrinsic::Map},
    {"modulemeta", 0, Intrinsic::ModuleMeta},
    {"get_search_list", 0, Intrinsic::GetSearchList},
    {"get_prog_origin", 0, Intrinsic::GetProgOrigin},
    {"get_jq_origin", 0, Intrinsic::GetJqOrigin},
};

const IntrinsicSpec* find_intrinsic(std::string_view name, int arity) {
  for (const auto& spec : kIntrinsics)
    if (spec.arity == arity && name == spec.name) return &spec;
  return nullptr;
}

const NativeFunction* find_native(std::string_view name, int arity) {
  for (const auto& native : native_functions())
    if (native.arity == arity && native.name == name) return &native;
  return nullptr;
}

// Compile-time mirror of the runtime frame chain.
struct Scope {
  // Data: one `import "x" as $name` binding (names: "name", "name::name").
  enum class Kind { Vars, Call, LocalFunc, GlobalFunc, Label, Globals, Data };
  const Scope* parent = nullptr;
  Kind kind = Kind::Vars;
  std::vector<std::string> names;  // Vars: slots; Call: params; Label: name; Globals: slots
  const FuncInfo* func = nullptr;  // LocalFunc/GlobalFunc; Call: the function
  int runtime_depth = 0;           // runtime frames in the chain up to and including this one
  std::string alias;               // GlobalFunc from `import ... as m`: "m::name"
  Value data;                      // Data

  bool runtime() const { return kind != Kind::GlobalFunc && kind != Kind::Globals && kind != Kind::Data; }
  const std::string& func_name() const { return alias.empty() ? func->name : alias; }
};

int depth_of(const Scope* s) { return s ? s->runtime_depth : 0; }

class ModuleLoader;

class Compiler {
 public:
  Compiler(const std::string& source, Arena& arena, std::string file_name = "<top-level>")
      : source_(source), arena_(arena), file_name_(std::move(file_name)) {}

  [[noreturn]] void fail(const std::string& message, Position pos, std::size_t length) {
    std::uint32_t end = pos.end > pos.offset ? pos.end : pos.offset + static_cast<std::uint32_t>(length);
    throw CompileError(compile_error_text({locate_message(message, source_, file_name_, pos.offset, end)}));
  }

  // Compiles a module's top-level definitions on top of `scope`; `defs`
  // receives them in order.
  const Scope* compile_module_defs(const Node* node, const Scope* scope, std::vector<const FuncInfo*>& defs) {
    if (node && node->kind == Node::Kind::FuncDefs) {
      for (const auto& def : node->functions) {
        scope = define(*def, scope);
        defs.push_back(scope->func);
      }
    }
    return scope;
  }

  // Makes an imported function visible (as `alias`, or its own name for include).
  const Scope* add_import(const Scope* scope, const FuncInfo* f, std::string alias) {
    Scope s;
    s.parent = scope;
    s.kind = Scope::Kind::GlobalFunc;
    s.func = f;
    s.alias = std::move(alias);
    return push(std::move(s));
  }
  const Scope* add_data(const Scope* scope, const std::string& name, Value data) {
    Scope s;
    s.parent = scope;
    s.kind = Scope::Kind::Data;
    s.names = {name, name + "::" + name};
    s.data = std::move(data);
    return push(std::move(s));
  }

  // Compiles top-level definitions of a library (the prelude): every def is global.
  const Scope* compile_library_defs(const Node* node, const Scope* scope) {
    while (node && node->kind == Node::Kind::FuncDefs) {
      for (const auto& def : node->functions) {
        if (find_intrinsic(def->name, static_cast<int>(def->params.size()))) continue;
        scope = define(*def, scope);
      }
      node = node->body.get();
    }
    return scope;
  }

  const Op* compile(const Node* node, const Scope* scope);

  std::vector<std::unique_ptr<Scope>> scopes;  // owned scope records

 private:
  const Scope* push(Scope s) {
    s.runtime_depth = depth_of(s.parent) + (s.runtime() ? 1 : 0);
    scopes.push_back(std::make_unique<Scope>(std::move(s)));
    return scopes.back().get();
  }

  const Scope* define(const FunctionDef& def, const Scope* scope) {
    auto info = std::make_unique<FuncInfo>();
    FuncInfo* f = info.get();
    arena_.funcs.push_back(std::move(info));
    f->name = def.name;
    f->arity = static_cast<int>(def.params.size());
    f->global = depth_of(scope) == 0;
    for (const auto& p : def.params) f->value_param.push_back(p.value_param);
    Scope fs;
    fs.parent = scope;
    fs.kind = f->global ? Scope::Kind::GlobalFunc : Scope::Kind::LocalFunc;
    fs.func = f;
    const Scope* def_scope = push(std::move(fs));
    const Scope* body_scope = def_scope;
    if (f->arity > 0) {
      Scope cs;
      // A global function's call frame has no parent frame at run time.
      cs.parent = def_scope;
      cs.kind = Scope::Kind::Call;
      cs.func = f;
      for (const auto& p : def.params) cs.names.push_back(p.name);
      body_scope = push(std::move(cs));
    }
    f->body = def.body ? compile(def.body.get(), body_scope) : arena_.new_op(OpKind::Identity, def.pos);
    // Local functions are analyzed with the FuncDefs op that holds them.
    if (f->global) analyze_function(f);
    return def_scope;
  }

  // Variable lookup: sets hops/slot on `op` or turns it into a GlobalVar/EnvVar.
  void resolve_var(Op* op, const std::string& name, const Scope* scope, Position pos) {
    int hops = 0;
    for (const Scope* s = scope; s; s = s->parent) {
      switch (s->kind) {
        case Scope::Kind::Vars:
          for (int i = static_cast<int>(s->names.size()) - 1; i >= 0; --i)
            if (s->names[i] == name) {
              op->kind = OpKind::Var;
              op->hops = hops;
              op->slot = i;
              return;
            }
          break;
        case Scope::Kind::Call:
          for (int i = static_cast<int>(s->names.size()) - 1; i >= 0; --i)
            if (s->func->value_param[i] && s->names[i] == name) {
              op->kind = OpKind::Var;
              op->hops = hops;
              op->slot = i;
              return;
            }
          break;
        case Scope::Kind::Globals:
          for (int i = static_cast<int>(s->names.size()) - 1; i >= 0; --i)
            if (s->names[i] == name) {
              op->kind = OpKind::GlobalVar;
              op->slot = i;
              return;
            }
          break;
        case Scope::Kind::Data:
          if (s->names[0] == name || s->names[1] == name) {
            op->kind = OpKind::Literal;
            op->value = s->data;
            return;
          }
          break;
        default:
          break;
      }
      if (s->runtime()) ++hops;
    }
    if (name == "ENV") {
      op->kind = OpKind::EnvVar;
      return;
    }
    if (name == "__loc__") {
      op->kind = OpKind::Literal;
      json::Object loc;
      loc.set("file", Value::string(file_name_));
      loc.set("line", Value::number(pos.line));
      op->value = Value::object(std::move(loc));
      return;
    }
    fail("$" + name + " is not defined", pos, name.size() + 1);
  }

  const Op* compile_call(const Node* node, const Scope* scope);
  void collect_names(const Pattern& p, std::vector<std::string>& names);
  void lower_pattern(const Pattern& p, PatternOp& out, const std::vector<std::string>& names,
                     const Scope* key_scope);

  const std::string& source_;
  Arena& arena_;
  std::string file_name_;
};

// Whether the text before `offset` ends with `\(` (whitespace allowed): the
// part there is an interpolated expression, not literal text of the string.
bool follows_interpolation_start(const std::string& source, std::uint32_t offset) {
  std::size_t i = std::min<std::size_t>(offset, source.size());
  while (i > 0 && (source[i - 1] == ' ' || source[i - 1] == '\t' || source[i - 1] == '\n' || source[i - 1] == '\r')) --i;
  return i >= 2 && source[i - 1] == '(' && source[i - 2] == '\\';
}

// Whether `op` can never produce more than one output (conservative).
bool at_most_one(const Op* op, int budget = 64) {
  if (!op) return true;
  if (--budget <= 0) return false;
  auto one = [&](const Op* o) { return at_most_one(o, budget); };
  switch (op->kind) {
    case OpKind::Identity: case OpKind::Literal: case OpKind::Format: case OpKind::Var:
    case OpKind::GlobalVar: case OpKind::EnvVar: case OpKind::Break: case OpKind::ArrayCons:
      return true;
    case OpKind::Negate: case OpKind::Label:
      return one(op->a);
    case OpKind::FuncDefs:
      return one(op->a);
    case OpKind::Index:
      return one(op->a) && (op->has_const_key || one(op->b));
    case OpKind::Slice:
      return one(op->a) && one(op->c) && one(op->d);
    case OpKind::StringInterp:
    case OpKind::CallNative:
      for (const Op* part : op->list)
        if (!one(part)) return false;
      return true;
    case OpKind::ObjectCons:
      for (const Op* part : op->list)
        if (!one(part)) return false;
      return true;
    case OpKind::Pipe: case OpKind::Arith: case OpKind::Compare: case OpKind::And:
    case OpKind::Or: case OpKind::Alternative:
      return one(op->a) && one(op->b);
    case OpKind::If:
      return one(op->a) && one(op->b) && one(op->c);
    case OpKind::Reduce:
      return one(op->b);
    case OpKind::Try:
      return !op->b && one(op->a);
    case OpKind::Assign:
      return op->aop == AssignOp::Update || one(op->b);
    case OpKind::As:
      return op->patterns.size() == 1 && one(op->a) && one(op->b);
    case OpKind::CallGlobal:
    case OpKind::CallLocal:
      // Arguments only matter through the body; a body still being compiled
      // (recursion) is unknown.
      for (const Op* arg : op->list)
        if (!one(arg)) return false;
      return op->func->body && op->func->arity == 0 && one(op->func->body);
    case OpKind::CallIntrinsic:
      switch (op->intrinsic) {
        case Intrinsic::Empty: case Intrinsic::Error0: case Intrinsic::Not: case Intrinsic::First:
        case Intrinsic::IsEmpty: case Intrinsic::Map: case Intrinsic::Add1: case Intrinsic::Last1:
        case Intrinsic::Any2: case Intrinsic::All2: case Intrinsic::Input: case Intrinsic::Debug0:
        case Intrinsic::Stderr: case Intrinsic::Env: case Intrinsic::Builtins: case Intrinsic::Halt:
        case Intrinsic::HaveLiteralNumbers: case Intrinsic::HaveDecnum: case Intrinsic::InputFilename:
        case Intrinsic::InputLineNumber:
          return true;
        case Intrinsic::Error1: case Intrinsic::GetPath: case Intrinsic::SetPath: case Intrinsic::DelPaths:
        case Intrinsic::Select: case Intrinsic::HaltError1:
          for (const Op* arg : op->list)
            if (!one(arg)) return false;
          return true;
        default:
          return false;
      }
    default:
      return false;
  }
}

// Marks assignments that consume a reduce/foreach state in place (see Op::steal_input).
void mark_linear(const Op* op) {
  Op* mutable_op = const_cast<Op*>(op);
  if (op->kind == OpKind::Assign) {
    mutable_op->steal_input = true;
  } else if (op->kind == OpKind::Pipe) {
    mark_linear(op->a);
    // The pipe's right side sees the left side's output: a fresh value only
    // when the left side is itself an assignment.
    if (op->a->kind == OpKind::Assign) mark_linear(op->b);
  }
}

int slot_of(const std::vector<std::string>& names, const std::string& name) {
  for (int i = static_cast<int>(names.size()) - 1; i >= 0; --i)
    if (names[i] == name) return i;
  return -1;
}

void Compiler::collect_names(const Pattern& p, std::vector<std::string>& names) {
  auto add = [&](const std::string& n) {
    if (slot_of(names, n) < 0) names.push_back(n);
  };
  switch (p.kind) {
    case Pattern::Kind::Variable:
      add(p.name);
      break;
    case Pattern::Kind::Array:
      for (const auto& e : p.elements) collect_names(e, names);
      break;
    case Pattern::Kind::Object:
      for (const auto& f : p.fields) {
        if (!f.key_var.empty()) add(f.key_var);
        if (f.value) collect_names(*f.value, names);
      }
      break;
  }
}

void Compiler::lower_pattern(const Pattern& p, PatternOp& out, const std::vector<std::string>& names,
                             const Scope* key_scope) {
  out.kind = p.kind;
  switch (p.kind) {
    case Pattern::Kind::Variable:
      out.slot = slot_of(names, p.name);
      break;
    case Pattern::Kind::Array:
      out.elements.resize(p.elements.size());
      for (std::size_t i = 0; i < p.elements.size(); ++i)
        lower_pattern(p.elements[i], out.elements[i], names, key_scope);
      break;
    case Pattern::Kind::Object:
      for (const auto& f : p.fields) {
        PatternOp::Field field;
        if (!f.key_var.empty()) {
          field.key_slot = slot_of(names, f.key_var);
          field.key_name = Value::string(f.key_var);
        } else if (f.key_expr) {
          const Node* k = f.key_expr.get();
          if (k->kind == Node::Kind::Literal && !k->value.is_string())
            fail("Cannot use " + std::string(k->value.type_name()) + " (" + json::to_json(k->value) +
                     ") as object key",
                 k->pos, json::to_json(k->value).size());
          field.key = compile(k, key_scope);
        }
        if (f.value) {
          field.value = std::make_unique<PatternOp>();
          lower_pattern(*f.value, *field.value, names, key_scope);
        }
        out.fields.push_back(std::move(field));
      }
      break;
  }
}

const Op* Compiler::compile_call(const Node* node, const Scope* scope) {
  const int arity = static_cast<int>(node->args.size());
  Op* op = arena_.new_op(OpKind::CallGlobal, node->pos);
  op->name = node->name;
  for (const auto& arg : node->args) op->list.push_back(compile(arg.get(), scope));
  int hops = 0;
  for (const Scope* s = scope; s; s = s->parent) {
    switch (s->kind) {
      case Scope::Kind::GlobalFunc:
      case Scope::Kind::LocalFunc:
        if (s->func->arity == arity && s->func_name() == node->name) {
          if (s->kind == Scope::Kind::GlobalFunc) {
            op->kind = OpKind::CallGlobal;
          } else {
            op->kind = OpKind::CallLocal;
            op->hops = hops;
          }
          op->func = s->func;
          return op;
        }
        break;
      case Scope::Kind::Call:
        if (arity == 0)
          for (int i = static_cast<int>(s->names.size()) - 1; i >= 0; --i)
            if (s->names[i] == node->name) {
              op->kind = s->func->value_param[i] ? OpKind::Var : OpKind::CallClosure;
              op->hops = hops;
              op->slot = i;
              return op;
            }
        break;
      default:
        break;
    }
    if (s->runtime()) ++hops;
  }
  if (const IntrinsicSpec* spec = find_intrinsic(node->name, arity)) {
    op->kind = OpKind::CallIntrinsic;
    op->intrinsic = spec->id;
    return op;
  }
  if (const NativeFunction* native = find_native(node->name, arity)) {
    op->kind = OpKind::CallNative;
    op->native = native;
    return op;
  }
  fail(node->name + "/" + std::to_string(arity) + " is not defined", node->pos, node->name.size());
}

const Op* Compiler::compile(const Node* node, const Scope* scope) {
  using K = Node::Kind;
  auto sub = [&](const NodePtr& n) -> const Op* { return n ? compile(n.get(), scope) : nullptr; };
  switch (node->kind) {
    case K::Identity:
      return arena_.new_op(OpKind::Identity, node->pos);
    case K::RecurseDefault:
      return arena_.new_op(OpKind::RecurseDefault, node->pos);
    case K::Literal: {
      Op* op = arena_.new_op(OpKind::Literal, node->pos);
      op->value = node->value;
      return op;
    }
    case K::Format: {
      Op* op = arena_.new_op(OpKind::Format, node->pos);
      op->name = node->name;
      return op;
    }
    case K::StringInterp: {
      Op* op = arena_.new_op(OpKind::StringInterp, node->pos);
      op->name = node->format;
      for (const auto& part : node->parts) {
        op->list.push_back(compile(part.get(), scope));
        op->raw_text.push_back(part->kind == K::Literal && part->value.is_string() &&
                               !follows_interpolation_start(source_, part->pos.offset));
      }
      return op;
    }
    case K::Index: {
      Op* op = arena_.new_op(OpKind::Index, node->pos);
      op->a = sub(node->target);
      op->b = sub(node->index);
      if (op->b && op->b->kind == OpKind::Literal) {
        op->has_const_key = true;
        op->value = op->b->value;
      }
      return op;
    }
    case K::Slice: {
      Op* op = arena_.new_op(OpKind::Slice, node->pos);
      op->a = sub(node->target);
      op->c = sub(node->from);
      op->d = sub(node->to);
      return op;
    }
    case K::Iterate: {
      Op* op = arena_.new_op(OpKind::Iterate, node->pos);
      op->a = sub(node->target);
      return op;
    }
    case K::Try: {
      Op* op = arena_.new_op(OpKind::Try, node->pos);
      op->a = sub(node->body);
      op->b = sub(node->handler);
      return op;
    }
    case K::Optional: {
      Op* op = arena_.new_op(OpKind::Try, node->pos);
      op->a = sub(node->body);
      return op;
    }
    case K::ArrayCons: {
      Op* op = arena_.new_op(OpKind::ArrayCons, node->pos);
      op->a = sub(node->body);
      return op;
    }
    case K::ObjectCons: {
      Op* op = arena_.new_op(OpKind::ObjectCons, node->pos);
      for (const auto& e : node->entries) {
        const Op* key = nullptr;
        const Op* value = nullptr;
        if (!e.key_var.empty()) {
          Op* k = arena_.new_op(OpKind::Literal, node->pos);
          k->value = Value::string(e.key_var);
          key = k;
          Op* v = arena_.new_op(OpKind::Var, node->pos);
          resolve_var(v, e.key_var, scope, node->pos);
          value = v;
        } else {
          const Node* kn = e.key_expr.get();
          if (kn->kind == K::Literal && !kn->value.is_string())
            fail("Cannot use " + std::string(kn->value.type_name()) + " (" + json::to_json(kn->value) +
                     ") as object key",
                 kn->pos, json::to_json(kn->value).size());
          key = compile(kn, scope);
          if (e.value) {
            value = compile(e.value.get(), scope);
          } else {
            // `{a}` / `{"a"}` / `{@base64 "x"}` shorthand: the field of the input.
            Op* idx = arena_.new_op(OpKind::Index, kn->pos);
            idx->b = key;
            if (key->kind == OpKind::Literal) {
              idx->has_const_key = true;
              idx->value = key->value;
            }
            value = idx;
          }
        }
        op->list.push_back(key);
        op->list.push_back(value);
      }
      return op;
    }
    case K::Negate: {
      Op* op = arena_.new_op(OpKind::Negate, node->pos);
      op->a = sub(node->body);
      return op;
    }
    case K::Pipe:
    case K::Comma: {
      Op* op = arena_.new_op(node->kind == K::Pipe ? OpKind::Pipe : OpKind::Comma, node->pos);
      op->a = sub(node->lhs);
      op->b = sub(node->rhs);
      return op;
    }
    case K::Binary: {
      OpKind kind = OpKind::Arith;
      switch (node->op) {
        case BinaryOp::Eq: case BinaryOp::Ne: case BinaryOp::Lt:
        case BinaryOp::Le: case BinaryOp::Gt: case BinaryOp::Ge:
          kind = OpKind::Compare;
          break;
        case BinaryOp::And: kind = OpKind::And; break;
        case BinaryOp::Or: kind = OpKind::Or; break;
        case BinaryOp::Alternative: kind = OpKind::Alternative; break;
        default: break;
      }
      Op* op = arena_.new_op(kind, node->pos);
      op->bop = node->op;
      op->a = sub(node->lhs);
      op->b = sub(node->rhs);
      return op;
    }
    case K::Assign: {
      Op* op = arena_.new_op(OpKind::Assign, node->pos);
      op->aop = node->assign_op;
      op->a = sub(node->lhs);
      op->b = sub(node->rhs);
      op->single_update = op->aop == AssignOp::Update && at_most_one(op->b);
      return op;
    }
    case K::If: {
      Op* op = arena_.new_op(OpKind::If, node->pos);
      op->a = sub(node->cond);
      op->b = sub(node->then_branch);
      op->c = node->else_branch ? sub(node->else_branch) : arena_.new_op(OpKind::Identity, node->pos);
      return op;
    }
    case K::Reduce:
    case K::Foreach: {
      Op* op = arena_.new_op(node->kind == K::Reduce ? OpKind::Reduce : OpKind::Foreach, node->pos);
      op->a = sub(node->source);
      op->b = sub(node->init);
      std::vector<std::string> names;
      for (const auto& p : node->patterns) collect_names(p, names);
      Scope vs;
      vs.parent = scope;
      vs.kind = Scope::Kind::Vars;
      vs.names = names;
      const Scope* inner = push(std::move(vs));
      op->patterns.resize(node->patterns.size());
      for (std::size_t i = 0; i < node->patterns.size(); ++i)
        lower_pattern(node->patterns[i], op->patterns[i], names, inner);
      op->nslots = static_cast<int>(names.size());
      op->c = compile(node->update.get(), inner);
      mark_linear(op->c);
      if (node->extract) op->d = compile(node->extract.get(), inner);
      return op;
    }
    case K::As: {
      Op* op = arena_.new_op(OpKind::As, node->pos);
      op->a = sub(node->source);
      std::vector<std::string> names;
      for (const auto& p : node->patterns) collect_names(p, names);
      Scope vs;
      vs.parent = scope;
      vs.kind = Scope::Kind::Vars;
      vs.names = names;
      const Scope* inner = push(std::move(vs));
      op->patterns.resize(node->patterns.size());
      for (std::size_t i = 0; i < node->patterns.size(); ++i)
        lower_pattern(node->patterns[i], op->patterns[i], names, inner);
      op->nslots = static_cast<int>(names.size());
      op->b = node->body ? compile(node->body.get(), inner) : arena_.new_op(OpKind::Identity, node->pos);
      return op;
    }
    case K::FuncDefs: {
      const Scope* s = scope;
      std::vector<const FuncInfo*> locals;
      for (const auto& def : node->functions) {
        s = define(*def, s);
        if (!s->func->global) locals.push_back(s->func);
      }
      const Op* body = node->body ? compile(node->body.get(), s) : arena_.new_op(OpKind::Identity, node->pos);
      if (locals.empty()) return body;
      Op* op = arena_.new_op(OpKind::FuncDefs, node->pos);
      op->funcs = std::move(locals);
      op->a = body;
      return op;
    }
    case K::Call:
      return compile_call(node, scope);
    case K::Variable: {
      Op* op = arena_.new_op(OpKind::Var, node->pos);
      op->name = node->name;
      resolve_var(op, node->name, scope, node->pos);
      return op;
    }
    case K::Label: {
      Op* op = arena_.new_op(OpKind::Label, node->pos);
      Scope ls;
      ls.parent = scope;
      ls.kind = Scope::Kind::Label;
      ls.names.push_back(node->name);
      op->a = node->body ? compile(node->body.get(), push(std::move(ls)))
                         : arena_.new_op(OpKind::Identity, node->pos);
      return op;
    }
    case K::Break: {
      Op* op = arena_.new_op(OpKind::Break, node->pos);
      int hops = 0;
      for (const Scope* s = scope; s; s = s->parent) {
        if (s->kind == Scope::Kind::Label && s->names[0] == node->name) {
          op->hops = hops;
          return op;
        }
        if (s->runtime()) ++hops;
      }
      // The caret spans `break $name`.
      std::size_t length = 0;
      std::size_t dollar = source_.find('$', node->pos.offset);
      if (dollar != std::string::npos) length = dollar + 1 + node->name.size() - node->pos.offset;
      fail("$*label-" + node->name + " is not defined", node->pos, length);
    }
  }
  fail("unsupported expression", node->pos, 1);
}

// The prelude, compiled once per process and never freed.
struct PreludeUnit {
  Arena arena;
  Program program;
  std::unique_ptr<Compiler> compiler;
  const Scope* scope = nullptr;
};

const PreludeUnit& prelude() {
  static const PreludeUnit* unit = [] {
    auto* u = new PreludeUnit();
    std::string source(prelude_source());
    source += "\n.";
    u->program = parse_program(source);
    u->compiler = std::make_unique<Compiler>(u->program.source, u->arena);
    try {
      u->scope = u->compiler->compile_library_defs(u->program.body.get(), nullptr);
    } catch (const CompileError& e) {
      throw CompileError(std::string("in the builtin prelude: ") + e.what());
    }
    return u;
  }();
  return *unit;
}

// Loads, compiles and caches the modules one program imports (each once,
// whatever the number of importers); their code lives in the program's arena.
class ModuleLoader {
 public:
  ModuleLoader(const modules::SearchConfig& config, Arena& arena) : config_(config), arena_(arena) {}

  // Adds the bindings of `imports` (of a file in directory `origin`) to `scope`.
  const Scope* apply_imports(Compiler& importer, const std::vector<Import>& imports, const std::string& origin,
                             const Scope* scope) {
    for (const Import& import : imports) {
      const json::Value search = import.metadata.get("search");
      std::string path = modules::find_module(import.path, search, origin, config_, import.is_data);
      if (path.empty()) throw CompileError(compile_error_text({"module not found: " + import.path}));
      std::string alias = import.alias;
      if (!alias.empty() && alias[0] == '$') alias.erase(0, 1);
      if (import.is_data) {
        scope = importer.add_data(scope, alias, modules::read_module_data(path));
        continue;
      }
      const Module& module = load(path);
      for (const FuncInfo* f : module.defs)
        scope = importer.add_import(scope, f, import.is_include ? std::string() : alias + "::" + f->name);
    }
    return scope;
  }

 private:
  struct Module {
    std::string source;
    Program program;
    std::unique_ptr<Compiler> compiler;
    std::vector<const FuncInfo*> defs;
    bool ready = false;
  };

  const Module& load(const std::string& path) {
    auto& slot = modules_[path];
    if (slot) {
      if (!slot->ready) throw CompileError(compile_error_text({"module imports itself: " + path}));
      return *slot;
    }
    slot = std::make_unique<Module>();
    Module& m = *slot;
    m.source = modules::read_module_source(path);
    m.program = parse_program(m.source, path);
    m.compiler = std::make_unique<Compiler>(m.program.source, arena_, path);
    const Scope* scope = apply_imports(*m.compiler, m.program.imports, modules::directory_of(path), prelude().scope);
    m.compiler->compile_module_defs(m.program.body.get(), scope, m.defs);
    m.ready = true;
    return m;
  }

  const modules::SearchConfig& config_;
  Arena& arena_;
  std::map<std::string, std::unique_ptr<Module>> modules_;
};

}  // namespace

void compile_program(const Program& program, const CompileOptions& options, ProgramUnit& unit) {
  const PreludeUnit& lib = prelude();
  unit.search = modules::make_search_config(options);
  Compiler compiler(program.source, unit.arena);
  ModuleLoader loader(unit.search, unit.arena);
  auto globals = std::make_unique<Scope>();
  globals->parent = program.imports.empty()
                        ? lib.scope
                        : loader.apply_imports(compiler, program.imports, unit.search.program_origin, lib.scope);
  globals->kind = Scope::Kind::Globals;
  globals->names = options.predefined_variables;
  for (const char* implicit : {"ARGS", "__prog_args", "JQ_BUILD_CONFIGURATION"})
    if (std::find(globals->names.begin(), globals->names.end(), implicit) == globals->names.end())
      globals->names.insert(globals->names.begin(), implicit);
  unit.global_names = globals->names;
  const Scope* scope = globals.get();
  compiler.scopes.push_back(std::move(globals));
  unit.main = program.body ? compiler.compile(program.body.get(), scope)
                           : unit.arena.new_op(OpKind::Identity, Position{});
  reanalyze_single(unit.main);
}

std::vector<std::string> builtin_names() {
  std::vector<std::string> names;
  for (const auto& spec : kIntrinsics) names.push_back(std::string(spec.name) + "/" + std::to_string(spec.arity));
  for (const auto& native : native_functions())
    if (!native.name.starts_with("_"))
      names.push_back(std::string(native.name) + "/" + std::to_string(native.arity));
  for (const Scope* s = prelude().scope; s; s = s->parent)
    if (s->kind == Scope::Kind::GlobalFunc && !s->func->name.starts_with("_"))
      names.push_back(s->func->name + "/" + std::to_string(s->func->arity));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace netinspect::jq::eval
