// Builtins that need the evaluator itself: generators, control flow, paths, I/O.
#include <cmath>
#include <string>

#include "jq/eval.h"
#include "jq/parser.h"
#include "json/write.h"

namespace netinspect::jq::eval {

namespace {

void emit_plain(const Value& v, const Value& in, const Path* path, Out k) {
  if (!path) return k(v, nullptr);
  // A computed value in path mode is not a path (unless it is the input itself).
  if (path != kInvalidPath && v.kind() == in.kind() &&
      (v.is_null() || v.is_bool() || (v.is_number() && v.as_number() == in.as_number())))
    return k(v, path);
  k(v, kInvalidPath);
}

double range_number(const Value& v) {
  if (!v.is_number()) throw_message("Range bounds must be numeric");
  return v.as_number();
}

// Emits tostream events for `v` at `path` (post-order, as jq's definition does).
void to_stream(const Value& v, Path& path, FnRef<void(const Value&)> k) {
  const bool container = (v.is_array() || v.is_object()) && v.size() > 0;
  if (!container) {
    k(Value::array({path_to_value(path), v}));
    return;
  }
  Value last_key;
  if (v.is_array()) {
    const json::Array& arr = v.as_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      last_key = Value::number(static_cast<double>(i));
      path.push_back(last_key);
      to_stream(arr[i], path, k);
      path.pop_back();
    }
  } else {
    for (const auto& [key, child] : v.as_object()) {
      last_key = Value::string(key);
      path.push_back(last_key);
      to_stream(child, path, k);
      path.pop_back();
    }
  }
  path.push_back(last_key);
  k(Value::array({path_to_value(path)}));
  path.pop_back();
}

constexpr std::size_t kMaxPathLength = 10000;

}  // namespace

// The environment reports bad input as RuntimeError; inside the program it
// must be a jq error like any other, so `try input catch .` sees it.
std::optional<Value> Evaluator::read_input() {
  if (!env_.next_input) return std::nullopt;
  try {
    return env_.next_input();
  } catch (const RuntimeError& e) {
    throw JqError{e.value()};
  }
}

