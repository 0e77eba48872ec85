// `netinspect nics`: one row per network interface; --detail prints one
// NIC's whole tree (see --help and docs/views/nics.md).
#include <cstdio>
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
    "Usage: netinspect nics [options] [SOURCE...]\n"
    "\n"
    "One row per network interface: id, name, admin and link state, MTU, link\n"
    "address, every protocol address, DHCP state and acquired address, rx/tx\n"
    "packets, bytes and errors. JSON also has up, running, loopback,\n"
    "promiscuous, DNS servers and the device class.\n"
    "\n"
    "Filters and detail:\n"
    "      --id N                only NIC N (repeatable)\n"
    "      --name NAME           only the NIC named NAME (repeatable)\n"
    "      --detail              the NIC's whole tree: device info (Network Device\n"
    "                            Info or the older Ethernet Info), DHCP Info with\n"
    "                            its history, neighbors, per-protocol endpoint stats;\n"
    "                            with --json each row gains a typed `tree`\n";

constexpr const char* kExamples =
    "Examples:\n"
    "  netinspect nics inspect.json\n"
    "  netinspect nics --name wlanx62 --detail snapshot.zip\n"
    "  netinspect nics --csv inspect.json > nics.csv\n";

const std::vector<Column> kColumns = {
    {"id", "ID", true, false, false},
    {"name", "NAME", false, true, false},
    {"admin_up", "ADMIN", false, false, false},
    {"link_online", "LINK", false, false, false},
    {"mtu", "MTU", true, false, false},
    {"link_address", "LINK ADDRESS", false, true, false},
    {"addresses", "ADDRESSES", false, true, false},
    {"dhcp", "DHCP", false, true, false},
    {"rx_packets", "RX PKTS", true, false, false},
    {"rx_bytes", "RX BYTES", true, false, false},
    {"rx_errors", "RX ERR", true, false, true},
    {"tx_packets", "TX PKTS", true, false, false},
    {"tx_bytes", "TX BYTES", true, false, false},
    {"tx_errors", "TX ERR", true, false, true},
};

// The table's DHCP cell: "bound 192.168.1.23/24", "off", or empty.
json::Value dhcp_cell(const netstack::Nic& nic) {
  if (nic.dhcp_enabled == false) return json::Value::string("off");
  std::string text = nic.dhcp_state;
  if (!nic.dhcp_address.empty()) text += (text.empty() ? "" : " ") + nic.dhcp_address;
  if (text.empty() && nic.dhcp_enabled == true) text = "on";
  return netstack::text_value(text);
}

// An indented "name: value" rendering of a typed tree: properties, then children.
void print_tree(const json::Value& node, int depth, std::string& out) {
  std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  for (const auto& [key, value] : node.as_object()) {
    if (!value.is_object()) out += indent + key + ": " + cell_text(value, true) + "\n";
  }
  for (const auto& [key, value] : node.as_object()) {
    if (!value.is_object()) continue;
    out += indent + key + ":\n";
    if (value.size() == 0) {
      out += indent + "  (empty)\n";
    } else {
      print_tree(value, depth + 1, out);
    }
  }
}

}  // namespace

int run_nics_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "nics";
  ViewOptions options;
  std::vector<std::string> ids, names;
  bool detail = false;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string value, error;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s%s%s\n%s\n%s", kHelp, kViewOptionsHelp, kInputOptionsHelp, kViewExitHelp, kExamples);
      return 0;
    }
    if (arg == "--detail") {
      detail = true;
      ++i;
      continue;
    }
    if (take_value(argc, argv, i, "--id", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      if (!netstack::as_uint(json::Value::string(value)))
        return usage_error(kCommand, "--id needs a NIC number, not '" + value + "'");
      ids.push_back(std::to_string(*netstack::as_uint(json::Value::string(value))));
      continue;
    }
    if (take_value(argc, argv, i, "--name", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      names.push_back(value);
      continue;
    }
    if (std::optional<int> rc = take_view_option_or_source(kCommand, argc, argv, i, options)) return *rc;
  }

  std::vector<netstack::Snapshot> snapshots;
  if (int rc = load_snapshots(kCommand, options, snapshots); rc != 0) return rc;
  std::vector<Block> blocks;
  std::string out;
  for (const netstack::Snapshot& snapshot : snapshots) {
    netstack::Surprises surprises;
    Block block{snapshot.label, {}};
    for (const netstack::Nic& nic : netstack::nics(snapshot, surprises)) {
      bool wanted = ids.empty() && names.empty();
      for (const std::string& id : ids) wanted |= nic.id && std::to_string(*nic.id) == id;
      for (const std::string& name : names) wanted |= nic.name == name;
      if (!wanted) continue;
      json::Value row = netstack::to_json(nic);
      if (detail && options.format != OutputFormat::Table) {
        row.mutable_object().set("tree", netstack::typed_tree(nic.raw));
      } else if (detail) {
        if (!out.empty()) out += '\n';
        Style style{detect_render_options(OutputFormat::Table).color};
        out += std::string(style.bold()) + "NIC " + cell_text(row.get("id"), false) + " " + nic.name +
               (snapshots.size() > 1 ? " (" + snapshot.label + ")" : "") + std::string(style.reset()) + "\n";
        print_tree(netstack::typed_tree(nic.raw), 1, out);
      }
      if (options.format == OutputFormat::Table) row.mutable_object().set("dhcp", dhcp_cell(nic));
      block.rows.push_back(std::move(row));
    }
    report_surprises(kCommand, options, snapshot, surprises);
    blocks.push_back(std::move(block));
  }
  if (detail && options.format == OutputFormat::Table) return write_stdout(kCommand, out);
  std::vector<std::string> keys = keys_of(netstack::to_json(netstack::Nic{}));
  if (detail) keys.push_back("tree");
  write_blocks(kColumns, keys, std::move(blocks), options, out);
  keep_until_exit(std::move(snapshots));
  return write_stdout(kCommand, out);
}

}  // namespace netinspect::cli
