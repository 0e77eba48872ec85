// Shared by `netinspect list`, `selectors` and `show` (iquery's commands):
// telling SOURCE arguments from SELECTOR arguments, and reading the entries
// of every source with the selectors' monikers used to skip entries unparsed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/input_options.h"
#include "inspect/selector.h"
#include "json/value.h"
#include "source/source.h"

namespace netinspect::cli {

// Help text for the argument rules below.
extern const char* const kIqueryArgumentsHelp;

struct IqueryArgs {
  std::vector<std::string> selector_texts;
  std::vector<inspect::Selector> selectors;
  std::vector<std::string> sources;  // none: stdin
  InputOptions input;
};

enum class ArgParse { NotMine, Taken, Error };

// Takes argv[i] when it is an input option, `-s/--selector SEL`, `--` (every
// later argument is a SOURCE) or a positional: a positional that is `-` or
// names an existing file or directory is a SOURCE, anything else a SELECTOR.
ArgParse take_iquery_arg(int argc, char** argv, int& i, IqueryArgs& args, bool& only_sources, std::string& error);

// Parses selector_texts into selectors; false with `error` set on a bad one.
bool compile_selectors(IqueryArgs& args, std::string& error);

// Whether an entry of `moniker` / `tree` is selected (true when there are no selectors).
bool entry_selected(const IqueryArgs& args, std::string_view moniker, std::string_view tree);

// The selectors that apply to an entry (moniker and tree-name filters).
std::vector<const inspect::Selector*> selectors_for(const IqueryArgs& args, std::string_view moniker,
                                                    std::string_view tree);

// Reads every entry (an object) of every source and calls `visit`; entries
// whose moniker no selector (and no --moniker) wants are skipped unparsed.
// Returns 0, or 2 after printing "netinspect <command>: <what>" for an input
// error (entries before the error were visited).
int for_each_entry(const char* command, const IqueryArgs& args, const std::function<void(json::Value&&)>& visit);

// As for_each_entry, for callers that need only each entry's moniker,
// metadata name/filename and whether its payload is null: payloads are not
// parsed (source::peek_entry_summary), so malformed payload contents go
// unnoticed; entries the cheap reading declines are parsed.
int for_each_entry_summary(const char* command, const IqueryArgs& args,
                           const std::function<void(const source::EntrySummary&)>& visit);

// Whether entries of `moniker` may be selected: --moniker and the selectors'
// moniker parts (their tree and node parts are not looked at).
bool moniker_wanted(const IqueryArgs& args, std::string_view moniker);

}  // namespace netinspect::cli
