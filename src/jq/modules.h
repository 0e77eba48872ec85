// netinspect::jq — finding and reading jq modules (`import`, `include`,
// `modulemeta`, `get_search_list`), with jq 1.8's search rules:
//
//   - the library path is -L's list, else ["~/.jq", "$ORIGIN/../lib/jq", "$ORIGIN/../lib"];
//   - an import's own `{search: ...}` entries come first, then the library path;
//   - "~/" is $HOME, "$ORIGIN/" the directory of the executable, and "." or
//     "./..." (any relative entry) the directory of the importing file (the
//     program's origin — the current directory for command-line programs);
//   - "foo/bar" is looked for as foo/bar.jq, foo/bar/jq/main.jq, then foo/bar/bar.jq
//     (".json" instead of ".jq" for data imports `import "x" as $name`).
#pragma once

#include <string>
#include <vector>

#include "jq/ast.h"
#include "jq/jq.h"
#include "json/value.h"

namespace netinspect::jq::modules {

struct SearchConfig {
  std::vector<std::string> library_paths;  // as configured (-L or the defaults), unexpanded
  std::string program_origin;              // absolute directory of the main program
  std::string jq_origin;                   // absolute directory of the running executable
};

SearchConfig make_search_config(const CompileOptions& options);

// The file for `relpath` (searched along `search`, an import's metadata
// "search" value or null, then the library path), or "" when none exists.
// `origin` is the importing file's directory.
std::string find_module(const std::string& relpath, const json::Value& search, const std::string& origin,
                        const SearchConfig& config, bool is_data);

// Reads a file; throws CompileError mentioning `path` when it cannot.
std::string read_module_source(const std::string& path);
// A data import: every JSON value of the file, in an array (jq slurps it).
json::Value read_module_data(const std::string& path);

// `modulemeta`'s answer for a parsed module: its `module` metadata, then
// "deps" (each import's metadata plus as/is_data/relpath) and "defs" ("name/arity").
json::Value module_metadata(const Program& program);

std::string directory_of(const std::string& file);

// jq 1.8 includes a `~/.jq` *file* into every main program (as if it began with
// `include "" {search: "$HOME"}`, found as $HOME/.jq). Adds that include in
// front of `program.imports` when $HOME/.jq is a regular file; returns whether
// it did. (A `~/.jq` directory is on the default library path instead.)
// For the compile step, before resolving the main program's imports.
bool add_home_library(Program& program);

}  // namespace netinspect::jq::modules
