// netinspect::cli — the subcommands of the `netinspect` program.
//
// Each subcommand lives in its own file and exposes one entry point; main.cc
// holds the dispatch table. `argv[0]` is the subcommand name itself, so every
// command parses its own options exactly like a standalone program would.
#pragma once

namespace netinspect::cli {

// `netinspect query`: jq 1.8's command line (see query_command.cc).
int run_query_command(int argc, char** argv);

// `netinspect gen`: writes a synthetic netstack2 snapshot (gen_command.cc).
int run_gen_command(int argc, char** argv);
// `netinspect list` / `selectors` / `show`: iquery's commands over snapshots.
int run_list_command(int argc, char** argv);
int run_selectors_command(int argc, char** argv);
int run_show_command(int argc, char** argv);
// `netinspect pprof`: list, extract, top, folded, flame (pprof_command.cc).
int run_pprof_command(int argc, char** argv);

// `netinspect capture` / `snapshot`: this host's Linux network stack as
// netstack2 Inspect JSON, or as an `fx snapshot` zip (src/capture).
int run_capture_command(int argc, char** argv);
int run_snapshot_command(int argc, char** argv);

// The netstack views (src/netstack; docs/views/): `netinspect [overview]`,
// `sockets`, `nics`, `counters`, `routes`.
int run_overview_command(int argc, char** argv);
int run_sockets_command(int argc, char** argv);
int run_nics_command(int argc, char** argv);
int run_counters_command(int argc, char** argv);
int run_routes_command(int argc, char** argv);

// `netinspect diff` / `triage`: what changed, what is wrong (src/diagnose).
int run_diff_command(int argc, char** argv);
int run_triage_command(int argc, char** argv);

// `netinspect export`: snapshots as Hive-partitioned NDJSON/CSV tables (src/export).
int run_export_command(int argc, char** argv);

// `netinspect report`: one self-contained HTML page about snapshots (src/report).
int run_report_command(int argc, char** argv);

}  // namespace netinspect::cli
