// `netinspect show`: iquery's `show` over snapshot files (src/inspect).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/iquery_common.h"
#include "inspect/text.h"
#include "inspect/tree.h"
#include "json/write.h"

namespace netinspect::cli {
namespace {

constexpr const char* kUsage =
    "Usage: netinspect show [--format text|json] [SELECTOR...] [SOURCE...]\n"
    "\n"
    "Prints the Inspect entries of a snapshot that SELECTORs match (all of them\n"
    "without selectors), pruned to the selected nodes and properties, as\n"
    "`iquery show` does: entries sorted by moniker then inspect source, nodes\n"
    "and properties sorted by name (numerically when both names are numbers).\n"
    "\n"
    "Options:\n"
    "  --format text   iquery's text layout (default): `name = value` lines,\n"
    "                  2-space indentation, doubles with 6 decimals, bytes\n"
    "                  (\"b64:...\") as a hex dump, arrays as [a, b], histograms\n"
    "                  as buckets = [[lo,hi)=count, ...]\n"
    "  --format json   the entries as a JSON array (4-space indent, sorted keys)\n"
    "  -s, --selector SEL  a selector, even if a file of that name exists\n"
    "%s"
    "  -h, --help      show this help\n"
    "\n"
    "%s"
    "\n"
    "Exit codes: 0 something matched, 1 nothing matched, 2 bad usage or\n"
    "unreadable input (entries read before the error are still printed).\n"
    "\n"
    "Examples:\n"
    "  netinspect show 'core/network/netstack:Networking\\ Stat\\ Counters/TCP' inspect.json\n"
    "  netinspect show --format json 'core/network/netstack:NICs/*:Name' snapshot.zip\n";

struct Shown {
  std::string moniker;
  std::string tree;
  std::string text;    // --format text
  json::Value entry;   // --format json
};

}  // namespace

int run_show_command(int argc, char** argv) {
  IqueryArgs args;
  std::string format = "text";
  bool only_sources = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!only_sources && (arg == "-h" || arg == "--help")) {
      std::printf(kUsage, kInputOptionsHelp, kIqueryArgumentsHelp);
      return 0;
    }
    if (!only_sources && (arg == "--format" || arg.starts_with("--format=") || arg == "-f")) {
      if (arg.starts_with("--format=")) {
        format = std::string(arg.substr(9));
      } else if (i + 1 < argc) {
        format = argv[++i];
      } else {
        format.clear();
      }
      if (format != "text" && format != "json") {
        std::fprintf(stderr, "netinspect show: --format must be text or json\n");
        return 2;
      }
      continue;
    }
    std::string error;
    ArgParse parsed = take_iquery_arg(argc, argv, i, args, only_sources, error);
    if (parsed == ArgParse::NotMine) error = "unknown option '" + std::string(arg) + "'";
    if (parsed != ArgParse::Taken) {
      std::fprintf(stderr, "netinspect show: %s\nRun 'netinspect show --help' for usage.\n", error.c_str());
      return 2;
    }
  }
  std::string error;
  if (!compile_selectors(args, error)) {
    std::fprintf(stderr, "netinspect show: %s\n", error.c_str());
    return 2;
  }

  std::vector<Shown> shown;
  int status = for_each_entry("show", args, [&](json::Value&& entry) {
    std::string moniker = entry.get("moniker").as_string();
    std::string tree = inspect::tree_name(entry);
    if (!entry_selected(args, moniker, tree)) return;
    json::Value payload = entry.get("payload");
    if (!args.selectors.empty()) {
      std::optional<json::Value> picked = inspect::select_payload(payload, selectors_for(args, moniker, tree));
      if (!picked) return;
      entry.mutable_object().set("payload", std::move(*picked));
    }
    Shown item{std::move(moniker), std::move(tree), {}, {}};
    if (format == "text") {
      inspect::render_entry_text(entry, item.text);
    } else {
      item.entry = std::move(entry);
    }
    shown.push_back(std::move(item));
  });
  std::stable_sort(shown.begin(), shown.end(), [](const Shown& a, const Shown& b) {
    return a.moniker != b.moniker ? a.moniker < b.moniker : a.tree < b.tree;
  });

  std::string out;
  if (format == "text") {
    for (const Shown& item : shown) out += item.text;
    if (!shown.empty()) out += "\n";
  } else {
    json::Array entries;
    for (Shown& item : shown) entries.push_back(std::move(item.entry));
    json::WriteOptions options;
    options.indent = 4;
    options.sort_keys = true;
    json::write(json::Value::array(std::move(entries)), options, out);
    out += "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (status != 0) return status;
  return shown.empty() ? 1 : 0;
}

}  // namespace netinspect::cli
