// `netinspect sockets`: one row per open socket, with filters (see --help and
// docs/views/sockets.md). The typing lives in netstack::sockets().
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/view_common.h"
#include "jq/jq.h"
#include "netstack/address.h"
#include "netstack/views.h"

namespace netinspect::cli {

namespace {

constexpr const char* kHelp =
    "Usage: netinspect sockets [options] [SOURCE...]\n"
    "\n"
    "One row per open socket: id, network and transport protocol, state, local\n"
    "and remote address, bind/register NIC (id and name, joined from the NICs),\n"
    "segments or packets sent and received, errors and drops.\n"
    "\n"
    "Filters (repeat an option to accept any of its values; all must hold):\n"
    "      --proto P             tcp, udp, icmp, raw or packet\n"
    "      --state S             TCP/UDP state, any case (LISTEN, ESTABLISHED, ...)\n"
    "      --nic ID|NAME         bound or registered to this NIC\n"
    "      --port N              local or remote port N\n"
    "      --addr CIDR|ADDRESS   local or remote address within the prefix\n"
    "      --where JQ            a jq condition on the socket's raw Inspect node\n"
    "                            (e.g. '.Stats.SendErrors.Retransmits > 0'); the\n"
    "                            socket passes when its first output is truthy\n"
    "Columns and order:\n"
    "      --options             add the non-zero Socket Option Stats\n"
    "      --sort FIELD          sort by a field (id, state, local, sent, errors,\n"
    "                            ...; -FIELD for descending); default: id\n";

constexpr const char* kExamples =
    "Examples:\n"
    "  netinspect sockets inspect.json\n"
    "  netinspect sockets --proto tcp --state listen snapshot.zip\n"
    "  netinspect sockets --addr 192.168.1.0/24 --sort -sent --json inspect.json\n"
    "  netinspect sockets --where '.Stats.ReceiveErrors.ChecksumErrors > 0' inspect.json\n";

const std::vector<Column>& columns(bool with_options) {
  static const std::vector<Column> base = {
      {"id", "ID", true, false, false},          {"network", "NET", false, false, false},
      {"protocol", "PROTO", false, false, false}, {"state", "STATE", false, false, false},
      {"local", "LOCAL", false, true, false},    {"remote", "REMOTE", false, true, false},
      {"nic", "NIC", false, true, false},        {"sent", "SENT", true, false, false},
      {"received", "RECV", true, false, false},  {"errors", "ERRORS", true, false, true},
      {"drops", "DROPS", true, false, true},
  };
  static const std::vector<Column> with = [] {
    std::vector<Column> c = base;
    c.push_back({"options", "OPTIONS", false, true, false});
    return c;
  }();
  return with_options ? with : base;
}

// The table's NIC cell: the registered NIC, else the bound one, as "2 wlanx62"
// (0 means "any NIC": no cell).
json::Value joined_nic(const json::Value& row) {
  for (const char* prefix : {"register_nic", "bind_nic"}) {
    json::Value id = row.get(prefix);
    if (!id.is_number() || id.as_number() == 0) continue;
    json::Value name = row.get(std::string(prefix) + "_name");
    std::string text = cell_text(id, false);
    if (name.is_string()) text += " " + name.as_string();
    return json::Value::string(text);
  }
  return json::Value::null();
}

struct FirstOutput {};  // stops a --where program after its first output

}  // namespace

int run_sockets_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "sockets";
  ViewOptions options;
  netstack::SocketFilter filter;
  std::string where, sort = "id";
  bool with_options = false;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string value, error;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s%s%s\n%s\n%s", kHelp, kViewOptionsHelp, kInputOptionsHelp, kViewExitHelp, kExamples);
      return 0;
    }
    if (arg == "--options") {
      with_options = true;
      ++i;
      continue;
    }
    if (take_value(argc, argv, i, "--proto", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (value != "tcp" && value != "udp" && value != "icmp" && value != "raw" && value != "packet")
        return usage_error(kCommand, "--proto must be tcp, udp, icmp, raw or packet, not '" + value + "'");
      filter.protocols.push_back(value);
      continue;
    }
    if (take_value(argc, argv, i, "--state", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      filter.states.push_back(value);
      continue;
    }
    if (take_value(argc, argv, i, "--nic", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      filter.nics.push_back(value);
      continue;
    }
    if (take_value(argc, argv, i, "--port", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      auto port = netstack::split_endpoint(":" + value).port;
      if (!port) return usage_error(kCommand, "--port needs a number from 0 to 65535, not '" + value + "'");
      filter.ports.push_back(*port);
      continue;
    }
    if (take_value(argc, argv, i, "--addr", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      auto prefix = netstack::parse_prefix(value);
      if (!prefix) return usage_error(kCommand, "--addr needs an address or CIDR prefix, not '" + value + "'");
      filter.addresses.push_back(*prefix);
      continue;
    }
    if (take_value(argc, argv, i, "--where", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      where = where.empty() ? "(" + value + ")" : where + " and (" + value + ")";
      continue;
    }
    if (take_value(argc, argv, i, "--sort", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      sort = value;
      continue;
    }
    if (std::optional<int> rc = take_view_option_or_source(kCommand, argc, argv, i, options)) return *rc;
  }

  std::optional<jq::Compiled> program;
  if (!where.empty()) {
    try {
      program.emplace(jq::Compiled::compile(where));
    } catch (const jq::CompileError& error) {
      return usage_error(kCommand, std::string("--where does not compile: ") + error.what());
    }
  }
  std::vector<std::string> keys = keys_of(netstack::to_json(netstack::Socket{}, with_options));
  {
    std::vector<json::Value> none;
    if (!sort_rows(none, sort, keys))
      return usage_error(kCommand, "--sort: no field '" + sort + "' (fields: id, network, protocol, state, local, "
                                   "remote, bind_nic, register_nic, sent, received, errors, drops, ...)");
  }

  std::vector<netstack::Snapshot> snapshots;
  if (int rc = load_snapshots(kCommand, options, snapshots); rc != 0) return rc;
  std::vector<Block> blocks;
  std::size_t where_errors = 0;
  std::string first_where_error;
  jq::Environment env;
  for (const netstack::Snapshot& snapshot : snapshots) {
    netstack::Surprises surprises;
    Block block{snapshot.label, {}};
    std::vector<netstack::Socket> sockets = netstack::sockets(snapshot, surprises, with_options);
    std::vector<const netstack::Socket*> kept;
    kept.reserve(sockets.size());
    for (const netstack::Socket& socket : sockets) {
      if (!filter.matches(socket)) continue;
      if (program) {
        bool pass = false;
        try {
          program->run(json::materialize(socket.raw), env, [&](const json::Value& out) {
            pass = out.truthy();
            throw FirstOutput{};
          });
        } catch (const FirstOutput&) {
        } catch (const jq::RuntimeError& error) {
          if (where_errors++ == 0) first_where_error = error.what();
        } catch (const jq::Halt&) {
        }
        if (!pass) continue;
      }
      kept.push_back(&socket);
    }
    block.rows = build_rows(kept.size(), [&](std::size_t i) { return netstack::to_json(*kept[i], with_options); });
    sort_rows(block.rows, sort, keys);
    if (options.format == OutputFormat::Table) {
      // The table's joined NIC cell ("2 wlanx62"), added after sorting.
      for (json::Value& row : block.rows) row.mutable_object().set("nic", joined_nic(row));
    }
    report_surprises(kCommand, options, snapshot, surprises);
    blocks.push_back(std::move(block));
    keep_until_exit(std::move(sockets));
  }
  if (where_errors > 0) {
    std::fprintf(stderr, "netinspect sockets: --where failed on %zu socket(s), which were left out: %s\n",
                 where_errors, first_where_error.c_str());
  }
  std::string out;
  write_blocks(columns(with_options), keys, blocks, options, out);
  keep_until_exit(std::move(blocks));
  keep_until_exit(std::move(snapshots));
  return write_stdout(kCommand, out);
}

}  // namespace netinspect::cli
