// `netinspect routes`: the routing table; --dest shows the route a packet
// would take (see --help and docs/views/routes.md).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/view_common.h"
#include "netstack/address.h"
#include "netstack/views.h"

namespace netinspect::cli {

namespace {

constexpr const char* kHelp =
    "Usage: netinspect routes [options] [SOURCE...]\n"
    "\n"
    "The routing table: destination, gateway, NIC (id and name), metric, whether\n"
    "the metric tracks the interface, dynamic, enabled.\n"
    "\n"
    "Filters:\n"
    "      --nic ID|NAME         only routes through this NIC (repeatable)\n"
    "      --dest ADDRESS        only the route a packet to ADDRESS takes: the\n"
    "                            longest enabled prefix holding it, lowest metric\n"
    "                            first (exit status 1 when no route matches)\n";

constexpr const char* kExamples =
    "Examples:\n"
    "  netinspect routes inspect.json\n"
    "  netinspect routes --dest 8.8.8.8 snapshot.zip\n"
    "  netinspect routes --nic wlanx62 --json inspect.json\n";

const std::vector<Column> kColumns = {
    {"index", "#", true, false, false},
    {"destination", "DESTINATION", false, true, false},
    {"gateway", "GATEWAY", false, true, false},
    {"nic_cell", "NIC", false, true, false},
    {"metric", "METRIC", true, false, false},
    {"tracks_interface", "TRACKS", false, false, false},
    {"dynamic", "DYNAMIC", false, false, false},
    {"enabled", "ENABLED", false, false, false},
};

}  // namespace

int run_routes_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "routes";
  ViewOptions options;
  std::vector<std::string> nics;
  std::optional<netstack::IpAddress> dest;
  std::string dest_text;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string value, error;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s%s%s\n%s%s\n%s", kHelp, kViewOptionsHelp, kInputOptionsHelp, kViewExitHelp,
                  "  With --dest: 1 when no snapshot has a route to the address.\n", kExamples);
      return 0;
    }
    if (take_value(argc, argv, i, "--nic", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      nics.push_back(value);
      continue;
    }
    if (take_value(argc, argv, i, "--dest", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      dest = netstack::parse_ip(value);
      if (!dest) return usage_error(kCommand, "--dest needs an IPv4 or IPv6 address, not '" + value + "'");
      dest_text = value;
      continue;
    }
    if (std::optional<int> rc = take_view_option_or_source(kCommand, argc, argv, i, options)) return *rc;
  }

  std::vector<netstack::Snapshot> snapshots;
  if (int rc = load_snapshots(kCommand, options, snapshots); rc != 0) return rc;
  std::vector<Block> blocks;
  bool any_route = false;
  for (const netstack::Snapshot& snapshot : snapshots) {
    netstack::Surprises surprises;
    std::vector<netstack::Route> all = netstack::routes(snapshot, surprises);
    std::vector<netstack::Route> selected;
    for (const netstack::Route& route : all) {
      bool wanted = nics.empty();
      for (const std::string& nic : nics)
        wanted |= (route.nic && std::to_string(*route.nic) == nic) || (!route.nic_name.empty() && route.nic_name == nic);
      if (wanted) selected.push_back(route);
    }
    if (dest) {
      const netstack::Route* best = netstack::best_route(selected, *dest);
      selected = best ? std::vector<netstack::Route>{*best} : std::vector<netstack::Route>{};
    }
    any_route |= !selected.empty();
    Block block{snapshot.label, {}};
    for (const netstack::Route& route : selected) {
      json::Value row = netstack::to_json(route);
      if (options.format == OutputFormat::Table && route.nic) {
        std::string cell = std::to_string(*route.nic) + (route.nic_name.empty() ? "" : " " + route.nic_name);
        row.mutable_object().set("nic_cell", json::Value::string(cell));
      }
      block.rows.push_back(std::move(row));
    }
    report_surprises(kCommand, options, snapshot, surprises);
    blocks.push_back(std::move(block));
  }
  std::string out;
  write_blocks(kColumns, keys_of(netstack::to_json(netstack::Route{})), std::move(blocks), options, out);
  int rc = write_stdout(kCommand, out);
  if (rc == 0 && dest && !any_route) {
    std::fprintf(stderr, "netinspect routes: no route to %s\n", dest_text.c_str());
    return 1;
  }
  return rc;
}

}  // namespace netinspect::cli
