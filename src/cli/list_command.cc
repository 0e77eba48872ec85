// `netinspect list`: the monikers of a snapshot, with their entries and
// inspect sources (iquery's `list`, plus counts).
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/iquery_common.h"
#include "json/write.h"

namespace netinspect::cli {
namespace {

constexpr const char* kUsage =
    "Usage: netinspect list [--json] [SELECTOR...] [SOURCE...]\n"
    "\n"
    "Lists the monikers present in a snapshot, sorted, each with its number of\n"
    "entries and its inspect sources (metadata.filename or metadata.name) in\n"
    "order of appearance; entries whose payload is null (a component that timed\n"
    "out) are counted apart. SELECTORs limit the listing to the components they\n"
    "match. Payloads are not parsed (only each entry's moniker and metadata\n"
    "are read), so `list` is fast on big snapshots but does not report malformed\n"
    "payload contents; `show` and `query` do.\n"
    "\n"
    "Options:\n"
    "  --json          one JSON array: [{\"moniker\", \"entries\", \"null_payloads\",\n"
    "                  \"sources\": [...]}, ...]\n"
    "  -s, --selector SEL  a selector, even if a file of that name exists\n"
    "%s"
    "  -h, --help      show this help\n"
    "\n"
    "%s"
    "\n"
    "Exit codes: 0 success (also for an empty snapshot), 2 bad usage or\n"
    "unreadable input.\n"
    "\n"
    "Examples:\n"
    "  netinspect list inspect.json\n"
    "  netinspect list --json 'core/network/**' snapshot.zip\n";

struct Component {
  std::uint64_t entries = 0;
  std::uint64_t null_payloads = 0;
  std::vector<std::string> sources;
};

}  // namespace

int run_list_command(int argc, char** argv) {
  IqueryArgs args;
  bool as_json = false;
  bool only_sources = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!only_sources && (arg == "-h" || arg == "--help")) {
      std::printf(kUsage, kInputOptionsHelp, kIqueryArgumentsHelp);
      return 0;
    }
    if (!only_sources && arg == "--json") {
      as_json = true;
      continue;
    }
    std::string error;
    ArgParse parsed = take_iquery_arg(argc, argv, i, args, only_sources, error);
    if (parsed == ArgParse::NotMine) error = "unknown option '" + std::string(arg) + "'";
    if (parsed != ArgParse::Taken) {
      std::fprintf(stderr, "netinspect list: %s\nRun 'netinspect list --help' for usage.\n", error.c_str());
      return 2;
    }
  }
  std::string error;
  if (!compile_selectors(args, error)) {
    std::fprintf(stderr, "netinspect list: %s\n", error.c_str());
    return 2;
  }
  std::map<std::string, Component> components;
  int status = for_each_entry_summary("list", args, [&](const source::EntrySummary& entry) {
    const std::string& tree = entry.tree();
    if (!entry_selected(args, entry.moniker, tree)) return;
    Component& component = components[entry.moniker];
    ++component.entries;
    if (entry.payload_null) ++component.null_payloads;
    if (std::find(component.sources.begin(), component.sources.end(), tree) == component.sources.end()) {
      component.sources.push_back(tree);
    }
  });
  std::string out;
  if (as_json) {
    json::Array items;
    for (const auto& [moniker, component] : components) {
      json::Object item;
      item.set("moniker", json::Value::string(moniker));
      item.set("entries", json::Value::number(static_cast<double>(component.entries)));
      item.set("null_payloads", json::Value::number(static_cast<double>(component.null_payloads)));
      json::Array sources;
      for (const std::string& source : component.sources) sources.push_back(json::Value::string(source));
      item.set("sources", json::Value::array(std::move(sources)));
      items.push_back(json::Value::object(std::move(item)));
    }
    json::write(json::Value::array(std::move(items)), json::WriteOptions{}, out);
    out += "\n";
  } else {
    for (const auto& [moniker, component] : components) {
      out += moniker + "  (" + std::to_string(component.entries) + (component.entries == 1 ? " entry" : " entries");
      if (component.null_payloads) out += ", " + std::to_string(component.null_payloads) + " with null payload";
      out += ")\n";
      for (const std::string& source : component.sources) out += "  " + (source.empty() ? "-" : source) + "\n";
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return status;
}

}  // namespace netinspect::cli
