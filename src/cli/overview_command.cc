// `netinspect [overview]`: one screen about a netstack snapshot — identity,
// health, NICs, socket totals, non-zero error counters, routes, pprof
// profiles and warnings (see --help and docs/views/overview.md).
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/view_common.h"
#include "json/write.h"
#include "netstack/typed.h"
#include "netstack/views.h"

namespace netinspect::cli {

namespace {

constexpr const char* kHelp =
    "Usage: netinspect [overview] [options] [SOURCE...]\n"
    "\n"
    "One screen about each snapshot: its identity (file, moniker, netstack\n"
    "generation, component URL, timestamp), health, the NIC table, socket totals\n"
    "by protocol and state, the non-zero error and drop counters (the largest\n"
    "10; --json has all), the route table, the pprof profiles present, and\n"
    "warnings: a NIC admin-up with its link down, SocketCount differing from\n"
    "SocketsCreated - SocketsDestroyed, netstack entries without data (timed\n"
    "out), a health status other than OK, missing trees.\n"
    "\n"
    "With no SOURCE it shows this host's live network stack (--sample: the\n"
    "snapshot bundled with netinspect, which is also used when capture fails).\n"
    "Output: the screen (default, --table), or --json / --ndjson (one object\n"
    "per snapshot); --strict reports schema surprises on stderr.\n";

constexpr const char* kExamples =
    "Exit status: 0 success (warnings included); 2 bad usage or an unreadable SOURCE.\n"
    "\n"
    "Examples:\n"
    "  netinspect\n"
    "  netinspect snapshot.zip\n"
    "  netinspect overview --json inspect.json | jq .warnings\n";

constexpr std::size_t kTopCounters = 10;

const std::vector<Column> kNicColumns = {
    {"id", "ID", true, false, false},          {"name", "NAME", false, true, false},
    {"admin_up", "ADMIN", false, false, false}, {"link_online", "LINK", false, false, false},
    {"mtu", "MTU", true, false, false},        {"addresses", "ADDRESSES", false, true, false},
    {"rx_packets", "RX PKTS", true, false, false}, {"tx_packets", "TX PKTS", true, false, false},
    {"rx_errors", "RX ERR", true, false, true},  {"tx_errors", "TX ERR", true, false, true},
};
const std::vector<Column> kRouteColumns = {
    {"destination", "DESTINATION", false, true, false}, {"gateway", "GATEWAY", false, true, false},
    {"nic_cell", "NIC", false, true, false},            {"metric", "METRIC", true, false, false},
};
const std::vector<Column> kCounterColumns = {
    {"name", "NAME", false, true, false},
    {"value", "VALUE", true, false, true},
};

json::Value counts_object(const std::vector<std::pair<std::string, std::uint64_t>>& counts) {
  json::Object o;
  for (const auto& [key, count] : counts) o.set(key, netstack::uint_value(count));
  return json::Value::object(std::move(o));
}

// Counts in first-seen order, so the output is stable for a given snapshot.
void bump(std::vector<std::pair<std::string, std::uint64_t>>& counts, const std::string& key) {
  for (auto& [k, n] : counts) {
    if (k == key) {
      ++n;
      return;
    }
  }
  counts.emplace_back(key, 1);
}

std::string join_counts(const std::vector<std::pair<std::string, std::uint64_t>>& counts) {
  std::string out;
  for (const auto& [key, n] : counts) out += (out.empty() ? "" : ", ") + key + " " + std::to_string(n);
  return out.empty() ? "-" : out;
}

std::string boot_time(std::int64_t ns) {
  if (ns < 0) return std::to_string(ns) + " ns";
  std::int64_t seconds = ns / 1000000000;
  char text[96];
  std::snprintf(text, sizeof text, "%lld ns (%lldd %02lld:%02lld:%02lld after boot)", static_cast<long long>(ns),
                static_cast<long long>(seconds / 86400), static_cast<long long>(seconds / 3600 % 24),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  return text;
}

struct Summary {
  json::Value object;                 // the --json form
  std::vector<json::Value> nics, routes, error_counters;  // rows for the tables
  std::vector<std::pair<std::string, std::uint64_t>> by_protocol, by_state;
  std::size_t sockets = 0;
  std::vector<std::string> warnings;
};

Summary summarize(const netstack::Snapshot& snapshot, bool sample, netstack::Surprises& surprises) {
  Summary s;
  std::vector<netstack::Nic> nics = netstack::nics(snapshot, surprises);
  std::vector<netstack::Socket> sockets = netstack::sockets(snapshot, surprises);
  std::vector<netstack::Route> routes = netstack::routes(snapshot, surprises);
  std::vector<netstack::Counter> counters = netstack::counters(snapshot, surprises);
  for (const netstack::Nic& nic : nics) s.nics.push_back(netstack::to_json(nic));
  for (const netstack::Route& route : routes) {
    json::Value row = netstack::to_json(route);
    if (route.nic) {
      row.mutable_object().set("nic_cell", json::Value::string(std::to_string(*route.nic) +
                                                               (route.nic_name.empty() ? "" : " " + route.nic_name)));
    }
    s.routes.push_back(std::move(row));
  }
  s.sockets = sockets.size();
  for (const netstack::Socket& socket : sockets) {
    bump(s.by_protocol, socket.protocol.empty() ? "unknown" : socket.protocol);
    bump(s.by_state, socket.state.empty() ? "(none)" : socket.state);
  }
  std::vector<netstack::Counter> errors;
  for (const netstack::Counter& counter : counters) {
    if (counter.value != 0 && netstack::is_error_counter(counter.name)) errors.push_back(counter);
  }
  std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) { return a.value > b.value; });
  for (const netstack::Counter& counter : errors) s.error_counters.push_back(netstack::to_json(counter));
  s.warnings = netstack::warnings(snapshot, nics, counters);

