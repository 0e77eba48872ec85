#include "diagnose/diff.h"

#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "netstack/views.h"

namespace netinspect::diagnose {

namespace {

using json::Value;

struct Context {
  const DiffOptions& options;
  std::optional<double> seconds;  // between the snapshots, when both have timestamps and they differ
  std::vector<Change>& out;
};

std::optional<double> delta_of(const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) return std::nullopt;
  return b.as_number() - a.as_number();
}

void add(Context& ctx, std::string kind, std::string change, std::string subject, std::string field, Value old_value,
         Value new_value) {
  Change c{std::move(kind), std::move(change), std::move(subject), std::move(field), old_value, new_value, {}, {}};
  c.delta = delta_of(old_value, new_value);
  // Three decimals: timestamps are nanoseconds, but more digits only look precise.
  if (c.delta && ctx.seconds) c.rate = std::round(*c.delta / *ctx.seconds * 1000.0) / 1000.0;
  ctx.out.push_back(std::move(c));
}

// Field-by-field comparison of two rows of the same view (to_json objects).
void compare_rows(Context& ctx, const std::string& kind, const std::string& subject, const Value& a, const Value& b,
                  const std::set<std::string>& ignored) {
  bool any = false;
  for (const auto& [key, old_value] : a.as_object()) {
    if (ignored.count(key)) continue;
    Value new_value = b.get(key);
    if (json::equal(old_value, new_value)) continue;
    add(ctx, kind, "changed", subject, key, old_value, new_value);
    any = true;
  }
  if (!any && ctx.options.all) add(ctx, kind, "same", subject, "", Value(), Value());
}

std::string socket_subject(const netstack::Socket& s) {
  std::string text = s.id + " " + (s.protocol.empty() ? s.transport : s.protocol);
  if (!s.local.empty()) text += " " + s.local;
  if (!s.remote.empty()) text += " -> " + s.remote;
  return text;
}

std::string socket_endpoints(const netstack::Socket& s) { return s.protocol + "|" + s.local + "|" + s.remote; }

void diff_sockets(Context& ctx, const netstack::Snapshot& before, const netstack::Snapshot& after) {
  netstack::Surprises ignored_surprises;
  std::vector<netstack::Socket> a = netstack::sockets(before, ignored_surprises);
  std::vector<netstack::Socket> b = netstack::sockets(after, ignored_surprises);
  std::vector<bool> a_done(a.size()), b_done(b.size());
  std::map<std::string, std::size_t> b_by_id;
  for (std::size_t j = 0; j < b.size(); ++j) b_by_id.emplace(b[j].id, j);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  // Same id and same endpoints: the same socket. A reused id with other
  // endpoints is a different socket (closed, then opened).
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto it = b_by_id.find(a[i].id);
    if (it == b_by_id.end() || b_done[it->second]) continue;
    const netstack::Socket& other = b[it->second];
    bool same = a[i].protocol == other.protocol &&
                ((a[i].local == other.local && a[i].remote == other.remote) || a[i].local.empty() ||
                 other.local.empty());
    if (!same) continue;
    pairs.emplace_back(i, it->second);
    a_done[i] = b_done[it->second] = true;
  }
  // Ids renumbered (netstack3 reuses slots): match the rest by endpoints
  // when exactly one socket on each side has them.
  std::map<std::string, std::vector<std::size_t>> a_left, b_left;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a_done[i] && !a[i].local.empty()) a_left[socket_endpoints(a[i])].push_back(i);
  for (std::size_t j = 0; j < b.size(); ++j)
    if (!b_done[j] && !b[j].local.empty()) b_left[socket_endpoints(b[j])].push_back(j);
  for (const auto& [key, is] : a_left) {
    auto it = b_left.find(key);
    if (is.size() != 1 || it == b_left.end() || it->second.size() != 1) continue;
    pairs.emplace_back(is[0], it->second[0]);
    a_done[is[0]] = b_done[it->second[0]] = true;
  }
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a_done[i]) add(ctx, "socket", "closed", socket_subject(a[i]), "", Value::string(a[i].state), Value());
  for (const auto& [i, j] : pairs) {
    Value ra = netstack::to_json(a[i], false), rb = netstack::to_json(b[j], false);
    compare_rows(ctx, "socket", socket_subject(b[j]), ra, rb, {"bind_nic_name", "register_nic_name"});
  }
  for (std::size_t j = 0; j < b.size(); ++j)
    if (!b_done[j]) add(ctx, "socket", "opened", socket_subject(b[j]), "", Value(), Value::string(b[j].state));
}

std::string nic_key(const netstack::Nic& nic) { return nic.id ? std::to_string(*nic.id) : "name:" + nic.name; }
std::string nic_subject(const netstack::Nic& nic) {
  return (nic.id ? std::to_string(*nic.id) + " " : std::string()) + nic.name;
}

