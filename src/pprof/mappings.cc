#include "pprof/mappings.h"

namespace netinspect::pprof::detail {

namespace {

bool looks_like_library(std::string_view file) {
  // pprof's libRx: `([.]so$|[.]so[._][0-9]+)`.
  if (file.size() >= 3 && file.substr(file.size() - 3) == ".so") return true;
  for (std::size_t at = file.find(".so"); at != std::string_view::npos; at = file.find(".so", at + 1)) {
    if (at + 4 < file.size() && (file[at + 3] == '.' || file[at + 3] == '_') && file[at + 4] >= '0' &&
        file[at + 4] <= '9') {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string trim_space(std::string s) {
  const auto first = s.find_first_not_of(" \t\n\r\v\f");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\n\r\v\f");
  return s.substr(first, last - first + 1);
}

MappingView massage_mappings(const std::vector<Mapping>& mappings) {
  MappingView view;
  std::vector<Mapping> merged;
  std::vector<std::size_t> merged_of(mappings.size());
  for (std::size_t i = 0; i < mappings.size(); ++i) {
    const Mapping& m = mappings[i];
    if (!merged.empty()) {
      Mapping& last = merged.back();
      const bool adjacent = !(!last.file.empty() && !m.file.empty() && last.file != m.file) &&
                            !(!last.build_id.empty() && !m.build_id.empty() && last.build_id != m.build_id) &&
                            last.limit == m.start &&
                            !(last.offset != 0 && m.offset != 0 && last.offset + (last.limit - last.start) != m.offset);
      if (i > 0 && adjacent) {
        last.limit = m.limit;
        if (!m.file.empty()) last.file = m.file;
        if (!m.build_id.empty()) last.build_id = m.build_id;
        merged_of[i] = merged.size() - 1;
        continue;
      }
    }
    merged_of[i] = merged.size();
    merged.push_back(m);
  }
  for (std::size_t i = 0; i < merged.size(); ++i) {
    std::string file = merged[i].file;
    for (std::size_t at; (at = file.find("(deleted)")) != std::string::npos;) file.erase(at, 9);
    file = trim_space(file);
    if (file.empty() || looks_like_library(file) || file[0] == '[') continue;
    std::swap(merged[0], merged[i]);
    for (std::size_t& index : merged_of) {
      if (index == i) {
        index = 0;
      } else if (index == 0) {
        index = i;
      }
    }
    break;
  }
  for (std::size_t i = 0; i < mappings.size(); ++i) view.file_of.push_back(merged[merged_of[i]].file);
  if (!merged.empty()) view.main = merged[0];
  return view;
}

}  // namespace netinspect::pprof::detail
