// netinspect::inspect — Fuchsia diagnostics selectors:
//   [INSPECT:]<moniker>[:[name=TREE]<node/path>[:<property>]]
// e.g. `core/network/netstack:Networking\ Stat\ Counters/TCP:ActiveConnectionOpenings`.
// Backslash escapes any character (`\:` `\/` `\*` `\\` `\ `); `*` is a glob
// within one moniker segment, node name or property name; a last moniker
// segment `**` matches any number (one or more) of remaining segments.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace netinspect::inspect {

class SelectorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One name pattern: literal text with `*` globs (escapes already resolved).
class Pattern {
 public:
  Pattern() = default;
  // `parts` alternate literal text and wildcards: a wildcard is an empty
  // optional. Use parse_selector to build them from text.
  explicit Pattern(std::vector<std::optional<std::string>> parts) : parts_(std::move(parts)) {}
  bool matches(std::string_view name) const;
  bool is_literal() const;     // no wildcard
  bool is_star() const;        // exactly "*"
  bool is_double_star() const; // exactly "**" (two adjacent wildcards)
  // The pattern as selector text, escaped.
  std::string to_string() const;

 private:
  std::vector<std::optional<std::string>> parts_;
};

struct Selector {
  std::vector<Pattern> moniker;   // segments
  bool recursive_moniker = false; // the last segment was `**`
  // Tree-name filter `[name=...]`: empty = any tree.
  std::vector<std::string> tree_names;
  std::vector<Pattern> node_path;  // empty = the whole payload (component selector)
  std::optional<Pattern> property;  // none = the whole subtree at node_path

  bool matches_moniker(std::string_view moniker) const;
  // True when an entry with this inspect source name (metadata.name or
  // metadata.filename) passes the tree-name filter.
  bool matches_tree(std::string_view tree_name) const;
};

// Throws SelectorError with a one-line reason.
Selector parse_selector(std::string_view text);

// Escapes the characters selectors give a meaning (`\` `/` `:` `*`, space,
// tab), as Fuchsia's sanitize_string_for_selectors does.
std::string escape_for_selector(std::string_view name);
// Escapes a moniker's `:` (collections), as sanitize_moniker_for_selectors.
std::string escape_moniker(std::string_view moniker);

}  // namespace netinspect::inspect
