// The `netinspect` program: dispatches to one subcommand per file.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.h"
#include "json/parse.h"

#ifndef NETINSPECT_VERSION
#define NETINSPECT_VERSION "unknown"
#endif

namespace {

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, char** argv);
};

// New subcommands are added here (one line each) and in their own file.
constexpr Command kCommands[] = {
    {"query", "run a jq program over JSON input (drop-in for jq 1.8)",
     netinspect::cli::run_query_command},
    {"pprof", "list, extract and read Go pprof profiles (top, folded, flame)", netinspect::cli::run_pprof_command},
    {"capture", "print this host's Linux network stack as netstack Inspect JSON", netinspect::cli::run_capture_command},
    {"snapshot", "write this host's network state as an fx-snapshot zip", netinspect::cli::run_snapshot_command},
    {"gen", "write a synthetic netstack2 snapshot (deterministic, any size)", netinspect::cli::run_gen_command},
    {"list", "list the monikers of a snapshot with entry counts and sources", netinspect::cli::run_list_command},
    {"selectors", "list the selectors of every property that selectors match", netinspect::cli::run_selectors_command},
    {"show", "print matching Inspect data as iquery does (text or JSON)", netinspect::cli::run_show_command},
    {"overview", "one screen about a netstack snapshot (the default command)", netinspect::cli::run_overview_command},
    {"sockets", "open sockets: addresses, state, NIC, traffic, errors", netinspect::cli::run_sockets_command},
    {"nics", "network interfaces: flags, addresses, DHCP, traffic (--detail)", netinspect::cli::run_nics_command},
    {"counters", "the netstack stat counters as dotted names", netinspect::cli::run_counters_command},
    {"routes", "the routing table; --dest ADDR shows the route taken", netinspect::cli::run_routes_command},
    {"diff", "what changed between snapshots: counters, sockets, NICs, routes", netinspect::cli::run_diff_command},
    {"triage", "known bad signs: built-in netstack rules and .triage configs", netinspect::cli::run_triage_command},
    {"export", "snapshots as Hive-partitioned NDJSON/CSV tables for SQL engines", netinspect::cli::run_export_command},
    {"report", "one self-contained HTML page: overview, tables, triage, flame graphs, diff", netinspect::cli::run_report_command},
};

void print_help(std::FILE* out) {
  std::fprintf(out,
               "netinspect %s - inspect Fuchsia netstack diagnostics\n"
               "\n"
               "Usage: netinspect <command> [options] [args...]\n"
               "       netinspect --help | --version\n"
               "\n"
               "Commands:\n",
               NETINSPECT_VERSION);
  for (const Command& command : kCommands) {
    std::fprintf(out, "  %-12.*s %.*s\n", static_cast<int>(command.name.size()), command.name.data(),
                 static_cast<int>(command.summary.size()), command.summary.data());
  }
  std::fprintf(out,
               "\n"
               "Run 'netinspect <command> --help' for the options of a command.\n"
               "\n"
               "Example:\n"
               "  netinspect query '.[] | select(.moniker == \"core/network/netstack\")' inspect.json\n");
}

const Command* find_command(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

// Views leave the sockets of a big snapshot unparsed until they read them
// (json::Value::unparsed), so malformed text there surfaces mid-command; its
// message names the input and the socket.
int run_command(std::string_view name, int (*run)(int, char**), int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const netinspect::json::ParseError& error) {
    std::fprintf(stderr, "netinspect %.*s: %s\n", static_cast<int>(name.size()),
                 name.data(), error.what());
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    // The main job: the overview of this host's live network stack.
    char overview[] = "overview";
    char* overview_argv[] = {overview, nullptr};
    return run_command("overview", netinspect::cli::run_overview_command, 1, overview_argv);
  }
  std::string_view first = argv[1];
  if (first == "--help" || first == "-h") {
    print_help(stdout);
    return 0;
  }
  if (first == "--version" || first == "-V") {
    std::printf("netinspect %s\n", NETINSPECT_VERSION);
    return 0;
  }
  if (first == "help") {
    if (argc < 3) {
      print_help(stdout);
      return 0;
    }
    const Command* command = find_command(argv[2]);
    if (command == nullptr) {
      std::fprintf(stderr, "netinspect: unknown command '%s'\nRun 'netinspect --help' for the list of commands.\n",
                   argv[2]);
      return 2;
    }
    char help_flag[] = "--help";
    char* help_argv[] = {argv[2], help_flag, nullptr};
    return command->run(2, help_argv);
  }
  const Command* command = find_command(first);
  struct stat source_info {};
  if (command == nullptr && (first.starts_with("-") || stat(argv[1], &source_info) == 0)) {
    // `netinspect [options] SOURCE...` is the overview of those sources.
    char overview[] = "overview";
    argv[0] = overview;
    return run_command("overview", netinspect::cli::run_overview_command, argc, argv);
  }
  if (command == nullptr) {
    std::fprintf(stderr, "netinspect: unknown command '%s'\nRun 'netinspect --help' for the list of commands.\n",
                 argv[1]);
    return 2;
  }
  return run_command(command->name, command->run, argc - 1, argv + 1);
}
