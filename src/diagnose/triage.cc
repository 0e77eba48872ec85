#include "diagnose/triage.h"

#include <cctype>
#include <set>

#include "diagnose/json5.h"
#include "inspect/tree.h"

namespace netinspect::diagnose {

namespace {

[[noreturn]] void config_fail(const std::string& file, const std::string& rule, const std::string& what) {
  throw ConfigError(file + ": " + (rule.empty() ? "" : rule + ": ") + what);
}

// Triage names: [a-z_][a-zA-Z0-9_]* (capitals start function names).
bool valid_name(const std::string& name) {
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

std::string string_field(const json::Value& object, std::string_view key, const std::string& file,
                         const std::string& rule, bool required) {
  json::Value v = object.get(key);
  if (v.is_null()) {
    if (required) config_fail(file, rule, "missing '" + std::string(key) + "'");
    return "";
  }
  if (!v.is_string()) config_fail(file, rule, "'" + std::string(key) + "' must be a string");
  return v.as_string();
}

std::vector<std::string> string_list(const json::Value& v, const std::string& file, const std::string& rule) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (!v.is_array()) config_fail(file, rule, "expected a list of action names");
  for (const json::Value& item : v.as_array()) {
    if (!item.is_string()) config_fail(file, rule, "expected a list of action names");
    out.push_back(item.as_string());
  }
  return out;
}

std::string qualify(const std::string& ns, const std::string& name) {
  return name.find("::") == std::string::npos ? ns + "::" + name : name;
}

// Evaluates names across a set of configs, with a cache, cycle detection and
// the evidence (selectors and their values) each name was computed from.
class SetResolver : public Resolver {
 public:
  SetResolver(const std::vector<Config>& configs, const Data& data, const json::Value& values,
              const std::string& values_ns)
      : data_(data), values_(values), values_ns_(values_ns) {
    for (const Config& c : configs) by_ns_[c.ns] = &c;
  }

  Metric evaluate_in(const std::string& ns, const Expr& expr, std::vector<Evidence>& evidence) {
    ns_stack_.push_back(ns);
    recorders_.emplace_back();
    Metric m = diagnose::evaluate(expr, *this);
    evidence = std::move(recorders_.back());
    recorders_.pop_back();
    ns_stack_.pop_back();
    return m;
  }

  Metric lookup(std::string_view written) override {
    std::string full = qualify(ns_stack_.empty() ? "" : ns_stack_.back(), std::string(written));
    auto cached = cache_.find(full);
    if (cached == cache_.end()) {
      if (busy_.count(full)) return Metric::problem("cycle through '" + full + "'");
      // Each name in a chain of evals is a few C++ frames deeper.
      if (busy_.size() >= kMaxEvalChain)
        return Metric::problem("eval names nested too deeply (more than " + std::to_string(kMaxEvalChain) + ")");
      busy_.insert(full);
      Entry entry;
      entry.value = compute(full, entry.evidence);
      busy_.erase(full);
      cached = cache_.emplace(full, std::move(entry)).first;
    }
    if (!recorders_.empty()) {
      auto& out = recorders_.back();
      for (const Evidence& e : cached->second.evidence) {
        bool seen = false;
        for (const Evidence& o : out) seen |= o.selector == e.selector;
        if (!seen) out.push_back(e);
      }
    }
    return cached->second.value;
  }

  Metric annotation(std::string_view key) override {
    json::Value v = data_.annotations.get(key);
    return v.is_null() ? Metric::missing("no annotation '" + std::string(key) + "'") : metric_from_json(v);
  }
  std::optional<std::int64_t> now_ns() override { return data_.now_ns; }

 private:
  static constexpr std::size_t kMaxEvalChain = 100;
  struct Entry {
    Metric value;
    std::vector<Evidence> evidence;
  };

