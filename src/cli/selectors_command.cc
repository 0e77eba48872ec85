// `netinspect selectors`: iquery's `selectors` over snapshot files (src/inspect).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/iquery_common.h"
#include "inspect/tree.h"

namespace netinspect::cli {
namespace {

constexpr const char* kUsage =
    "Usage: netinspect selectors [SELECTOR...] [SOURCE...]\n"
    "\n"
    "Prints every full selector `moniker:node/path:property` of the properties\n"
    "that SELECTORs match (every property without selectors), escaped as\n"
    "iquery prints them (`\\ ` `\\:` `\\/` `\\*` `\\\\`; `\\:` in monikers) and\n"
    "sorted, one per line; a property of several entries of a moniker is listed\n"
    "once per entry, as iquery does. Each line is a valid selector for\n"
    "`netinspect show`.\n"
    "\n"
    "Options:\n"
    "  -s, --selector SEL  a selector, even if a file of that name exists\n"
    "%s"
    "  -h, --help      show this help\n"
    "\n"
    "%s"
    "\n"
    "Exit codes: 0 something matched, 1 nothing matched, 2 bad usage or\n"
    "unreadable input.\n"
    "\n"
    "Example:\n"
    "  netinspect selectors 'core/network/netstack:Networking\\ Stat\\ Counters/TCP' inspect.json\n";

}  // namespace

int run_selectors_command(int argc, char** argv) {
  IqueryArgs args;
  bool only_sources = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!only_sources && (arg == "-h" || arg == "--help")) {
      std::printf(kUsage, kInputOptionsHelp, kIqueryArgumentsHelp);
      return 0;
    }
    std::string error;
    ArgParse parsed = take_iquery_arg(argc, argv, i, args, only_sources, error);
    if (parsed == ArgParse::NotMine) error = "unknown option '" + std::string(arg) + "'";
    if (parsed != ArgParse::Taken) {
      std::fprintf(stderr, "netinspect selectors: %s\nRun 'netinspect selectors --help' for usage.\n",
                   error.c_str());
      return 2;
    }
  }
  std::string error;
  if (!compile_selectors(args, error)) {
    std::fprintf(stderr, "netinspect selectors: %s\n", error.c_str());
    return 2;
  }
  std::vector<std::string> lines;
  int status = for_each_entry("selectors", args, [&](json::Value&& entry) {
    const std::string& moniker = entry.get("moniker").as_string();
    std::string tree = inspect::tree_name(entry);
    if (!entry_selected(args, moniker, tree)) return;
    json::Value payload = entry.get("payload");
    if (!args.selectors.empty()) {
      std::optional<json::Value> picked = inspect::select_payload(payload, selectors_for(args, moniker, tree));
      if (!picked) return;
      payload = std::move(*picked);
    }
    std::string prefix = inspect::escape_moniker(moniker) + ":";
    inspect::for_each_property(payload, [&](const std::vector<std::string>& path, const std::string& name) {
      std::string line = prefix;
      for (std::size_t k = 0; k < path.size(); ++k) line += (k ? "/" : "") + inspect::escape_for_selector(path[k]);
      line += ":" + inspect::escape_for_selector(name);
      lines.push_back(std::move(line));
    });
  });
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (status != 0) return status;
  return lines.empty() ? 1 : 0;
}

}  // namespace netinspect::cli
