// netinspect::cli — the subcommands of the `netinspect` program.
//
// Each subcommand lives in its own file and exposes one entry point; main.cc
// holds the dispatch table. `argv[0]` is the subcommand name itself, so every
// command parses its own options exactly like a standalone program would.
#pragma once

namespace netinspect::cli {

// `netinspect query`: jq 1.8's command line (see query_command.cc).
int run_query_command(int argc, char** argv);

}  // namespace netinspect::cli
