// `netinspect counters`: the stack-wide stat counters flattened to dotted
// names (see --help and docs/views/counters.md).
#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/view_common.h"
#include "netstack/views.h"

namespace netinspect::cli {

namespace {

constexpr const char* kHelp =
    "Usage: netinspect counters [options] [GROUP[.SUBGROUP]...] [SOURCE...]\n"
    "\n"
    "The Networking Stat Counters (netstack3: Counters) flattened to dotted\n"
    "names, e.g. TCP.ActiveConnectionOpenings, ICMP.V6.PacketsReceived.RouterAdvert,\n"
    "MaxSocketOptionStats.SetReuseAddress, NICs.UnknownL3ProtocolRcvdPacketCounts.Total.\n"
    "\n"
    "Filters:\n"
    "  GROUP[.SUBGROUP]          only names under it (any case): TCP, ICMP.V6,\n"
    "                            IP.Forwarding. An argument that is an existing\n"
    "                            file or directory (or -) is a SOURCE instead;\n"
    "      --group G             the same, never taken for a SOURCE\n"
    "      --nonzero             only counters that are not 0\n"
    "      --errors              only names that denote errors, drops, failures,\n"
    "                            invalid or malformed input, timeouts\n";

constexpr const char* kExamples =
    "Examples:\n"
    "  netinspect counters inspect.json\n"
    "  netinspect counters TCP UDP --nonzero inspect.json\n"
    "  netinspect counters --errors --nonzero --csv snapshot.zip\n";

const std::vector<Column> kColumns = {
    {"name", "NAME", false, true, false},
    {"value", "VALUE", true, false, false},
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool in_group(const std::string& name, const std::vector<std::string>& groups) {
  if (groups.empty()) return true;
  std::string lowered = lower(name);
  for (const std::string& group : groups) {
    if (lowered == group || (lowered.starts_with(group) && lowered[group.size()] == '.')) return true;
  }
  return false;
}

bool is_path(const std::string& arg) {
  struct stat info {};
  return arg == "-" || stat(arg.c_str(), &info) == 0;
}

}  // namespace

int run_counters_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "counters";
  ViewOptions options;
  std::vector<std::string> groups;
  bool nonzero = false, errors = false;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string value, error;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s%s%s\n%s\n%s", kHelp, kViewOptionsHelp, kInputOptionsHelp, kViewExitHelp, kExamples);
      return 0;
    }
    if (arg == "--nonzero" || arg == "--errors") {
      (arg == "--nonzero" ? nonzero : errors) = true;
      ++i;
      continue;
    }
    if (take_value(argc, argv, i, "--group", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      groups.push_back(lower(value));
      continue;
    }
    switch (take_view_option(argc, argv, i, options, error)) {
      case InputOptionParse::Taken:
        continue;
      case InputOptionParse::Error:
        return usage_error(kCommand, error);
      case InputOptionParse::NotMine:
        break;
    }
    if (arg.size() > 1 && arg.starts_with('-'))
      return usage_error(kCommand, "unknown option '" + std::string(arg) + "' (see --help)");
    std::string text(arg);
    if (is_path(text)) {
      options.sources.push_back(text);
    } else if (text.find('/') != std::string::npos || text.ends_with(".json") || text.ends_with(".zip") ||
               text.ends_with(".gz")) {
      return usage_error(kCommand, text + ": No such file or directory");
    } else {
      groups.push_back(lower(text));
    }
    ++i;
  }

  std::vector<netstack::Snapshot> snapshots;
  if (int rc = load_snapshots(kCommand, options, snapshots); rc != 0) return rc;
  std::vector<Block> blocks;
  for (const netstack::Snapshot& snapshot : snapshots) {
    netstack::Surprises surprises;
    Block block{snapshot.label, {}};
    for (const netstack::Counter& counter : netstack::counters(snapshot, surprises)) {
      if (nonzero && counter.value == 0) continue;
      if (errors && !netstack::is_error_counter(counter.name)) continue;
      if (!in_group(counter.name, groups)) continue;
      block.rows.push_back(netstack::to_json(counter));
    }
    report_surprises(kCommand, options, snapshot, surprises);
    blocks.push_back(std::move(block));
  }
  std::string out;
  write_blocks(kColumns, {"name", "value"}, std::move(blocks), options, out);
  keep_until_exit(std::move(snapshots));
  return write_stdout(kCommand, out);
}

}  // namespace netinspect::cli