  json::Object o;
  o.set("snapshot", json::Value::string(snapshot.label));
  o.set("bundled_sample", json::Value::boolean(sample));
  o.set("moniker", netstack::text_value(snapshot.moniker));
  o.set("flavor", json::Value::string(netstack::flavor_name(snapshot.flavor)));
  o.set("component_url", netstack::text_value(snapshot.component_url));
  o.set("timestamp_ns", snapshot.timestamp_ns ? json::Value::number_literal(static_cast<double>(*snapshot.timestamp_ns),
                                                                            std::to_string(*snapshot.timestamp_ns))
                                              : json::Value::null());
  o.set("entries", netstack::uint_value(snapshot.entries_total));
  o.set("netstack_entries", netstack::uint_value(snapshot.netstack_entries));
  json::Value status = snapshot.health.get("status");
  o.set("health", status.is_string() ? status : json::Value::null());
  o.set("nics", json::Value::array(std::vector<json::Value>(s.nics.begin(), s.nics.end())));
  json::Object socket_totals;
  socket_totals.set("total", netstack::uint_value(s.sockets));
  socket_totals.set("by_protocol", counts_object(s.by_protocol));
  socket_totals.set("by_state", counts_object(s.by_state));
  o.set("sockets", json::Value::object(std::move(socket_totals)));
  o.set("error_counters", json::Value::array(s.error_counters));
  std::vector<json::Value> plain_routes;
  for (const netstack::Route& route : routes) plain_routes.push_back(netstack::to_json(route));
  o.set("routes", json::Value::array(std::move(plain_routes)));
  json::Array profiles, files;
  for (const std::string& p : snapshot.pprof_profiles) profiles.push_back(json::Value::string(p));
  for (const std::string& f : snapshot.pprof_files) files.push_back(json::Value::string(f));
  json::Object pprof;
  pprof.set("profiles", json::Value::array(std::move(profiles)));
  pprof.set("files", json::Value::array(std::move(files)));
  o.set("pprof", json::Value::object(std::move(pprof)));
  json::Array warnings;
  for (const std::string& w : s.warnings) warnings.push_back(json::Value::string(w));
  o.set("warnings", json::Value::array(std::move(warnings)));
  s.object = json::Value::object(std::move(o));
  return s;
}

// A table indented by two spaces, fitted to the width left.
void indented_table(const std::vector<Column>& columns, const std::vector<json::Value>& rows, RenderOptions render,
                    std::string& out) {
  if (render.width > 2) render.width -= 2;
  std::string table;
  render_table(columns, rows, render, table);
  std::size_t start = 0;
  while (start < table.size()) {
    std::size_t end = table.find('\n', start);
    out += "  " + table.substr(start, end - start + 1);
    start = end + 1;
  }
}

void print_screen(const netstack::Snapshot& snapshot, const Summary& s, bool sample, const RenderOptions& render,
                  std::string& out) {
  Style style{render.color};
  auto heading = [&](const std::string& text) { out += std::string(style.bold()) + text + std::string(style.reset()) + "\n"; };
  auto line = [&](const std::string& label, const std::string& value) {
    std::string padded = label;
    padded.resize(std::max<std::size_t>(padded.size(), 12), ' ');
    out += "  " + padded + value + "\n";
  };
  heading("netstack overview: " + snapshot.label);
  if (sample) {
    out += "  (no SOURCE given: this is the sample snapshot bundled with netinspect;\n"
           "   pass an inspect.json, a snapshot .zip or a directory to see yours)\n";
  }
  if (snapshot.moniker.empty()) {
    line("moniker", "no netstack component found (--moniker picks one)");
  } else {
    line("moniker", snapshot.moniker + " (" + std::string(netstack::flavor_name(snapshot.flavor)) + ", " +
                        std::to_string(snapshot.netstack_entries) + " of " + std::to_string(snapshot.entries_total) +
                        " entries)");
  }
  if (!snapshot.component_url.empty()) line("component", snapshot.component_url);
  if (snapshot.timestamp_ns) line("timestamp", boot_time(*snapshot.timestamp_ns));
  json::Value status = s.object.get("health");
  std::string health = status.is_string() ? status.as_string() : "(not published)";
  bool ok = health == "OK";
  line("health", std::string(ok ? style.green() : style.yellow()) + health + std::string(style.reset()));

  out += '\n';
  heading("NICs (" + std::to_string(s.nics.size()) + ")");
  if (!s.nics.empty()) indented_table(kNicColumns, s.nics, render, out);

  out += '\n';
  heading("Sockets (" + std::to_string(s.sockets) + " open)");
  line("by protocol", join_counts(s.by_protocol));
  line("by state", join_counts(s.by_state));

  out += '\n';
  heading("Error and drop counters (" + std::to_string(s.error_counters.size()) + " non-zero)");
  if (!s.error_counters.empty()) {
    std::vector<json::Value> top(s.error_counters.begin(),
                                 s.error_counters.begin() + static_cast<std::ptrdiff_t>(
                                                                std::min(kTopCounters, s.error_counters.size())));
    indented_table(kCounterColumns, top, render, out);
    if (s.error_counters.size() > kTopCounters) {
      out += "  ... and " + std::to_string(s.error_counters.size() - kTopCounters) +
             " more: netinspect counters --errors --nonzero\n";
    }
  }

  out += '\n';
  heading("Routes (" + std::to_string(s.routes.size()) + ")");
  if (!s.routes.empty()) indented_table(kRouteColumns, s.routes, render, out);

  out += '\n';
  if (snapshot.pprof_profiles.empty()) {
    heading("pprof profiles: none");
  } else {
    std::string names, files;
    for (const std::string& p : snapshot.pprof_profiles) names += (names.empty() ? "" : ", ") + p;
    for (const std::string& f : snapshot.pprof_files) files += (files.empty() ? "" : ", ") + f;
    heading("pprof profiles");
    line("profiles", names);
    line("from", files);
  }

  out += '\n';
  if (s.warnings.empty()) {
    heading("Warnings: none");
  } else {
    heading("Warnings (" + std::to_string(s.warnings.size()) + ")");
    for (const std::string& w : s.warnings) out += "  " + std::string(style.yellow()) + "! " + std::string(style.reset()) + w + "\n";
  }
}

}  // namespace