void diff_nics(Context& ctx, const netstack::Snapshot& before, const netstack::Snapshot& after) {
  netstack::Surprises ignored_surprises;
  std::vector<netstack::Nic> a = netstack::nics(before, ignored_surprises);
  std::vector<netstack::Nic> b = netstack::nics(after, ignored_surprises);
  std::map<std::string, const netstack::Nic*> b_by_key;
  for (const netstack::Nic& nic : b) b_by_key.emplace(nic_key(nic), &nic);
  std::set<std::string> seen;
  for (const netstack::Nic& nic : a) {
    auto it = b_by_key.find(nic_key(nic));
    if (it == b_by_key.end()) {
      add(ctx, "nic", "removed", nic_subject(nic), "", Value::string(nic.name), Value());
      continue;
    }
    seen.insert(it->first);
    compare_rows(ctx, "nic", nic_subject(*it->second), netstack::to_json(nic), netstack::to_json(*it->second), {});
  }
  for (const netstack::Nic& nic : b)
    if (!seen.count(nic_key(nic))) add(ctx, "nic", "added", nic_subject(nic), "", Value(), Value::string(nic.name));
}

std::string route_key(const netstack::Route& r) {
  return r.destination + (r.gateway.empty() ? "" : " via " + r.gateway) +
         (r.nic ? " nic " + std::to_string(*r.nic) : std::string());
}

void diff_routes(Context& ctx, const netstack::Snapshot& before, const netstack::Snapshot& after) {
  netstack::Surprises ignored_surprises;
  std::vector<netstack::Route> a = netstack::routes(before, ignored_surprises);
  std::vector<netstack::Route> b = netstack::routes(after, ignored_surprises);
  std::multimap<std::string, const netstack::Route*> b_by_key;
  for (const netstack::Route& r : b) b_by_key.emplace(route_key(r), &r);
  std::set<const netstack::Route*> matched;
  for (const netstack::Route& r : a) {
    auto [lo, hi] = b_by_key.equal_range(route_key(r));
    const netstack::Route* other = nullptr;
    for (auto it = lo; it != hi && !other; ++it)
      if (!matched.count(it->second)) other = it->second;
    if (!other) {
      add(ctx, "route", "removed", route_key(r), "", Value::string(r.destination), Value());
      continue;
    }
    matched.insert(other);
    compare_rows(ctx, "route", route_key(r), netstack::to_json(r), netstack::to_json(*other),
                 {"index", "nic_name"});
  }
  for (const netstack::Route& r : b)
    if (!matched.count(&r)) add(ctx, "route", "added", route_key(r), "", Value(), Value::string(r.destination));
}

void diff_counters(Context& ctx, const netstack::Snapshot& before, const netstack::Snapshot& after) {
  netstack::Surprises ignored_surprises;
  std::vector<netstack::Counter> a = netstack::counters(before, ignored_surprises);
  std::vector<netstack::Counter> b = netstack::counters(after, ignored_surprises);
  std::map<std::string, std::uint64_t> b_values;
  for (const netstack::Counter& c : b) b_values.emplace(c.name, c.value);
  std::set<std::string> seen;
  for (const netstack::Counter& c : a) {
    if (!seen.insert(c.name).second) continue;
    Value old_value = Value::number(static_cast<double>(c.value));
    auto it = b_values.find(c.name);
    if (it == b_values.end()) {
      add(ctx, "counter", "removed", c.name, "", old_value, Value());
    } else if (it->second != c.value) {
      add(ctx, "counter", "changed", c.name, "", old_value, Value::number(static_cast<double>(it->second)));
    } else if (ctx.options.all) {
      add(ctx, "counter", "same", c.name, "", old_value, old_value);
    }
  }
  for (const netstack::Counter& c : b)
    if (seen.insert(c.name).second)
      add(ctx, "counter", "added", c.name, "", Value(), Value::number(static_cast<double>(c.value)));
}

}  // namespace

std::vector<Change> diff(const netstack::Snapshot& before, const netstack::Snapshot& after,
                         const DiffOptions& options) {
  std::vector<Change> out;
  std::optional<double> seconds;
  if (before.timestamp_ns && after.timestamp_ns && *after.timestamp_ns != *before.timestamp_ns)
    seconds = static_cast<double>(*after.timestamp_ns - *before.timestamp_ns) / 1e9;
  Context ctx{options, seconds, out};
  diff_counters(ctx, before, after);
  diff_sockets(ctx, before, after);
  diff_nics(ctx, before, after);
  diff_routes(ctx, before, after);
  return out;
}

json::Value to_json(const Change& change) {
  json::Object o;
  o.set("kind", Value::string(change.kind));
  o.set("change", Value::string(change.change));
  o.set("subject", Value::string(change.subject));
  o.set("field", change.field.empty() ? Value() : Value::string(change.field));
  o.set("old", change.old_value);
  o.set("new", change.new_value);
  o.set("delta", change.delta ? Value::number(*change.delta) : Value());
  o.set("rate", change.rate ? Value::number(*change.rate) : Value());
  return Value::object(std::move(o));
}

}  // namespace netinspect::diagnose
