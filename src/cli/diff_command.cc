// `netinspect diff`: what changed between snapshots (see --help and docs/diff.md).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/view_common.h"
#include "diagnose/diff.h"

namespace netinspect::cli {

namespace {

constexpr const char* kHelp =
    "Usage: netinspect diff [options] A B\n"
    "       netinspect diff [options] DIR      (consecutive pairs, in name order)\n"
    "\n"
    "What changed between two netstack snapshots: counters (old, new, delta and\n"
    "rate per second from the entries' metadata.timestamp), sockets opened,\n"
    "closed or changed (keyed by id; matched by protocol and addresses when ids\n"
    "are reused or renumbered), NICs that came or went or changed (flags,\n"
    "addresses, MTU, DHCP state, traffic), routes added, removed or changed.\n"
    "With more than two snapshots (a directory from `netinspect snapshot\n"
    "--interval`), each snapshot is compared with the one before it.\n"
    "\n"
    "Options:\n"
    "      --all                 also list what did not change (change \"same\")\n"
    "      --exit-code           exit 1 when anything changed\n";

constexpr const char* kExit =
    "Exit status:\n"
    "  0  done (with --exit-code: nothing changed)\n"
    "  1  with --exit-code: something changed\n"
    "  2  bad usage, or an input that cannot be read\n";

constexpr const char* kExamples =
    "Examples:\n"
    "  netinspect diff before.json after.json\n"
    "  netinspect diff --json --exit-code before.zip after.zip\n"
    "  netinspect diff snapshots/\n";

const std::vector<Column> kColumns = {
    {"kind", "KIND", false, false, false},     {"change", "CHANGE", false, false, false},
    {"subject", "WHAT", false, true, false},   {"field", "FIELD", false, false, false},
    {"old", "OLD", true, true, false},         {"new", "NEW", true, true, false},
    {"delta", "DELTA", true, false, false},    {"rate", "PER SEC", true, false, false},
};

}  // namespace

int run_diff_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "diff";
  ViewOptions options;
  diagnose::DiffOptions diff_options;
  bool exit_code = false;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string error;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s%s%s\n%s\n%s", kHelp, kViewOptionsHelp, kInputOptionsHelp, kExit, kExamples);
      return 0;
    }
    if (arg == "--all") {
      diff_options.all = true;
      ++i;
      continue;
    }
    if (arg == "--exit-code") {
      exit_code = true;
      ++i;
      continue;
    }
    if (std::optional<int> rc = take_view_option_or_source(kCommand, argc, argv, i, options)) return *rc;
  }
  if (options.sources.empty()) return usage_error(kCommand, "needs two snapshots, or a directory of them (see --help)");

  std::vector<netstack::Snapshot> snapshots;
  if (int rc = load_snapshots(kCommand, options, snapshots); rc != 0) return rc;
  if (snapshots.size() < 2) return usage_error(kCommand, "needs at least two snapshots, got " + std::to_string(snapshots.size()));

  std::vector<Block> blocks;
  bool changed = false;
  for (std::size_t k = 1; k < snapshots.size(); ++k) {
    Block block{snapshots[k - 1].label + " -> " + snapshots[k].label, {}};
    for (const diagnose::Change& change : diagnose::diff(snapshots[k - 1], snapshots[k], diff_options)) {
      changed |= change.change != "same";
      block.rows.push_back(diagnose::to_json(change));
    }
    blocks.push_back(std::move(block));
  }
  std::string out;
  write_blocks(kColumns, keys_of(diagnose::to_json(diagnose::Change{})), std::move(blocks), options, out);
  int rc = write_stdout(kCommand, out);
  if (rc == 0 && exit_code && changed) return 1;
  return rc;
}

}  // namespace netinspect::cli
