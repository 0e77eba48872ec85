#include "gen/netstack_schema.h"

#include <algorithm>

namespace netinspect::gen {
namespace {

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) words.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

std::vector<std::string_view> sorted(std::vector<std::string_view> words) {
  std::sort(words.begin(), words.end());
  return words;
}

SchemaKeys build() {
  SchemaKeys keys;
  keys.max_socket_options = split(kSocketOptionGroups);
  auto first = [&](std::size_t n) {
    return std::vector<std::string_view>(keys.max_socket_options.begin(),
                                         keys.max_socket_options.begin() + static_cast<std::ptrdiff_t>(n));
  };
  const std::size_t base = kCommonOptions + kNetworkOptions;
  keys.socket_options = sorted(first(base));
  std::vector<std::string_view> tcp = first(base + kStreamOptions);
  keys.tcp_socket_options = sorted(tcp);
  std::vector<std::string_view> raw = first(base);
  raw.insert(raw.end(), keys.max_socket_options.end() - kRawOptions, keys.max_socket_options.end());
  keys.raw_socket_options = sorted(raw);
  keys.memstats = split(kMemstatsKeys);
  return keys;
}

}  // namespace

const SchemaKeys& schema_keys() {
  static const SchemaKeys keys = build();
  return keys;
}

}  // namespace netinspect::gen
