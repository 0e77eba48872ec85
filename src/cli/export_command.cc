// `netinspect export`: snapshots as Hive-partitioned NDJSON or CSV tables
// for DuckDB, Spark, BigQuery, ClickHouse (src/export, docs/fleet.md).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/input_options.h"
#include "cli/view_common.h"
#include "export/export.h"

namespace netinspect::cli {

namespace {

constexpr const char* kHelp =
    "Usage: netinspect export [--format ndjson|csv] [--out DIR] [--jobs N] [--replace] SOURCE...\n"
    "\n"
    "Writes every snapshot as rows of eight tables, each row starting with\n"
    "snapshot_id, snapshot_time, source and device_id:\n"
    "  snapshots  one row per snapshot (flavor, build, counts of each table)\n"
    "  sockets    as `netinspect sockets --json`\n"
    "  nics       as `netinspect nics --json`\n"
    "  addresses  one row per NIC address (nic_id, nic_name, address, family,\n"
    "             prefix_length)\n"
    "  routes     as `netinspect routes --json`\n"
    "  counters   as `netinspect counters --json`: long rows name, value\n"
    "  pprof      one row per embedded profile, as `netinspect pprof list --json`\n"
    "  triage     the built-in rules' findings, as `netinspect triage --json`\n"
    "\n"
    "Layout (Hive partitions, read as tables by DuckDB, Spark, BigQuery, ClickHouse):\n"
    "  DIR/table=TABLE/snapshot_date=YYYY-MM-DD/part-J.ndjson (or .csv)\n"
    "snapshot_date and snapshot_time (UTC) come from the snapshot's\n"
    "annotations.json (device.utc-time; the zip member, or the file next to an\n"
    "unpacked inspect.json), else from the file's modification time;\n"
    "device_id is annotations' device.feedback-id (null without it).\n"
    "snapshot_id is the FNV-1a 64 hash of the source file's bytes (16 hex digits).\n"
    "\n"
    "Part names are deterministic: the sources are taken in the order given\n"
    "(directories in name order), snapshot k goes to job k mod N, and job J writes\n"
    "part-J of each table and date, rows in snapshot order. The same SOURCEs and\n"
    "--jobs give byte-identical files. Parts are written to hidden .part-J.*.tmp\n"
    "files and renamed when the job ends, so a killed export never leaves a\n"
    "half-written part. Memory stays constant in the number of snapshots: each\n"
    "job holds one snapshot at a time.\n"
    "\n"
    "Options:\n"
    "      --format ndjson|csv   one JSON object per line (default), or RFC 4180 CSV\n"
    "                            with a header row, the same columns in every part;\n"
    "                            in CSV, null is an empty field and nested values\n"
    "                            (NIC addresses, triage evidence) are JSON text\n"
    "  -o, --out DIR             the output directory (default: export), created\n"
    "                            when missing\n"
    "  -j, --jobs N              export N snapshots at a time, in N processes (default 1)\n"
    "      --replace             remove DIR's earlier export (its table=* directories)\n"
    "                            first; without it such a DIR is refused\n";

constexpr const char* kExit =
    "Exit status:\n"
    "  0  every snapshot was exported\n"
    "  2  bad usage, an unusable DIR, or a SOURCE that could not be read (each\n"
    "     such snapshot gets one line on stderr; the others are still exported)\n";

constexpr const char* kExamples =
    "Examples:\n"
    "  netinspect export --out fleet snapshots/\n"
    "  netinspect export --format csv --jobs 4 --out fleet/batch=2026-11-26 snapshots/*.zip\n"
    "  duckdb -c \"SELECT count(*) FROM read_json_auto('fleet/table=sockets/*/*.ndjson')\"\n";

void print_error(const std::string& line) { std::fprintf(stderr, "netinspect export: %s\n", line.c_str()); }

}  // namespace

int run_export_command(int argc, char** argv) {
  constexpr std::string_view kCommand = "export";
  exporter::Options options;
  InputOptions input;
  std::vector<std::string> sources;
  for (int i = 1; i < argc;) {
    std::string_view arg = argv[i];
    std::string value, error;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s%s\n%s\n%s", kHelp, kInputOptionsHelp, kExit, kExamples);
      return 0;
    }
    if (arg == "--replace") {
      options.replace = true;
      ++i;
      continue;
    }
    if (take_value(argc, argv, i, "--format", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      if (value == "ndjson")
        options.format = exporter::Format::Ndjson;
      else if (value == "csv")
        options.format = exporter::Format::Csv;
      else
        return usage_error(kCommand, "--format must be ndjson or csv, not '" + value + "'");
      continue;
    }
    if (take_value(argc, argv, i, "--out", value, error) || take_value(argc, argv, i, "-o", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      if (value.empty()) return usage_error(kCommand, "--out needs a directory");
      options.out_dir = value;
      continue;
    }
    if (take_value(argc, argv, i, "--jobs", value, error) || take_value(argc, argv, i, "-j", value, error)) {
      if (!error.empty()) return usage_error(kCommand, error);
      char* end = nullptr;
      unsigned long jobs = std::strtoul(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || jobs < 1 || jobs > 256)
        return usage_error(kCommand, "--jobs must be a number from 1 to 256, not '" + value + "'");
      options.jobs = static_cast<unsigned>(jobs);
      continue;
    }
    switch (take_input_option(argc, argv, i, input, error)) {
      case InputOptionParse::Taken:
        ++i;  // it leaves i on the last word it used
        continue;
      case InputOptionParse::Error:
        return usage_error(kCommand, error);
      case InputOptionParse::NotMine:
        break;
    }
    if (arg == "-") return usage_error(kCommand, "reads files, not standard input (give snapshot files or directories)");
    if (arg.size() > 1 && arg.starts_with('-'))
      return usage_error(kCommand, "unknown option '" + std::string(arg) + "' (see --help)");
    sources.emplace_back(arg);
    ++i;
  }
  if (sources.empty()) return usage_error(kCommand, "no SOURCE given (snapshot files or directories; see --help)");
  options.open = input.open;
  if (input.moniker) options.load.moniker = *input.moniker;

  // A SOURCE that cannot be listed is reported like an unreadable snapshot:
  // the others are still exported.
  std::vector<std::string> paths;
  bool unreadable = false;
  for (const std::string& source : sources) {
    try {
      for (std::string& path : source::expand_paths({source}, options.open)) paths.push_back(std::move(path));
    } catch (const source::SourceError& e) {
      print_error(e.what());
      unreadable = true;
    }
  }
  exporter::Summary summary;
  try {
    summary = exporter::run(paths, options, print_error);
  } catch (const exporter::OutputError& e) {
    return usage_error(kCommand, e.what());
  }
  if (!summary.output_error.empty()) return usage_error(kCommand, summary.output_error);
  std::fprintf(stderr, "netinspect export: %zu snapshot(s) exported, %zu failed: %zu rows in %zu part file(s) under %s\n",
               summary.snapshots, summary.failed, summary.rows, summary.parts, options.out_dir.c_str());
  return unreadable || summary.failed > 0 ? 2 : 0;
}

}  // namespace netinspect::cli
