// `netinspect diff`: what changed between snapshots (see --help and docs/diff.md).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "capture/capture.h"
#include "cli/commands.h"
#include "cli/view_common.h"
#include "diagnose/diff.h"
#include "diagnose/snapshot_info.h"

namespace netinspect::cli {

namespace {

constexpr const char* kHelp =
    "Usage: netinspect diff [options] A B\n"
    "       netinspect diff [options] DIR      (consecutive pairs, in name order)\n"
    "       netinspect diff [options] --live-interval SECONDS\n"
    "       netinspect diff [options] A --live  (a saved snapshot against this host now)\n"
    "\n"
    "What changed between two netstack snapshots: counters (old, new, delta and\n"
    "rate per second from the entries' metadata.timestamp), sockets opened,\n"
    "closed or changed (keyed by id; matched by protocol and addresses when ids\n"
    "are reused or renumbered), NICs that came or went or changed (flags,\n"
    "addresses, MTU, DHCP state, traffic), routes added, removed or changed.\n"
    "With more than two snapshots (a directory from `netinspect snapshot\n"
    "--interval`), each snapshot is compared with the one before it.\n"
    "A snapshot .zip's annotations.json and metadata.json (build, device)\n"
    "are shown above the table.\n"
    "\n"
    "Options:\n"
    "      --all                 also list what did not change (change \"same\")\n"
    "      --exit-code           exit 1 when anything changed\n"
    "      --live                a SOURCE: this host's network stack, captured\n"
    "                            when its turn comes (in SOURCE order)\n"
    "      --live-interval SECONDS\n"
    "                            capture this host twice, SECONDS apart (0 to\n"
    "                            86400, fractions allowed), and diff the two\n";

constexpr const char* kExit =
    "Exit status:\n"
    "  0  done (with --exit-code: nothing changed)\n"
    "  1  with --exit-code: something changed\n"
    "  2  bad usage, or an input that cannot be read\n";

constexpr const char* kExamples =
    "Examples:\n"
    "  netinspect diff before.json after.json\n"
    "  netinspect diff --json --exit-code before.zip after.zip\n"
    "  netinspect diff snapshots/\n"
    "  netinspect diff --live-interval 5\n"
    "  netinspect diff --exit-code baseline.json --live\n";

const std::vector<Column> kColumns = {
    {"kind", "KIND", false, false, false},     {"change", "CHANGE", false, false, false},
    {"subject", "WHAT", false, true, false},   {"field", "FIELD", false, false, false},
    {"old", "OLD", true, true, false},         {"new", "NEW", true, true, false},
    {"delta", "DELTA", true, false, false},    {"rate", "PER SEC", true, false, false},
};

// Marks the place of `--live` among the SOURCEs (not a path anyone types).
constexpr const char* kLiveSource = "\x01live";

int capture_live(std::string_view command, const ViewOptions& options, const std::string& label,
                 std::vector<netstack::Snapshot>& out) {
  try {
    netstack::LoadOptions load;
    if (options.input.moniker) load.moniker = *options.input.moniker;
    out.push_back(netstack::load_entries(capture_host_entries(command, options), label, load));
    return 0;
  } catch (const capture::CaptureError& error) {
    return usage_error(command, std::string("live capture failed: ") + error.what());
  }
}

}  // namespace

int run_diff_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "diff";
  ViewOptions options;
  diagnose::DiffOptions diff_options;
  bool exit_code = false;
  std::optional<double> live_interval;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string value, error;
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
    if (arg == "--live") {
      options.sources.emplace_back(kLiveSource);
      ++i;
      continue;
    }
    if (take_live_interval(argc, argv, i, live_interval, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      continue;
    }
    if (std::optional<int> rc = take_view_option_or_source(kCommand, argc, argv, i, options)) return *rc;
  }

  std::vector<netstack::Snapshot> snapshots;
  if (live_interval) {
    if (!options.sources.empty()) return usage_error(kCommand, "--live-interval captures this host; it takes no SOURCE");
    if (int rc = capture_live(kCommand, options, "live capture 1", snapshots); rc != 0) return rc;
    sleep_seconds(*live_interval);
    if (int rc = capture_live(kCommand, options, "live capture 2", snapshots); rc != 0) return rc;
  } else {
    if (options.sources.empty())
      return usage_error(kCommand, "needs two snapshots, a directory of them, or --live-interval (see --help)");
    // In SOURCE order: each file or directory, or a live capture for --live.
    ViewOptions one = options;
    for (const std::string& source : options.sources) {
      if (source == kLiveSource) {
        if (int rc = capture_live(kCommand, options, "live capture of this host", snapshots); rc != 0) return rc;
        continue;
      }
      one.sources = {source};
      if (int rc = load_snapshots(kCommand, one, snapshots); rc != 0) return rc;
    }
  }
  if (snapshots.size() < 2) return usage_error(kCommand, "needs at least two snapshots, got " + std::to_string(snapshots.size()));

  std::string out;
  if (options.format == OutputFormat::Table) {
    for (const netstack::Snapshot& snapshot : snapshots) {
      std::string about = diagnose::describe(diagnose::read_snapshot_info(snapshot.label, options.input.open));
      if (!about.empty()) out += "# " + snapshot.label + ": " + about + "\n";
    }
  }
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
  write_blocks(kColumns, keys_of(diagnose::to_json(diagnose::Change{})), std::move(blocks), options, out);
  int rc = write_stdout(kCommand, out);
  if (rc == 0 && exit_code && changed) return 1;
  return rc;
}

}  // namespace netinspect::cli
