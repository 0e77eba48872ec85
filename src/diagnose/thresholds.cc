// Rule listing and threshold overrides across the .triage configs and the
// native rules (`triage --list-rules`, `--set`, `--thresholds`).
#include <functional>
#include <set>

#include "diagnose/native_rules.h"
#include "diagnose/triage.h"

namespace netinspect::diagnose {

namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& name, const std::string& what) {
  throw ConfigError(origin + ": " + name + ": " + what);
}

// A threshold is an eval that is a plain value ("0", "0.05", "-1", "'OK'").
bool is_threshold(const Expr& expr) {
  if (expr.type == Expr::Type::Literal) return true;
  return expr.type == Expr::Type::Negate && expr.args[0]->type == Expr::Type::Literal;
}

std::string qualified(const std::string& ns, const std::string& name) {
  return name.find("::") == std::string::npos ? ns + "::" + name : name;
}

}  // namespace

std::vector<RuleInfo> describe_rules(const std::vector<Config>& configs, const NativeThresholds& native,
                                     bool with_native) {
  std::map<std::string, const Config*> by_ns;
  for (const Config& c : configs) by_ns[c.ns] = &c;
  std::vector<RuleInfo> out;
  for (const Config& c : configs) {
    for (const Action& action : c.actions) {
      RuleInfo info{c.ns, action.name, action.type, action.expr_text, action.print, {}};
      if (action.type == "Gauge") info.hint = action.format.empty() ? "a value" : "a value, as a " + action.format;
      // The thresholds the action reads, directly or through other evals, in first-use order.
      std::set<std::string> seen;
      std::function<void(const std::string&, const Expr&)> walk = [&](const std::string& ns, const Expr& expr) {
        std::vector<std::string> names;
        referenced_names(expr, names);
        for (const std::string& written : names) {
          std::string full = qualified(ns, written);
          if (!seen.insert(full).second) continue;
          std::string::size_type sep = full.find("::");
          auto config = by_ns.find(full.substr(0, sep));
          if (config == by_ns.end()) continue;
          std::string name = full.substr(sep + 2);
          auto eval = config->second->eval.find(name);
          if (eval == config->second->eval.end()) continue;
          if (is_threshold(*eval->second)) {
            auto d = config->second->defaults.find(name);
            const std::string& current = config->second->eval_text.at(name);
            info.thresholds.push_back({full, d == config->second->defaults.end() ? current : d->second, current});
          } else {
            walk(config->second->ns, *eval->second);
          }
        }
      };
      walk(c.ns, *action.expr);
      out.push_back(std::move(info));
    }
  }
  if (with_native) {
    const NativeThresholds defaults;
    for (const native::RuleDoc& doc : native::rule_docs()) {
      RuleInfo info{std::string(kNativeNamespace), std::string(doc.name), "native", std::string(doc.trigger),
                    std::string(doc.hint), {}};
      for (std::string_view t : doc.thresholds)
        info.thresholds.push_back({std::string(kNativeNamespace) + "::" + std::string(t),
                                   native::threshold_text(defaults, t).value_or(""),
                                   native::threshold_text(native, t).value_or("")});
      out.push_back(std::move(info));
    }
  }
  return out;
}

void apply_override(std::vector<Config>& configs, NativeThresholds& native, const std::string& name,
                    const std::string& value, const std::string& origin) {
  std::string ns, base = name;
  if (auto sep = name.find("::"); sep != std::string::npos) {
    ns = name.substr(0, sep);
    base = name.substr(sep + 2);
  }
  // Candidates: (config or nullptr for native).
  std::vector<Config*> hits;
  bool native_hit = false;
  for (Config& c : configs)
    if ((ns.empty() || c.ns == ns) && c.eval.count(base)) hits.push_back(&c);
  if (ns.empty() || ns == kNativeNamespace)
    for (std::string_view t : native::threshold_names()) native_hit |= t == base;
  std::size_t total = hits.size() + (native_hit ? 1 : 0);
  if (total == 0) {
    for (const Config& c : configs)
      if ((ns.empty() || c.ns == ns) && c.select.count(base))
        fail(origin, name, "is a selector, not a threshold (override the eval that compares it)");
    fail(origin, name, "no such threshold (see `netinspect triage --list-rules`)");
  }
  if (total > 1) {
    std::string where;
    for (const Config* c : hits) where += (where.empty() ? "" : ", ") + c->ns + "::" + base;
    if (native_hit) where += (where.empty() ? "" : ", ") + std::string(kNativeNamespace) + "::" + base;
    fail(origin, name, "ambiguous: say which of " + where);
  }
  if (native_hit) {
    std::string error;
    native::set_threshold(native, base, value, error);
    if (!error.empty()) fail(origin, name, error);
    return;
  }
  Config& config = *hits[0];
  ExprPtr expr;
  try {
    expr = parse_expression(value);
  } catch (const ExprError& error) {
    fail(origin, name, std::string("bad value: ") + error.what());
  }
  ExprPtr old_expr = config.eval[base];
  std::string old_text = config.eval_text.at(base);
  config.eval[base] = std::move(expr);
  config.eval_text[base] = value;
  try {
    check_cycles(configs);
  } catch (const ConfigError& error) {
    config.eval[base] = std::move(old_expr);  // leave the configs as they were
    config.eval_text[base] = old_text;
    fail(origin, name, std::string("the new value makes a cycle: ") + error.what());
  }
  config.defaults.emplace(base, old_text);
}

}  // namespace netinspect::diagnose