int run_overview_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "overview";
  ViewOptions options;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string error;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s\n%s\n%s", kHelp, kInputOptionsHelp, kExamples);
      return 0;
    }
    if (std::optional<int> rc = take_view_option_or_source(kCommand, argc, argv, i, options)) return *rc;
  }
  if (options.format == OutputFormat::Csv) return usage_error(kCommand, "the overview has no CSV form (use the views)");
  bool sample = false;
  std::vector<netstack::Snapshot> snapshots;
  if (int rc = load_snapshots(kCommand, options, snapshots, /*note_sample=*/options.format != OutputFormat::Table,
                              &sample);
      rc != 0)
    return rc;
  RenderOptions render = detect_render_options(options.format);
  std::string out;
  std::vector<json::Value> objects;
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    netstack::Surprises surprises;
    Summary summary = summarize(snapshots[i], sample, surprises);
    report_surprises(kCommand, options, snapshots[i], surprises);
    if (options.format == OutputFormat::Table) {
      if (i) out += '\n';
      print_screen(snapshots[i], summary, sample, render, out);
    } else {
      objects.push_back(std::move(summary.object));
    }
  }
  if (options.format == OutputFormat::Json) {
    json::WriteOptions write;
    for (const json::Value& object : objects) {
      json::write(object, write, out);
      out += '\n';
    }
  } else if (options.format == OutputFormat::Ndjson) {
    render_ndjson(objects, out);
  }
  keep_until_exit(std::move(snapshots));
  return write_stdout(kCommand, out);
}

}  // namespace netinspect::cli
