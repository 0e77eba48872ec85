// The `netinspect` program: dispatches to one subcommand per file.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.h"

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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_help(stderr);
    return 2;
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
  if (command == nullptr) {
    std::fprintf(stderr, "netinspect: unknown command '%s'\nRun 'netinspect --help' for the list of commands.\n",
                 argv[1]);
    return 2;
  }
  return command->run(argc - 1, argv + 1);
}
