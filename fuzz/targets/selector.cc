// libFuzzer target: Fuchsia selectors. Parse, match against a fixed set of
// names, and check that escaping any name gives a selector that parses and
// matches exactly that name.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inspect/selector.h"

using namespace netinspect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    inspect::Selector selector = inspect::parse_selector(text);
    (void)selector.matches_moniker("core/network/netstack");
    (void)selector.matches_moniker(text);
    (void)selector.matches_tree("root");
    for (const auto& pattern : selector.node_path) {
      (void)pattern.matches(text);
      (void)pattern.to_string();
    }
    if (selector.property) (void)selector.property->matches("x");
  } catch (const inspect::SelectorError&) {
  }
  // A literal name escaped as a property must come back as that name.
  std::string escaped = inspect::escape_for_selector(text);
  std::string selector_text = "a:root:" + escaped;
  try {
    inspect::Selector selector = inspect::parse_selector(selector_text);
    if (!selector.property || !selector.property->matches(text)) {
      if (text.find('\0') == std::string_view::npos && !text.empty()) {
        std::fprintf(stderr, "escaped name does not match itself: %s\n", selector_text.c_str());
        std::abort();
      }
    }
  } catch (const inspect::SelectorError&) {
  }
  try {
    (void)inspect::parse_selector(inspect::escape_moniker(text) + ":root");
  } catch (const inspect::SelectorError&) {
  }
  return 0;
}