  Metric compute(const std::string& full, std::vector<Evidence>& evidence) {
    std::size_t sep = full.find("::");
    std::string ns = full.substr(0, sep), name = full.substr(sep + 2);
    if (ns == values_ns_ && values_.is_object()) {
      json::Value v = values_.get(name);
      if (!v.is_null() || values_.as_object().find(name)) {
        Metric m = metric_from_json(v);
        evidence.push_back({name, v});
        return m;
      }
    }
    auto config = by_ns_.find(ns);
    if (config == by_ns_.end()) return Metric::missing("no config '" + ns + "'");
    const Config& c = *config->second;
    if (auto s = c.select.find(name); s != c.select.end()) {
      Metric m = fetch(s->second);
      // Absent selectors (the other netstack's layout) are no evidence.
      if (!m.is_absent()) evidence.push_back({c.select_text.at(name), metric_to_json(m)});
      return m;
    }
    if (auto e = c.eval.find(name); e != c.eval.end()) return evaluate_in(ns, *e->second, evidence);
    return Metric::missing("no name '" + full + "'");
  }

  Metric fetch(const inspect::Selector& selector) {
    std::vector<Metric> found;
    for (const json::Value& entry : data_.entries) {
      json::Value moniker = entry.get("moniker");
      if (!moniker.is_string()) moniker = entry.get("path");
      if (!moniker.is_string() || !selector.matches_moniker(moniker.as_string())) continue;
      if (!selector.matches_tree(inspect::tree_name(entry))) continue;
      json::Value payload = entry.get("payload");
      if (payload.is_null()) payload = entry.get("contents");
      std::optional<json::Value> picked = inspect::select_payload(payload, {&selector});
      if (!picked) continue;
      if (!selector.property) {
        // A node selector: one Node per selected node (for CountChildren).
        collect_nodes(*picked, selector.node_path.size(), "", found);
        continue;
      }
      inspect::for_each_property(*picked, [&](const std::vector<std::string>& path, const std::string& name) {
        json::Value node = *picked;
        for (const std::string& step : path) node = node.get(step);
        found.push_back(metric_from_json(node.get(name)));
      });
    }
    if (found.empty()) return Metric::missing("nothing selected");
    if (found.size() == 1) return found[0];
    return Metric::vector(std::move(found));
  }

  // The nodes `depth` levels below `node` in a pruned payload: exactly the
  // ones the node path matched.
  static void collect_nodes(const json::Value& node, std::size_t depth, const std::string& name,
                            std::vector<Metric>& out) {
    if (!inspect::is_node(node)) return;
    if (depth == 0) {
      out.push_back(Metric::node(name));
      return;
    }
    for (const auto& [child_name, child] : node.as_object()) collect_nodes(child, depth - 1, child_name, out);
  }

