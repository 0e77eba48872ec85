#include "cli/iquery_common.h"

#include <sys/stat.h>

#include <cstdio>

#include "json/parse.h"
#include "source/source.h"

namespace netinspect::cli {

const char* const kIqueryArgumentsHelp =
    "SOURCE and SELECTOR arguments may come in any order: an argument that is '-'\n"
    "or names an existing file or directory is a SOURCE (.json, .json.gz, .zip,\n"
    "a directory of snapshots, '-' for stdin); any other argument is a SELECTOR.\n"
    "Use '-s SELECTOR' for a selector that looks like a path, and '--' before\n"
    "sources that could be taken for selectors. Without SOURCE, stdin is read.\n"
    "\n"
    "Selectors (Fuchsia syntax): [INSPECT:]MONIKER[:[name=TREE]NODE/PATH[:PROPERTY]]\n"
    "  core/network/netstack                          every tree of a component\n"
    "  core/network/netstack:NICs/*/Stats             a subtree, '*' per level\n"
    "  'core/network/netstack:Networking\\ Stat\\ Counters/TCP:Current*'\n"
    "  'core/**:root/fuchsia.inspect.Health:status'    '**' = any moniker depth\n"
    "  Backslash escapes ':' '/' '*' '\\' and spaces in names; '*' is a glob\n"
    "  within moniker segments, node names and property names.\n";

ArgParse take_iquery_arg(int argc, char** argv, int& i, IqueryArgs& args, bool& only_sources, std::string& error) {
  std::string_view arg = argv[i];
  if (!only_sources) {
    switch (take_input_option(argc, argv, i, args.input, error)) {
      case InputOptionParse::Taken: return ArgParse::Taken;
      case InputOptionParse::Error: return ArgParse::Error;
      case InputOptionParse::NotMine: break;
    }
    if (arg == "--") {
      only_sources = true;
      return ArgParse::Taken;
    }
    if (arg == "-s" || arg == "--selector") {
      if (i + 1 >= argc) {
        error = std::string(arg) + " takes a value";
        return ArgParse::Error;
      }
      args.selector_texts.push_back(argv[++i]);
      return ArgParse::Taken;
    }
    if (arg.size() > 1 && arg[0] == '-') return ArgParse::NotMine;
  }
  struct stat info {};
  if (only_sources || arg == "-" || ::stat(argv[i], &info) == 0) {
    args.sources.emplace_back(arg);
  } else {
    args.selector_texts.emplace_back(arg);
  }
  return ArgParse::Taken;
}

bool compile_selectors(IqueryArgs& args, std::string& error) {
  for (const std::string& text : args.selector_texts) {
    try {
      args.selectors.push_back(inspect::parse_selector(text));
    } catch (const inspect::SelectorError& e) {
      error = "bad selector '" + text + "': " + e.what();
      return false;
    }
  }
  return true;
}

bool entry_selected(const IqueryArgs& args, std::string_view moniker, std::string_view tree) {
  if (args.input.moniker && *args.input.moniker != moniker) return false;
  if (args.selectors.empty()) return true;
  for (const inspect::Selector& selector : args.selectors) {
    if (selector.matches_moniker(moniker) && selector.matches_tree(tree)) return true;
  }
  return false;
}

std::vector<const inspect::Selector*> selectors_for(const IqueryArgs& args, std::string_view moniker,
                                                    std::string_view tree) {
  std::vector<const inspect::Selector*> out;
  for (const inspect::Selector& selector : args.selectors) {
    if (selector.matches_moniker(moniker) && selector.matches_tree(tree)) out.push_back(&selector);
  }
  return out;
}

namespace {

// Reads every entry of every source (stdin when none) with a progress bar,
// calling `on_entry` for each; entries whose moniker (peeked, unparsed) no
// selector and no --moniker wants are skipped. Returns 0, or 2 after printing
// "netinspect <command>: <what>" for an input error.
int read_entries(const char* command, const IqueryArgs& args,
                 const std::function<void(const source::EntryStream&, const source::Entry&)>& on_entry) {
  std::vector<std::string> paths = args.sources.empty() ? std::vector<std::string>{"-"} : args.sources;
  std::string current = "<stdin>";
  try {
    for (const std::string& path : source::expand_paths(paths, args.input.open)) {
      current = path == "-" ? "<stdin>" : path;
      std::unique_ptr<source::EntryStream> stream = source::open_entries(path, args.input.open);
      Progress progress(args.input.progress, source::plain_file_size(path));
      source::Entry entry;
      while (stream->next(entry)) {
        progress.update(stream->bytes_consumed());
        if (auto moniker = source::peek_moniker(entry.raw); moniker && !moniker_wanted(args, *moniker)) continue;
        on_entry(*stream, entry);
      }
      progress.finish();
    }
  } catch (const source::SourceError& e) {
    std::fprintf(stderr, "netinspect %s: %s\n", command, e.what());
    return 2;
  } catch (const json::ParseError& e) {
    std::fprintf(stderr, "netinspect %s: %s: %s\n", command, current.c_str(), e.what());
    return 2;
  }
  return 0;
}

}  // namespace

bool moniker_wanted(const IqueryArgs& args, std::string_view moniker) {
  if (args.input.moniker && *args.input.moniker != moniker) return false;
  if (args.selectors.empty()) return true;
  for (const inspect::Selector& selector : args.selectors) {
    if (selector.matches_moniker(moniker)) return true;
  }
  return false;
}

int for_each_entry(const char* command, const IqueryArgs& args, const std::function<void(json::Value&&)>& visit) {
  return read_entries(command, args, [&](const source::EntryStream& stream, const source::Entry& entry) {
    json::Value value = source::parse_entry(stream, entry);
    if (!value.is_object()) return;  // not an Inspect entry
    json::Value moniker = value.get("moniker");
    if (!moniker.is_string() || !moniker_wanted(args, moniker.as_string())) return;
    visit(std::move(value));
  });
}

int for_each_entry_summary(const char* command, const IqueryArgs& args,
                           const std::function<void(const source::EntrySummary&)>& visit) {
  return read_entries(command, args, [&](const source::EntryStream& stream, const source::Entry& entry) {
    std::optional<source::EntrySummary> summary = source::peek_entry_summary(entry.raw);
    // The cheap reading declines odd entries: the parser has the last word.
    if (!summary) summary = source::summarize_entry(source::parse_entry(stream, entry));
    if (summary && moniker_wanted(args, summary->moniker)) visit(*summary);
  });
}

}  // namespace netinspect::cli
