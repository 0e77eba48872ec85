#include "inspect/selector.h"

namespace netinspect::inspect {
namespace {

struct Char {
  char c;
  bool escaped;
};
using Chars = std::vector<Char>;

Chars unescape(std::string_view text) {
  Chars out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      if (i + 1 == text.size()) throw SelectorError("ends with a lone backslash");
      out.push_back({text[++i], true});
    } else {
      out.push_back({text[i], false});
    }
  }
  return out;
}

// Splits on an unescaped `separator` outside [...] brackets.
std::vector<Chars> split(const Chars& chars, char separator) {
  std::vector<Chars> parts(1);
  int brackets = 0;
  for (const Char& ch : chars) {
    if (!ch.escaped && ch.c == '[') ++brackets;
    if (!ch.escaped && ch.c == ']' && brackets > 0) --brackets;
    if (!ch.escaped && ch.c == separator && brackets == 0) {
      parts.emplace_back();
    } else {
      parts.back().push_back(ch);
    }
  }
  return parts;
}

Pattern to_pattern(const Chars& chars, std::string_view what) {
  if (chars.empty()) throw SelectorError(std::string("empty ") + std::string(what));
  std::vector<std::optional<std::string>> parts;
  for (const Char& ch : chars) {
    if (!ch.escaped && ch.c == '*') {
      parts.emplace_back(std::nullopt);
    } else if (!ch.escaped && (ch.c == ' ' || ch.c == '\t')) {
      throw SelectorError("unescaped whitespace in " + std::string(what) + " (write '\\ ')");
    } else {
      if (parts.empty() || !parts.back().has_value()) parts.emplace_back(std::string());
      parts.back()->push_back(ch.c);
    }
  }
  return Pattern(std::move(parts));
}

std::string text_of(const Chars& chars) {
  std::string s;
  for (const Char& ch : chars) s.push_back(ch.c);
  return s;
}

// Glob match in linear time: a leading literal must be a prefix, a trailing
// one a suffix, and the ones between are matched greedily left to right.
bool glob(const std::vector<std::optional<std::string>>& parts, std::string_view name) {
  std::vector<std::string_view> literals;
  for (const auto& part : parts) {
    if (part.has_value()) literals.emplace_back(*part);
  }
  if (literals.size() == parts.size()) return literals.size() == 1 ? name == literals[0] : name.empty();
  const bool anchored_start = parts.front().has_value();
  const bool anchored_end = parts.back().has_value();
  std::size_t first = 0, last = literals.size();
  std::size_t pos = 0, end = name.size();
  if (anchored_start) {
    if (!name.starts_with(literals[0])) return false;
    pos = literals[0].size();
    first = 1;
  }
  if (anchored_end && last > first) {
    std::string_view suffix = literals[last - 1];
    if (suffix.size() > end - pos || !name.ends_with(suffix)) return false;
    end -= suffix.size();
    --last;
  }
  for (std::size_t i = first; i < last; ++i) {
    std::size_t found = name.substr(0, end).find(literals[i], pos);
    if (found == std::string_view::npos) return false;
    pos = found + literals[i].size();
  }
  return pos <= end;
}

}  // namespace

bool Pattern::matches(std::string_view name) const { return glob(parts_, name); }

bool Pattern::is_literal() const {
  for (const auto& part : parts_) {
    if (!part.has_value()) return false;
  }
  return true;
}

bool Pattern::is_star() const { return parts_.size() == 1 && !parts_[0].has_value(); }

bool Pattern::is_double_star() const {
  return parts_.size() == 2 && !parts_[0].has_value() && !parts_[1].has_value();
}

std::string Pattern::to_string() const {
  std::string out;
  for (const auto& part : parts_) out += part.has_value() ? escape_for_selector(*part) : "*";
  return out;
}

Selector parse_selector(std::string_view text) {
  if (text.starts_with("INSPECT:")) text.remove_prefix(8);
  if (text.empty()) throw SelectorError("empty selector");
  std::vector<Chars> parts = split(unescape(text), ':');
  if (parts.size() > 3) throw SelectorError("too many ':' sections (escape a literal colon as '\\:')");
  Selector selector;

  std::vector<Chars> segments = split(parts[0], '/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    Pattern segment = to_pattern(segments[i], "moniker segment");
    if (segment.is_double_star()) {
      if (i + 1 != segments.size()) throw SelectorError("'**' must be the last moniker segment");
      selector.recursive_moniker = true;
    } else {
      selector.moniker.push_back(std::move(segment));
    }
  }

  if (parts.size() >= 2) {
    Chars path = parts[1];
    if (!path.empty() && path[0].c == '[' && !path[0].escaped) {
      std::size_t close = 1;
      while (close < path.size() && !(path[close].c == ']' && !path[close].escaped)) ++close;
      if (close == path.size()) throw SelectorError("unclosed '[' in tree name filter");
      std::string filter = text_of(Chars(path.begin() + 1, path.begin() + static_cast<std::ptrdiff_t>(close)));
      path.erase(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(close) + 1);
      if (filter != "...") {
        std::size_t pos = 0;
        while (pos <= filter.size()) {
          std::size_t comma = filter.find(',', pos);
          if (comma == std::string::npos) comma = filter.size();
          std::string item = filter.substr(pos, comma - pos);
          while (!item.empty() && item.front() == ' ') item.erase(0, 1);
          while (!item.empty() && item.back() == ' ') item.pop_back();
          if (!item.starts_with("name=")) throw SelectorError("tree filter must be [name=NAME] or [...]");
          item.erase(0, 5);
          if (item.size() >= 2 && item.front() == '"' && item.back() == '"') item = item.substr(1, item.size() - 2);
          if (item.empty()) throw SelectorError("empty tree name in [name=]");
          selector.tree_names.push_back(item);
          pos = comma + 1;
        }
      }
    }
    for (const Chars& node : split(path, '/')) selector.node_path.push_back(to_pattern(node, "node name"));
  }
  if (parts.size() == 3) selector.property = to_pattern(parts[2], "property name");
  return selector;
}

bool Selector::matches_moniker(std::string_view moniker) const {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (true) {
    std::size_t slash = moniker.find('/', pos);
    std::string_view segment = moniker.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (count < this->moniker.size()) {
      if (!this->moniker[count].matches(segment)) return false;
    } else if (!recursive_moniker) {
      return false;
    }
    ++count;
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return recursive_moniker ? count > this->moniker.size() : count == this->moniker.size();
}

bool Selector::matches_tree(std::string_view tree_name) const {
  if (tree_names.empty()) return true;
  for (const std::string& name : tree_names) {
    if (name == tree_name) return true;
  }
  return false;
}

std::string escape_for_selector(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == '\\' || c == '/' || c == ':' || c == '*' || c == ' ' || c == '\t') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string escape_moniker(std::string_view moniker) {
  std::string out;
  for (char c : moniker) {
    if (c == ':') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace netinspect::inspect