void Evaluator::eval_intrinsic(const Op* op, const Value& in, const Path* path, const Frame* env, Out k) {
  const auto& args = op->list;
  // Evaluates an argument normally against the input.
  auto each = [&](const Op* arg, auto&& f) {
    if (arg->kind == OpKind::Literal) return f(arg->value);
    eval(arg, in, nullptr, env, [&](const Value& v, const Path*) { f(v); });
  };
  switch (op->intrinsic) {
    case Intrinsic::Empty:
      return;
    case Intrinsic::Error0:
      throw_error(in);
    case Intrinsic::Error1:
      return each(args[0], [&](const Value& v) { throw_error(v); });
    case Intrinsic::Not:
      return emit_plain(Value::boolean(!in.truthy()), in, path, k);
    case Intrinsic::Path:
      return for_each_path(args[0], in, env, [&](const Path& p) { emit_plain(path_to_value(p), in, path, k); });
    case Intrinsic::Paths0: {
      Path root;
      return eval_recurse_default(in, &root, [&](const Value&, const Path* p) {
        if (!p->empty()) emit_plain(path_to_value(*p), in, path, k);
      });
    }
    case Intrinsic::GetPath:
      return each(args[0], [&](const Value& pv) {
        Path p = path_from_value(pv);
        if (p.size() > kMaxPathLength) throw_message("Path too deep");
        Value result = getpath(in, p);
        if (!path) return k(result, nullptr);
        if (path == kInvalidPath) return k(result, kInvalidPath);
        Path full = *path;
        full.insert(full.end(), p.begin(), p.end());
        k(result, &full);
      });
    case Intrinsic::SetPath:
      return each(args[1], [&](const Value& v) {
        each(args[0], [&](const Value& pv) {
          Path p = path_from_value(pv);
          emit_plain(setpath(in, p, 0, v), in, path, k);
        });
      });
    case Intrinsic::DelPaths:
      return each(args[0], [&](const Value& pv) {
        if (!pv.is_array()) throw_message("Paths must be specified as an array");
        std::vector<Path> paths;
        for (const Value& p : pv.as_array()) {
          if (!p.is_array()) throw_message("Path must be specified as an array");
          paths.push_back(path_from_value(p));
        }
        emit_plain(delpaths(in, std::move(paths)), in, path, k);
      });
    case Intrinsic::Range1:
      return each(args[0], [&](const Value& nv) {
        const double n = range_number(nv);
        for (double i = 0; i < n; ++i) emit_plain(Value::number(i), in, path, k);
      });
    case Intrinsic::Range2:
      return each(args[0], [&](const Value& fv) {
        each(args[1], [&](const Value& uv) {
          const double from = range_number(fv), upto = range_number(uv);
          for (double i = from; i < upto; ++i) emit_plain(Value::number(i), in, path, k);
        });
      });
    case Intrinsic::Range3:
      return each(args[0], [&](const Value& fv) {
        each(args[1], [&](const Value& uv) {
          each(args[2], [&](const Value& bv) {
            const double from = range_number(fv), upto = range_number(uv), by = range_number(bv);
            if (by > 0)
              for (double i = from; i < upto; i += by) emit_plain(Value::number(i), in, path, k);
            else if (by < 0)
              for (double i = from; i > upto; i += by) emit_plain(Value::number(i), in, path, k);
          });
        });
      });
    case Intrinsic::Recurse0:
      return eval_recurse_default(in, path, k);
    case Intrinsic::Repeat:
      // jq: `repeat(f)` applies f to the same input again and again, until
      // an error or a break stops it (`[limit(3; 1 | repeat(.+1))]` is [2,2,2]).
      for (;;) eval(args[0], in, path, env, k);
    case Intrinsic::Recurse1:
    case Intrinsic::Recurse2: {
      // Depth-first with an explicit stack; each node's children are f's outputs.
      // recurse(f) emits a node before its children; repeat(f) too (jq 1.8:
      // `def repeat(f): def _r: ., (f | _r); _r;`).
      struct Node {
        Value value;
        Path path;
        bool invalid;
      };
      const bool tracking = path != nullptr;
      std::vector<Node> stack;
      stack.push_back(Node{in, tracking && path != kInvalidPath ? *path : Path(), path == kInvalidPath});
      const Op* f = args[0];
      while (!stack.empty()) {
        Node node = std::move(stack.back());
        stack.pop_back();
        const Path* node_path = !tracking ? nullptr : node.invalid ? kInvalidPath : &node.path;
        k(node.value, node_path);
        std::vector<Node> children;
        eval(f, node.value, node_path, env, [&](const Value& child, const Path* child_path) {
          if (op->intrinsic == Intrinsic::Recurse2) {
            bool keep = false;
            eval(args[1], child, nullptr, env, [&](const Value& c, const Path*) { keep = keep || c.truthy(); });
            if (!keep) return;
          }
          children.push_back(Node{child, child_path && child_path != kInvalidPath ? *child_path : Path(),
                                  child_path == kInvalidPath});
        });
        for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(std::move(*it));
      }
      return;
    }
    case Intrinsic::Limit:
      return each(args[0], [&](const Value& nv) {
        if (!nv.is_number()) throw_message("Invalid limit: must be a number");
        const double n = nv.as_number();
        if (n < 0) throw_message("limit doesn't support negative count");
        if (n == 0) return;
        double count = 0;
        const int tag = 0;
        try {
          eval(args[1], in, path, env, [&](const Value& v, const Path* p) {
            ++count;
            k(v, p);
            if (count >= n) throw BreakSignal{&tag};
          });
        } catch (const BreakSignal& b) {
          if (b.label != &tag) throw;
        }
      });
    case Intrinsic::First: {
      const int tag = 0;
      try {
        eval(args[0], in, path, env, [&](const Value& v, const Path* p) {
          k(v, p);
          throw BreakSignal{&tag};
        });
      } catch (const BreakSignal& b) {
        if (b.label != &tag) throw;
      }
      return;
    }
    case Intrinsic::IsEmpty: {
      const int tag = 0;
      bool empty = true;
      try {
        eval(args[0], in, nullptr, env, [&](const Value&, const Path*) {
          empty = false;
          throw BreakSignal{&tag};
        });
      } catch (const BreakSignal& b) {
        if (b.label != &tag) throw;
      }
      return emit_plain(Value::boolean(empty), in, path, k);
    }
    case Intrinsic::Skip:
      return each(args[0], [&](const Value& nv) {
        if (!nv.is_number()) throw_message("Invalid skip: must be a number");
        const double n = nv.as_number();
        if (n < 0) throw_message("skip doesn't support negative count");
        double count = 0;
        eval(args[1], in, path, env, [&](const Value& v, const Path* p) {
          if (count >= n) return k(v, p);
          ++count;
        });
      });
    case Intrinsic::Nth2:
      return each(args[0], [&](const Value& nv) {
        if (!nv.is_number()) throw_message("Cannot index number with number");
        const double n = nv.as_number();
        if (n < 0) throw_message("nth doesn't support negative indices");
        double count = 0;
        const int tag = 0;
        try {
          eval(args[1], in, path, env, [&](const Value& v, const Path* p) {
            if (count++ < n) return;
            k(v, p);
            throw BreakSignal{&tag};
          });
        } catch (const BreakSignal& b) {
          if (b.label != &tag) throw;
        }
      });
    case Intrinsic::Last1: {
      Value last;
      Path last_path;
      bool any = false, invalid = false;
      eval(args[0], in, path, env, [&](const Value& v, const Path* p) {
        last = v;
        any = true;
        invalid = p == kInvalidPath;
        if (p && !invalid) last_path = *p;
      });
      if (!any) return;
      return k(last, !path ? nullptr : invalid ? kInvalidPath : &last_path);
    }
    case Intrinsic::Any2:
    case Intrinsic::All2: {
      // any(gen; cond) / all(gen; cond), stopping at the first decisive output.
      const bool want = op->intrinsic == Intrinsic::Any2;
      bool decided = false;
      const int tag = 0;
      try {
        eval(args[0], in, nullptr, env, [&](const Value& v, const Path*) {
          eval(args[1], v, nullptr, env, [&](const Value& c, const Path*) {
            if (c.truthy() == want) {
              decided = true;
              throw BreakSignal{&tag};
            }
          });
        });
      } catch (const BreakSignal& b) {
        if (b.label != &tag) throw;
      }
      return emit_plain(Value::boolean(decided ? want : !want), in, path, k);
    }
    case Intrinsic::Select:
      return eval(args[0], in, nullptr, env, [&](const Value& c, const Path*) {
        if (c.truthy()) k(in, path);
      });
    case Intrinsic::Map: {
      json::Array out;
      if (!in.is_array() && !in.is_object()) throw_message("Cannot iterate over " + describe(in));
      auto one = [&](const Value& v) {
        eval(args[0], v, nullptr, env, [&](const Value& r, const Path*) { out.push_back(r); });
      };
      if (in.is_array())
        for (const Value& v : in.as_array()) one(v);
      else
        for (const auto& entry : in.as_object()) one(entry.second);
      return emit_plain(Value::array(std::move(out)), in, path, k);
    }
    case Intrinsic::Add1: {
      Value total;
      bool first = true;
      eval(args[0], in, nullptr, env, [&](const Value& v, const Path*) {
        if (first) {
          total = v;
          first = false;
          return;
        }
        if (total.is_string() && v.is_string() ) {
          total.mutable_string() += v.as_string();
        } else if (total.is_array() && v.is_array()) {
          json::Array& arr = total.mutable_array();
          arr.insert(arr.end(), v.as_array().begin(), v.as_array().end());
        } else {
          total = arith(BinaryOp::Add, total, v);
        }
      });
      return emit_plain(total, in, path, k);
    }
    case Intrinsic::Until: {
      // until(cond; update): apply update until cond holds; generators fan out.
      std::vector<Value> stack{in};
      while (!stack.empty()) {
        Value v = std::move(stack.back());
        stack.pop_back();
        std::vector<Value> next;
        eval(args[0], v, nullptr, env, [&](const Value& c, const Path*) {
          if (c.truthy()) {
            emit_plain(v, in, path, k);
          } else {
            eval(args[1], v, nullptr, env, [&](const Value& u, const Path*) { next.push_back(u); });
          }
        });
        for (auto it = next.rbegin(); it != next.rend(); ++it) stack.push_back(std::move(*it));
      }
      return;
    }
    case Intrinsic::While: {
      std::vector<Value> stack{in};
      while (!stack.empty()) {
        Value v = std::move(stack.back());
        stack.pop_back();
        std::vector<Value> next;
        eval(args[0], v, nullptr, env, [&](const Value& c, const Path*) {
          if (!c.truthy()) return;
          emit_plain(v, in, path, k);
          eval(args[1], v, nullptr, env, [&](const Value& u, const Path*) { next.push_back(u); });
        });
        for (auto it = next.rbegin(); it != next.rend(); ++it) stack.push_back(std::move(*it));
      }
      return;
    }
    case Intrinsic::Input: {
      std::optional<Value> next = read_input();
      if (!next) throw_message("No more inputs");
      return emit_plain(*next, in, path, k);
    }
    case Intrinsic::Inputs:
      while (env_.next_input) {
        std::optional<Value> next = read_input();
        if (!next) break;
        emit_plain(*next, in, path, k);
      }
      return;
    case Intrinsic::Debug0:
      if (env_.write_stderr) env_.write_stderr("[\"DEBUG:\"," + json::to_json(in) + "]\n");
      return k(in, path);
    case Intrinsic::Stderr:
      if (env_.write_stderr) env_.write_stderr(json::to_json(in));
      return k(in, path);
    case Intrinsic::InputFilename:
      return emit_plain(env_.current_filename ? env_.current_filename() : Value(), in, path, k);
    case Intrinsic::InputLineNumber:
      return emit_plain(Value::number(env_.input_line_number ? static_cast<double>(env_.input_line_number()) : 0),
                        in, path, k);
    case Intrinsic::Env:
      return emit_plain(environment_object(), in, path, k);
    case Intrinsic::ModuleMeta: {
      if (!in.is_string()) throw_message("modulemeta input module not a string");
      std::string file = modules::find_module(in.as_string(), Value(), search_.program_origin, search_, false);
      if (file.empty()) throw_message("module not found: " + in.as_string());
      Value meta;
      try {
        meta = modules::module_metadata(parse_program(modules::read_module_source(file), file));
      } catch (const CompileError& e) {
        throw_message(e.what());
      }
      return emit_plain(meta, in, path, k);
    }
    case Intrinsic::GetSearchList: {
      json::Array list;
      for (const std::string& p : search_.library_paths) list.push_back(Value::string(p));
      return emit_plain(Value::array(std::move(list)), in, path, k);
    }
    case Intrinsic::GetProgOrigin:
      return emit_plain(Value::string(search_.program_origin), in, path, k);
    case Intrinsic::GetJqOrigin:
      return emit_plain(Value::string(search_.jq_origin), in, path, k);
    case Intrinsic::Builtins: {
      json::Array names;
      for (const auto& n : builtin_names()) names.push_back(Value::string(n));
      return emit_plain(Value::array(std::move(names)), in, path, k);
    }
    case Intrinsic::Halt:
      throw jq::Halt{0, std::nullopt};
    case Intrinsic::HaltError1:
      return each(args[0], [&](const Value& code) {
        if (!code.is_number()) throw_message("halt_error/1: number required");
        throw jq::Halt{static_cast<int>(code.as_number()), in};
      });
    case Intrinsic::ToStream: {
      Path p;
      return to_stream(in, p, [&](const Value& event) { emit_plain(event, in, path, k); });
    }
    case Intrinsic::FromStream: {
      Value acc;
      bool done = false;
      return eval(args[0], in, nullptr, env, [&](const Value& event, const Path*) {
        if (done) {
          acc = Value();
          done = false;
        }
        if (!event.is_array() || event.size() == 0 || !event.at(0).is_array())
          throw_message("Invalid stream event " + truncated_dump(event));
        const Value p = event.at(0);
        if (event.size() >= 2) {
          done = p.size() == 0;
          acc = setpath(std::move(acc), path_from_value(p), 0, event.at(1));
        } else {
          done = p.size() == 1;
        }
        if (done) emit_plain(acc, in, path, k);
      });
    }
    case Intrinsic::TruncateStream1:
    case Intrinsic::TruncateStream2: {
      // truncate_stream(stream) takes the depth from its input;
      // truncate_stream(depth; stream) from its first argument.
      auto with_depth = [&](const Value& depth_value) {
        if (!depth_value.is_number()) throw_message("truncate_stream depth must be a number");
        const double d = depth_value.as_number();
        const auto depth = d > 0 ? static_cast<std::size_t>(d) : std::size_t{0};
        eval(args.back(), in, nullptr, env, [&](const Value& event, const Path*) {
          if (!event.is_array() || event.size() == 0 || !event.at(0).is_array()) return;
          const json::Array& p = event.at(0).as_array();
          if (p.size() <= depth) return;
          json::Array out = event.as_array();
          out[0] = Value::array(json::Array(p.begin() + static_cast<std::ptrdiff_t>(depth), p.end()));
          emit_plain(Value::array(std::move(out)), in, path, k);
        });
      };
      if (op->intrinsic == Intrinsic::TruncateStream1) return with_depth(in);
      return each(args[0], with_depth);
    }
    case Intrinsic::HaveLiteralNumbers:
    case Intrinsic::HaveDecnum:
      return emit_plain(Value::boolean(true), in, path, k);
    case Intrinsic::GetPathOr:
    case Intrinsic::Count:
      break;
  }
  throw_message("intrinsic not implemented");
}

}  // namespace netinspect::jq::eval
