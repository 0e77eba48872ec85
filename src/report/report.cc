// The report page. Everything is rendered here, on the server side, so the
// page reads without its script; share/report/report.js only sorts, filters,
// switches views and mounts the flame graphs.
#include "report/report.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string_view>

#include "diagnose/diff.h"
#include "json/write.h"
#include "netstack/typed.h"
#include "netstack/views.h"
#include "pprof/profile.h"
#include "pprof/report.h"
#include "pprof/snapshot.h"
#include "report/assets.h"
#include "report/chart.h"
#include "report/escape.h"

namespace netinspect::report {

namespace {

using netstack::Counter;

std::string esc(std::string_view text) { return html_escape(text); }

// A cell value as text: strings as they are, numbers as written, arrays
// joined, anything else as compact JSON.
std::string value_text(const json::Value& value) {
  if (value.is_string()) return value.as_string();
  if (value.is_number()) return json::number_text(value);
  if (value.is_array()) {
    std::string out;
    for (const json::Value& item : value.as_array()) out += (out.empty() ? "" : ", ") + value_text(item);
    return out;
  }
  return json::to_json(value);
}

std::string header_text(std::string_view key) {
  std::string out(key);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

// Rows a table shows before "show all" (report.js reads it from data-page).
constexpr std::size_t kPageRows = 500;

struct TableSpec {
  std::string id;
  std::vector<std::string> keys;     // every key of the rows, in order
  std::set<std::string> alert_keys;  // a non-zero number here is highlighted
  std::set<std::string> text_keys;   // long text: may wrap
  std::string placeholder = "Filter rows (words, or column:text)";
  bool compact = false;  // as wide as its content, not the page
};

// A table with a filter box. Cells keep the rows' values exactly (the views'
// --json rows), so what the page shows is what the views print.
void data_table(const TableSpec& spec, const std::vector<json::Value>& rows, std::string& out) {
  std::set<std::string> numeric;
  for (const json::Value& row : rows) {
    for (const std::string& key : spec.keys)
      if (row.get(key).is_number()) numeric.insert(key);
  }
  out += "<div class=\"table-tools\"><input class=\"filter\" type=\"search\" data-table=\"" + esc(spec.id) +
         "\" placeholder=\"" + esc(spec.placeholder) + "\" aria-label=\"Filter rows\"><span class=\"count\" data-table=\"" +
         esc(spec.id) + "\">" + std::to_string(rows.size()) + " rows</span></div>\n";
  out += "<div class=\"scroll\"><table class=\"data" + std::string(spec.compact ? " compact" : "") + "\" id=\"" +
         esc(spec.id) + "\" data-page=\"" + std::to_string(kPageRows) + "\"><thead><tr>";
  for (const std::string& key : spec.keys) {
    out += "<th data-key=\"" + esc(key) + "\"" + (numeric.count(key) ? " class=\"num\"" : "") + ">" +
           esc(header_text(key)) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  std::size_t index = 0;
  for (const json::Value& row : rows) {
    // Rows past the first page start hidden (no layout for huge tables); the
    // script pages through them, and without script a <noscript> style shows all.
    out += index++ < kPageRows ? "<tr>" : "<tr class=\"hidden\">";
    for (const std::string& key : spec.keys) {
      const json::Value value = row.get(key);
      if (value.is_null()) {
        out += "<td class=\"none\"></td>";
      } else if (value.is_number()) {
        const std::string text = json::number_text(value);
        const bool alert = spec.alert_keys.count(key) && value.as_number() != 0;
        out += std::string("<td class=\"num") + (alert ? " alert" : "") + "\" data-n=\"" + esc(text) + "\">" +
               esc(text) + "</td>";
      } else if (value.is_bool()) {
        const std::string text = value_text(value);
        out += "<td class=\"bool-" + text + "\">" + text + "</td>";
      } else {
        std::string cls;
        if (spec.text_keys.count(key)) cls = "text";
        if (key == "change") cls = "change-" + value_text(value);
        if (key == "severity") cls = "sev-" + value_text(value);
        out += (cls.empty() ? std::string("<td>") : "<td class=\"" + esc(cls) + "\">") + esc(value_text(value)) +
               "</td>";
      }
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
}

std::vector<std::string> keys_of(const json::Value& row) {
  std::vector<std::string> keys;
  if (row.is_object())
    for (const auto& [key, value] : row.as_object()) keys.push_back(key);
  return keys;
}

// --- The counters tree -----------------------------------------------------

struct TreeNode {
  std::string name;
  std::string path;  // dotted
  const Counter* counter = nullptr;
  std::vector<std::unique_ptr<TreeNode>> children;  // first-seen order, as the snapshot lists them
  std::map<std::string, TreeNode*, std::less<>> index;
  std::size_t leaves = 0, errors = 0;
};

TreeNode& child(TreeNode& parent, std::string_view name) {
  if (auto it = parent.index.find(name); it != parent.index.end()) return *it->second;
  auto node = std::make_unique<TreeNode>();
  node->name = std::string(name);
  node->path = parent.path.empty() ? node->name : parent.path + "." + node->name;
  TreeNode* raw = node.get();
  parent.children.push_back(std::move(node));
  parent.index.emplace(raw->name, raw);
  return *raw;
}

bool is_alert(const Counter& counter) { return counter.value != 0 && netstack::is_error_counter(counter.name); }

std::size_t count_up(TreeNode& node) {
  node.leaves = node.counter ? 1 : 0;
  node.errors = node.counter && is_alert(*node.counter) ? 1 : 0;
  for (auto& c : node.children) {
    count_up(*c);
    node.leaves += c->leaves;
    node.errors += c->errors;
  }
  return node.leaves;
}

void leaf_html(const TreeNode& node, std::string& out) {
  const Counter& counter = *node.counter;
  std::string cls = "leaf";
  if (counter.value == 0) cls += " zero";
  if (is_alert(counter)) cls += " err";
  out += "<li class=\"" + cls + "\" data-name=\"" + esc(counter.name) + "\"><span class=\"k\">" + esc(node.name) +
         "</span><span class=\"v\">" + std::to_string(counter.value) + "</span></li>\n";
}

void tree_html(const TreeNode& node, std::string& out) {
  for (const auto& c : node.children) {
    if (c->children.empty()) {
      if (c->counter) leaf_html(*c, out);
      continue;
    }
    // Groups holding a non-zero error counter start open: that is where to look.
    out += "<li class=\"group\"><details" + std::string(c->errors ? " open" : "") + "><summary><span class=\"k\">" +
           esc(c->name) + "</span><span class=\"sum\">" + std::to_string(c->leaves) + "</span>";
    if (c->errors) out += "<span class=\"pill bad badge\">" + std::to_string(c->errors) + " non-zero errors</span>";
    out += "</summary><ul>\n";
    if (c->counter) leaf_html(*c, out);  // a counter that is also a group's name
    tree_html(*c, out);
    out += "</ul></details></li>\n";
  }
}

void counters_section(const std::string& id, const std::vector<Counter>& counters, std::string& out) {
  TreeNode root;
  for (const Counter& counter : counters) {
    TreeNode* node = &root;
    std::string_view rest = counter.name;
    while (true) {
      const std::size_t dot = rest.find('.');
      node = &child(*node, rest.substr(0, dot));
      if (dot == std::string_view::npos) break;
      rest.remove_prefix(dot + 1);
    }
    node->counter = &counter;
  }
  count_up(root);
  out += "<div class=\"table-tools tree-tools\" data-tree=\"" + esc(id) +
         "\"><input class=\"filter\" type=\"search\" placeholder=\"Search counters (e.g. tcp.reset)\" "
         "aria-label=\"Search counters\"><label class=\"check\"><input type=\"checkbox\" class=\"errors-only\"> "
         "non-zero errors only</label><label class=\"check\"><input type=\"checkbox\" class=\"nonzero\"> hide "
         "zeros</label><span class=\"count\">" +
         std::to_string(counters.size()) + " counters</span></div>\n";
  if (counters.empty()) {
    out += "<p class=\"empty\">The snapshot has no stat counters.</p>\n";
    return;
  }
  out += "<div class=\"tree\" id=\"" + esc(id) + "\"><ul>\n";
  tree_html(root, out);
  out += "</ul></div>\n";
}

// --- Overview pieces --------------------------------------------------------

std::string boot_time(std::int64_t ns) {
  if (ns < 0) return std::to_string(ns) + " ns";
  const std::int64_t seconds = ns / 1000000000;
  char text[96];
  std::snprintf(text, sizeof text, "%lldd %02lld:%02lld:%02lld after boot (%lld ns)",
                static_cast<long long>(seconds / 86400), static_cast<long long>(seconds / 3600 % 24),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60),
                static_cast<long long>(ns));
  return text;
}

void tile(std::string_view value, std::string_view label, std::string_view cls, std::string_view href,
          std::string& out) {
  out += "<a class=\"tile" + (cls.empty() ? std::string() : " " + std::string(cls)) + "\" href=\"#" + esc(href) +
         "\"><div class=\"v\">" + esc(value) + "</div><div class=\"l\">" + esc(label) + "</div></a>\n";
}

void fact(std::string_view label, const std::string& html_value, std::string& out) {
  out += "<dt>" + esc(label) + "</dt><dd>" + html_value + "</dd>\n";
}

// --- Profiles ---------------------------------------------------------------

struct ProfileView {
  std::string name, entry;
  std::string error;  // set when it could not be decoded
  std::string sample_type, unit, total;
  std::size_t samples = 0, nodes = 0;
  std::string top;
  std::optional<std::size_t> flame;  // index into the flame data island; none without samples
};

std::vector<ProfileView> profiles(const std::vector<json::Value>& entries, std::vector<json::Value>& flames) {
  std::vector<pprof::EmbeddedProfile> found;
  std::vector<std::string> names;
  for (const json::Value& entry : entries) {
    for (pprof::EmbeddedProfile& p : pprof::profiles_in_entry(entry)) {
      if (std::find(names.begin(), names.end(), p.entry) == names.end()) names.push_back(p.entry);
      found.push_back(std::move(p));
    }
  }
  // Older builds keep a profile per period as well: the latest says the most.
  const std::vector<std::string> keep = pprof::latest_entries(names);
  std::vector<ProfileView> out;
  for (const pprof::EmbeddedProfile& p : found) {
    if (std::find(keep.begin(), keep.end(), p.entry) == keep.end()) continue;
    ProfileView view;
    view.name = p.name;
    view.entry = p.entry;
    try {
      if (!p.value.is_string()) throw pprof::PprofError("value is not a string");
      const pprof::Profile profile = pprof::decode_profile(pprof::decode_inspect_value(p.value.as_string()));
      if (profile.sample_types.empty()) throw pprof::PprofError("the profile has no sample types");
      const std::size_t index = pprof::default_sample_index(profile);
      const std::vector<pprof::Stack> stacks = pprof::folded_stacks(profile, index);
      std::int64_t total = 0;
      for (const pprof::Stack& stack : stacks) total += stack.value > 0 ? stack.value : 0;
      view.sample_type = profile.sample_types[index].type;
      view.unit = profile.sample_types[index].unit;
      view.total = pprof::scaled_label(total, view.unit, "auto");
      view.samples = profile.samples.size();
      view.nodes = pprof::flame_node_count(stacks);
      pprof::TopOptions top;
      top.node_count = 15;
      view.top = pprof::top_report(profile, top);
      pprof::FlameOptions flame;
      flame.title = p.name + " (" + view.sample_type + ")";
      flame.unit = view.unit;
      if (total > 0) {
        view.flame = flames.size();
        flames.push_back(json::Value::string(pprof::flame_svg(stacks, flame)));
      }
    } catch (const std::exception& error) {
      view.error = error.what();
    }
    out.push_back(std::move(view));
  }
  return out;
}

// --- One snapshot -----------------------------------------------------------

struct Section {
  std::string id, title, badge;
  bool bad = false;
};

struct SnapshotPage {
  std::string view_id, label;
  std::vector<Section> sections;
  std::string body;
};

std::vector<diagnose::Finding> findings_for(const SnapshotInput& input, const ReportOptions& options,
                                            std::string& problem) {
  std::vector<diagnose::Finding> findings;
  try {
    diagnose::Data data;
    data.now_ns = diagnose::latest_timestamp(input.entries);
    data.entries = input.entries;
    findings = diagnose::evaluate(options.configs, data);
    if (options.native_checks) {
      for (diagnose::Finding& f : diagnose::native_findings(input.snapshot)) findings.push_back(std::move(f));
    }
  } catch (const std::exception& error) {
    problem = error.what();
  }
  auto rank = [](const diagnose::Finding& f) { return f.severity == "error" ? 0 : f.severity == "warning" ? 1 : 2; };
  std::stable_sort(findings.begin(), findings.end(),
                   [&](const diagnose::Finding& a, const diagnose::Finding& b) { return rank(a) < rank(b); });
  return findings;
}

void finding_html(const diagnose::Finding& f, std::string& out) {
  out += "<div class=\"finding sev-" + esc(f.severity) + "\"><span class=\"pill " + esc(f.severity) + "\">" +
         esc(f.severity) + "</span><span class=\"rule\">" + esc(f.config) + "::" + esc(f.action) + "</span><p>" +
         esc(f.message) + "</p>";
  if (!f.evidence.empty()) {
    out += "<table class=\"evidence\">";
    for (const diagnose::Evidence& e : f.evidence)
      out += "<tr><td>" + esc(e.selector) + "</td><td>" + esc(json::to_json(e.value)) + "</td></tr>";
    out += "</table>";
  }
  out += "</div>\n";
}

SnapshotPage snapshot_page(const SnapshotInput& input, std::size_t index, const ReportOptions& options,
                           std::vector<json::Value>& flames) {
  const netstack::Snapshot& snapshot = input.snapshot;
  const std::string p = "s" + std::to_string(index) + "-";
  SnapshotPage page;
  page.view_id = "view-s" + std::to_string(index);
  page.label = snapshot.label;

  netstack::Surprises surprises;
  const std::vector<netstack::Nic> nics = netstack::nics(snapshot, surprises);
  const std::vector<netstack::Socket> sockets = netstack::sockets(snapshot, surprises);
  const std::vector<netstack::Route> routes = netstack::routes(snapshot, surprises);
  const std::vector<netstack::Counter> counters = netstack::counters(snapshot, surprises);
  const std::vector<std::string> warnings = netstack::warnings(snapshot, nics, counters);
  std::vector<const Counter*> error_counters;
  for (const Counter& counter : counters)
    if (is_alert(counter)) error_counters.push_back(&counter);
  std::stable_sort(error_counters.begin(), error_counters.end(),
                   [](const Counter* a, const Counter* b) { return a->value > b->value; });
  std::string triage_problem;
  const std::vector<diagnose::Finding> findings = findings_for(input, options, triage_problem);
  const auto warned = static_cast<std::size_t>(std::count_if(
      findings.begin(), findings.end(), [](const diagnose::Finding& f) { return f.severity != "info"; }));
  const std::vector<ProfileView> profile_views = profiles(input.entries, flames);

  std::string& out = page.body;
  out += "<section class=\"view\" id=\"" + page.view_id + "\" data-label=\"" + esc(snapshot.label) + "\">\n";
  out += "<h1>" + esc(snapshot.label) + "</h1>\n<div class=\"subtitle\">" +
         esc(snapshot.moniker.empty() ? "no netstack component found" : snapshot.moniker) + " · " +
         esc(netstack::flavor_name(snapshot.flavor)) + "</div>\n";

  // Overview.
  page.sections.push_back({p + "overview", "Overview", "", false});
  out += "<section id=\"" + p + "overview\">\n";
  if (options.bundled_sample) {
    out += "<div class=\"note\">No SOURCE was given: this is the sample snapshot bundled with netinspect. Pass an "
           "inspect.json, a snapshot .zip or a directory to see yours.</div>\n";
  }
  out += "<div class=\"tiles\">\n";
  tile(std::to_string(sockets.size()), "open sockets", "", p + "sockets", out);
  tile(std::to_string(nics.size()), "NICs", "", p + "nics", out);
  tile(std::to_string(routes.size()), "routes", "", p + "routes", out);
  tile(std::to_string(error_counters.size()), "non-zero error counters", error_counters.empty() ? "good" : "bad",
       p + "counters", out);
  tile(std::to_string(warned), "triage warnings", warned ? "warn" : "good", p + "triage", out);
  tile(std::to_string(profile_views.size()), "pprof profiles", "", p + "profiles", out);
  out += "</div>\n<div class=\"cols\">\n<div class=\"panel\"><h2>Snapshot</h2><dl class=\"facts\">\n";
  fact("source", esc(snapshot.label), out);
  fact("moniker", snapshot.moniker.empty() ? "<span class=\"empty\">none found</span>" : esc(snapshot.moniker), out);
  fact("netstack", esc(netstack::flavor_name(snapshot.flavor)), out);
  if (!snapshot.component_url.empty()) fact("component", "<code>" + esc(snapshot.component_url) + "</code>", out);
  if (snapshot.timestamp_ns) fact("timestamp", esc(boot_time(*snapshot.timestamp_ns)), out);
  fact("entries", std::to_string(snapshot.netstack_entries) + " netstack of " + std::to_string(snapshot.entries_total),
       out);
  const json::Value status = snapshot.health.get("status");
  const std::string health = status.is_string() ? status.as_string() : "";
  fact("health",
       health.empty() ? "<span class=\"empty\">not published</span>"
                      : "<span class=\"pill " + std::string(health == "OK" ? "ok" : "warn") + "\">" + esc(health) +
                            "</span>",
       out);
  out += "</dl>\n";
  out += warnings.empty() ? "<h3>Warnings: none</h3>\n" : "<h3>Warnings (" + std::to_string(warnings.size()) + ")</h3>\n";
  if (!warnings.empty()) {
    out += "<ul class=\"warnings\">";
    for (const std::string& w : warnings) out += "<li>" + esc(w) + "</li>";
    out += "</ul>\n";
  }
  out += "</div>\n<div class=\"panel\"><h2>Sockets by protocol and state</h2>\n";
  out += sockets_chart(sockets);
  out += "</div>\n</div>\n";
  out += "<div class=\"panel\"><h2>Non-zero error counters <span class=\"sub\">largest first</span></h2>\n";
  if (error_counters.empty()) {
    out += "<p class=\"empty\">No error, drop or failure counter is above zero.</p>\n";
  } else {
    std::vector<json::Value> rows;
    for (const Counter* counter : error_counters) rows.push_back(netstack::to_json(*counter));
    data_table({p + "errors-table", {"name", "value"}, {"value"}, {}, "Filter counters", true}, rows, out);
  }
  out += "</div>\n</section>\n";

  // The view tables, with exactly the rows of the views' --json.
  auto table_section = [&](const std::string& name, const std::string& title, const std::vector<json::Value>& rows,
                           const json::Value& empty_row, std::set<std::string> alert_keys,
                           std::set<std::string> text_keys) {
    page.sections.push_back({p + name, title, std::to_string(rows.size()), false});
    out += "<section id=\"" + p + name + "\" class=\"panel\"><h2>" + esc(title) + " <span class=\"sub\">" +
           std::to_string(rows.size()) + "</span></h2>\n";
    data_table({p + name + "-table", keys_of(empty_row), std::move(alert_keys), std::move(text_keys)}, rows, out);
    out += "</section>\n";
  };
  std::vector<json::Value> rows;
  for (const netstack::Socket& socket : sockets) rows.push_back(netstack::to_json(socket, false));
  table_section("sockets", "Sockets", rows, netstack::to_json(netstack::Socket{}, false), {"errors", "drops"}, {});
  rows.clear();
  for (const netstack::Nic& nic : nics) rows.push_back(netstack::to_json(nic));
  table_section("nics", "NICs", rows, netstack::to_json(netstack::Nic{}), {"rx_errors", "tx_errors"},
                {"addresses", "dns_servers"});
  rows.clear();
  for (const netstack::Route& route : routes) rows.push_back(netstack::to_json(route));
  table_section("routes", "Routes", rows, netstack::to_json(netstack::Route{}), {}, {});

  // Counters.
  page.sections.push_back({p + "counters", "Counters", std::to_string(error_counters.size()), !error_counters.empty()});
  out += "<section id=\"" + p + "counters\" class=\"panel\"><h2>Counters <span class=\"sub\">" +
         std::to_string(counters.size()) + " · non-zero error counters in red</span></h2>\n";
  counters_section(p + "counters-tree", counters, out);
  out += "</section>\n";

  // Triage.
  page.sections.push_back({p + "triage", "Triage", std::to_string(warned), warned > 0});
  out += "<section id=\"" + p + "triage\" class=\"panel\"><h2>Triage findings <span class=\"sub\">" +
         std::to_string(warned) + " warning(s)</span></h2>\n";
  if (!triage_problem.empty()) out += "<p class=\"pill error\">triage failed: " + esc(triage_problem) + "</p>\n";
  if (warned == 0) out += "<p class=\"empty\">No rule fired.</p>\n";
  std::size_t gauges = 0;
  for (const diagnose::Finding& f : findings) {
    if (f.severity == "info") {
      ++gauges;
      continue;
    }
    finding_html(f, out);
  }
  if (gauges) {
    out += "<details class=\"gauges\"><summary>" + std::to_string(gauges) + " gauge(s)</summary>\n";
    for (const diagnose::Finding& f : findings)
      if (f.severity == "info") finding_html(f, out);
    out += "</details>\n";
  }
  out += "</section>\n";

  // Profiles.
  page.sections.push_back({p + "profiles", "Profiles", std::to_string(profile_views.size()), false});
  out += "<section id=\"" + p + "profiles\" class=\"panel\"><h2>pprof profiles <span class=\"sub\">click a frame to "
         "zoom</span></h2>\n";
  if (profile_views.empty()) out += "<p class=\"empty\">The snapshot holds no pprof profiles.</p>\n";
  for (const ProfileView& view : profile_views) {
    out += "<h3>" + esc(view.name) + "</h3>\n";
    if (!view.error.empty()) {
      out += "<p class=\"pill error\">" + esc(view.entry) + ": " + esc(view.name) + ": " + esc(view.error) + "</p>\n";
      continue;
    }
    out += "<div class=\"profile-head\"><span class=\"pill info\">" + esc(view.sample_type) + "</span><span>total " +
           esc(view.total) + "</span><span class=\"count\">" + std::to_string(view.samples) + " samples · " +
           std::to_string(view.nodes) + " frames · from " + esc(view.entry) + "</span></div>\n";
    if (!view.flame) {
      out += "<p class=\"empty\">No samples: nothing to draw.</p>\n";
      continue;
    }
    out += "<div class=\"flame-box\" data-flame=\"" + std::to_string(*view.flame) + "\" data-title=\"" +
           esc("flame graph of " + view.name) + "\"><p class=\"empty\">The flame graph needs JavaScript.</p></div>\n";
    out += "<details><summary>top functions</summary><pre class=\"top\">" + esc(view.top) + "</pre></details>\n";
  }
  out += "</section>\n</section>\n";
  return page;
}

}  // namespace

std::string random_nonce() {
  std::random_device device;
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (int i = 0; i < 22; ++i) out += kAlphabet[device() % 64];  // 132 bits
  return out;
}

std::string render_html(const std::vector<SnapshotInput>& inputs, const ReportOptions& options) {
  std::vector<json::Value> flames;
  std::vector<SnapshotPage> pages;
  for (std::size_t i = 0; i < inputs.size(); ++i) pages.push_back(snapshot_page(inputs[i], i, options, flames));

  // The diff: each snapshot against the one before it.
  std::string diff_body;
  std::size_t changes = 0;
  if (inputs.size() >= 2) {
    diff_body += "<section class=\"view\" id=\"view-diff\">\n<h1>What changed</h1>\n<div class=\"subtitle\">each "
                 "snapshot against the one before it; rates per second of the entries' timestamps</div>\n";
    for (std::size_t k = 1; k < inputs.size(); ++k) {
      std::vector<json::Value> rows;
      std::string problem;
      try {
        for (const diagnose::Change& change : diagnose::diff(inputs[k - 1].snapshot, inputs[k].snapshot))
          rows.push_back(diagnose::to_json(change));
      } catch (const std::exception& error) {
        problem = error.what();
      }
      changes += rows.size();
      const std::string id = "diff-" + std::to_string(k);
      diff_body += "<section id=\"" + id + "\" class=\"panel\"><h2>" + esc(inputs[k - 1].snapshot.label) + " → " +
                   esc(inputs[k].snapshot.label) + " <span class=\"sub\">" + std::to_string(rows.size()) +
                   " change(s)</span></h2>\n";
      if (!problem.empty()) diff_body += "<p class=\"pill error\">diff failed: " + esc(problem) + "</p>\n";
      if (rows.empty() && problem.empty()) {
        diff_body += "<p class=\"empty\">Nothing changed.</p>\n</section>\n";
        continue;
      }
      data_table({id + "-table", keys_of(diagnose::to_json(diagnose::Change{})), {}, {"subject", "old", "new"},
                  "Filter changes (e.g. counter, kind:socket)"},
                 rows, diff_body);
      diff_body += "</section>\n";
    }
    diff_body += "</section>\n";
  }

  std::string out;
  out.reserve(1 << 16);
  const std::string nonce = esc(options.nonce);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may be fetched, and only our own script may run: an injected
  // <script> or onerror= handler would be refused even if escaping failed.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'nonce-" + nonce +
         "'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"netinspect " + esc(options.version) + "\">\n";
  out += "<title>" + esc(options.title) + "</title>\n<style>\n";
  out += report_css();
  out += "</style>\n<noscript><style>tr.hidden { display: table-row; }</style></noscript>\n</head>\n<body>\n<div class=\"layout\">\n<nav class=\"side\" aria-label=\"Report\">\n";
  out += "<div class=\"brand\">netinspect <span>report</span></div>\n<div class=\"meta\">" + esc(options.title) +
         "</div>\n";
  const bool tabs = pages.size() > 1;
  for (const SnapshotPage& page : pages) {
    if (tabs) {
      // The file name says which snapshot; the whole path is in the tooltip.
      const std::size_t slash = page.label.find_last_of('/');
      const std::string name = slash == std::string::npos || slash + 1 == page.label.size()
                                   ? page.label
                                   : page.label.substr(slash + 1);
      out += "<button type=\"button\" class=\"view-tab\" data-view=\"" + page.view_id + "\" title=\"" +
             esc(page.label) + "\">" + std::to_string(&page - pages.data() + 1) + " · " + esc(name) + "</button>\n";
    }
    out += "<div class=\"toc\" data-view=\"" + page.view_id + "\">";
    for (const Section& s : page.sections) {
      out += "<a href=\"#" + esc(s.id) + "\">" + esc(s.title);
      if (!s.badge.empty()) out += "<span class=\"n" + std::string(s.bad ? " bad" : "") + "\">" + esc(s.badge) + "</span>";
      out += "</a>";
    }
    out += "</div>\n";
  }
  if (!diff_body.empty()) {
    out += "<button type=\"button\" class=\"view-tab\" data-view=\"view-diff\">Diff (" + std::to_string(changes) +
           " changes)</button>\n";
  }
  out += "</nav>\n<main>\n";
  for (const SnapshotPage& page : pages) out += page.body;
  out += diff_body;
  out += "<footer>Written by netinspect " + esc(options.version) +
         ". Self-contained: this page loads nothing from the network.</footer>\n</main>\n</div>\n";
  out += "<script type=\"application/json\" id=\"ni-flames\">" + script_json(json::Value::array(std::move(flames))) +
         "</script>\n";
  out += "<script nonce=\"" + nonce + "\">\n";
  out += report_js();
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace netinspect::report