  const Data& data_;
  const json::Value& values_;
  std::string values_ns_;
  std::map<std::string, const Config*> by_ns_;
  std::map<std::string, Entry> cache_;
  std::set<std::string> busy_;
  std::vector<std::string> ns_stack_;
  std::vector<std::vector<Evidence>> recorders_;
};

std::vector<Finding> evaluate_configs(const std::vector<Config>& configs, const Data& data, const json::Value& values,
                                      const std::string& values_ns, const Config* only) {
  SetResolver resolver(configs, data, values, values_ns);
  std::vector<Finding> out;
  for (const Config& c : configs) {
    if (only && &c != only) continue;
    for (const Action& action : c.actions) {
      std::vector<Evidence> evidence;
      Metric m = resolver.evaluate_in(c.ns, *action.expr, evidence);
      Finding f{c.ns, action.name, "", "", std::move(evidence)};
      if (action.type == "Gauge") {
        f.severity = "info";
        if (m.is_absent()) continue;
        f.message = action.name + ": " +
                    (action.format == "percentage" && m.is_number() ? std::to_string(m.number() * 100) + "%"
                                                                    : metric_text(m));
      } else if (m.kind == Metric::Kind::Problem) {
        f.severity = "error";
        f.message = "cannot evaluate '" + action.expr_text + "': " + m.s;
      } else if (m.is_true()) {
        f.severity = "warning";
        f.message = action.print;
      } else {
        continue;
      }
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace

Config load_config(std::string_view text, std::string ns, std::string file) {
  Config config;
  config.ns = std::move(ns);
  config.file = file;
  json::Value root;
  try {
    root = parse_json5(text);
  } catch (const Json5Error& error) {
    config_fail(file, "", std::string("bad JSON5: ") + error.what());
  }
  if (!root.is_object()) config_fail(file, "", "a triage config is an object");
  for (const auto& [section, value] : root.as_object()) {
    if (section != "select" && section != "eval" && section != "act" && section != "test")
      config_fail(file, "", "unknown section '" + section + "' (select, eval, act, test)");
    if (!value.is_object()) config_fail(file, section, "must be an object");
  }
  auto check_name = [&](const std::string& name) {
    if (!valid_name(name)) config_fail(file, name, "bad name (letters, digits, '_'; not starting with a capital)");
    if (config.select_text.count(name) || config.eval_text.count(name))
      config_fail(file, name, "defined twice (select and eval)");
  };
  if (root.get("select").is_object()) {
    for (const auto& [name, value] : root.get("select").as_object()) {
      check_name(name);
      if (!value.is_string()) config_fail(file, name, "a selector must be a string");
      std::string selector = value.as_string();
      if (!selector.starts_with("INSPECT:"))
        config_fail(file, name, "only INSPECT: selectors are supported, not '" + selector + "'");
      try {
        config.select.emplace(name, inspect::parse_selector(selector));
      } catch (const inspect::SelectorError& error) {
        config_fail(file, name, std::string("bad selector: ") + error.what());
      }
      config.select_text.emplace(name, selector);
    }
  }
  if (root.get("eval").is_object()) {
    for (const auto& [name, value] : root.get("eval").as_object()) {
      check_name(name);
      if (!value.is_string()) config_fail(file, name, "an eval must be a string expression");
      try {
        config.eval.emplace(name, parse_expression(value.as_string()));
      } catch (const ExprError& error) {
        config_fail(file, name, error.what());
      }
      config.eval_text.emplace(name, value.as_string());
    }
  }
  if (root.get("act").is_object()) {
    for (const auto& [name, value] : root.get("act").as_object()) {
      if (!value.is_object()) config_fail(file, name, "an action must be an object");
      Action action;
      action.name = name;
      action.type = string_field(value, "type", file, name, true);
      if (action.type == "Warning") {
        action.expr_text = string_field(value, "trigger", file, name, true);
        action.print = string_field(value, "print", file, name, true);
      } else if (action.type == "Gauge") {
        action.expr_text = string_field(value, "value", file, name, true);
        action.format = string_field(value, "format", file, name, false);
      } else {
        config_fail(file, name, "unknown action type '" + action.type + "' (Warning, Gauge)");
      }
      try {
        action.expr = parse_expression(action.expr_text);
      } catch (const ExprError& error) {
        config_fail(file, name, error.what());
      }
      config.actions.push_back(std::move(action));
    }
  }
  if (root.get("test").is_object()) {
    for (const auto& [name, value] : root.get("test").as_object()) {
      if (!value.is_object()) config_fail(file, name, "a test must be an object");
      ConfigTest test;
      test.name = name;
      test.yes = string_list(value.get("yes"), file, name);
      test.no = string_list(value.get("no"), file, name);
      for (const std::vector<std::string>* list : {&test.yes, &test.no}) {
        for (const std::string& action : *list) {
          bool known = false;
          for (const Action& a : config.actions) known |= a.name == action;
          if (!known) config_fail(file, name, "no action named '" + action + "'");
        }
      }
      if (!value.get("values").is_null()) test.values = value.get("values");
      if (!value.get("inspect").is_null()) test.inspect = value.get("inspect");
      if (test.inspect && !test.inspect->is_array()) config_fail(file, name, "'inspect' must be a list of entries");
      config.tests.push_back(std::move(test));
    }
  }
  check_cycles({config});
  return config;
}

void check_cycles(const std::vector<Config>& configs) {
  std::map<std::string, std::pair<const Config*, std::string>> evals;  // qualified -> (config, name)
  for (const Config& c : configs)
    for (const auto& [name, expr] : c.eval) evals[c.ns + "::" + name] = {&c, name};
  std::map<std::string, int> state;  // 1 = on the path, 2 = done
  // Depth-first with an explicit stack: a chain of 50,000 names must not
  // take 50,000 C++ frames.
  struct Frame {
    std::string full;
    std::vector<std::string> next;  // the qualified names its expression refers to
    std::size_t visited = 0;
  };
  std::vector<Frame> path;
  const auto enter = [&](const std::string& full) {
    auto it = evals.find(full);
    if (it == evals.end() || state[full] == 2) return;
    const auto& [config, name] = it->second;
    if (state[full] == 1) {
      std::string cycle;
      bool in = false;
      for (const Frame& frame : path) {
        in |= frame.full == full;
        if (in) cycle += frame.full + " -> ";
      }
      config_fail(config->file, name, "cycle between eval names: " + cycle + full);
    }
    state[full] = 1;
    std::vector<std::string> names;
    referenced_names(*config->eval.at(name), names);
    Frame frame{full, {}, 0};
    for (const std::string& n : names) frame.next.push_back(qualify(config->ns, n));
    path.push_back(std::move(frame));
  };
  for (const auto& [full, unused] : evals) {
    enter(full);
    while (!path.empty()) {
      Frame& top = path.back();
      if (top.visited < top.next.size()) {
        const std::string next = top.next[top.visited++];
        enter(next);
      } else {
        state[top.full] = 2;
        path.pop_back();
      }
    }
  }
}

std::vector<Config> load_builtin_configs() {
  std::vector<Config> out;
  for (const BuiltinConfig& builtin : builtin_configs())
    out.push_back(load_config(builtin.text, std::string(builtin.name), "share/triage/" + std::string(builtin.name) + ".triage"));
  check_cycles(out);
  return out;
}

std::vector<Finding> evaluate(const std::vector<Config>& configs, const Data& data, const json::Value& values) {
  return evaluate_configs(configs, data, values, "", nullptr);
}

std::vector<TestOutcome> run_tests(const std::vector<Config>& configs) {
  std::vector<TestOutcome> out;
  for (const Config& c : configs) {
    for (const ConfigTest& test : c.tests) {
      Data data;
      if (test.inspect) data.entries = test.inspect->as_array();
      json::Value values = test.values ? *test.values : json::Value::object();
      std::vector<Finding> findings = evaluate_configs(configs, data, values, c.ns, &c);
      std::set<std::string> fired;
      for (const Finding& f : findings)
        if (f.severity == "warning") fired.insert(f.action);
      TestOutcome outcome{c.ns, test.name, true, ""};
      for (const std::string& a : test.yes)
        if (!fired.count(a)) outcome.message += (outcome.message.empty() ? "" : "; ") + a + " did not fire";
      for (const std::string& a : test.no)
        if (fired.count(a)) outcome.message += (outcome.message.empty() ? "" : "; ") + a + " fired";
      outcome.passed = outcome.message.empty();
      out.push_back(std::move(outcome));
    }
  }
  return out;
}

json::Value to_json(const Finding& finding) {
  json::Object o;
  o.set("severity", json::Value::string(finding.severity));
  o.set("config", json::Value::string(finding.config));
  o.set("rule", json::Value::string(finding.action));
  o.set("message", json::Value::string(finding.message));
  json::Array evidence;
  for (const Evidence& e : finding.evidence) {
    json::Object item;
    item.set("selector", json::Value::string(e.selector));
    item.set("value", e.value);
    evidence.push_back(json::Value::object(std::move(item)));
  }
  o.set("evidence", json::Value::array(std::move(evidence)));
  return json::Value::object(std::move(o));
}

std::optional<std::int64_t> latest_timestamp(const std::vector<json::Value>& entries) {
  std::optional<std::int64_t> latest;
  for (const json::Value& entry : entries) {
    const json::Value t = entry.get("metadata").get("timestamp");
    if (t.is_number() && (!latest || t.as_number() > static_cast<double>(*latest)))
      latest = static_cast<std::int64_t>(t.as_number());
  }
  return latest;
}

}  // namespace netinspect::diagnose
