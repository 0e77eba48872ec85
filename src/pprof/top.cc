// `top`: the text report of go tool pprof (go1.19's vendored google/pprof:
// internal/report TextItems/printText, internal/graph New, internal/
// measurement), rebuilt step by step so the output is byte-identical: the
// same graph refinement passes, unit choice, rounding and sort order.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "pprof/mappings.h"
#include "pprof/report.h"

namespace netinspect::pprof {

namespace {

using detail::MappingView;
using detail::massage_mappings;
using detail::trim_space;

// ---- measurement ---------------------------------------------------------

struct Unit {
  std::string_view name;
  std::vector<std::string_view> aliases;
  double factor;
};
struct UnitType {
  Unit default_unit;
  std::vector<Unit> units;
};

const std::vector<UnitType>& unit_types() {
  static const std::vector<UnitType> kTypes = {
      {{"B", {"b", "byte"}, 1},
       {{"B", {"b", "byte"}, 1},
        {"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},
        {"MB", {"mb", "mbyte", "megabyte"}, 1048576.0},
        {"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0},
        {"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0},
        {"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0}}},
      {{"s", {}, 1e9},
       {{"ns", {"ns", "nanosecond"}, 1},
        {"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
        {"ms", {"ms", "millisecond"}, 1e6},
        {"s", {"s", "sec", "second"}, 1e9},
        {"hrs", {"hour", "hr"}, 3.6e12}}},
      {{"GCU", {}, 1.0},
       {{"n*GCU", {"nanogcu"}, 1e-9},
        {"u*GCU", {"microgcu"}, 1e-6},
        {"m*GCU", {"milligcu"}, 1e-3},
        {"GCU", {"gcu"}, 1},
        {"k*GCU", {"kilogcu"}, 1e3},
        {"M*GCU", {"megagcu"}, 1e6},
        {"G*GCU", {"gigagcu"}, 1e9},
        {"T*GCU", {"teragcu"}, 1e12},
        {"P*GCU", {"petagcu"}, 1e15}}},
  };
  return kTypes;
}

const Unit* sniff_unit(const UnitType& type, std::string_view name) {
  std::string lower(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower.size() > 2 && lower.back() == 's') lower.pop_back();
  for (const Unit& unit : type.units) {
    for (std::string_view alias : unit.aliases) {
      if (alias == lower) return &unit;
    }
  }
  return nullptr;
}

std::pair<double, std::string> scale(std::int64_t value, std::string_view from, std::string_view to) {
  if (value < 0 && value != INT64_MIN) {
    auto [v, u] = scale(-value, from, to);
    return {-v, u};
  }
  for (const UnitType& type : unit_types()) {
    const Unit* from_unit = sniff_unit(type, from);
    if (from_unit == nullptr) continue;
    const double v = static_cast<double>(value) * from_unit->factor;
    if (to == "minimum" || to == "auto") {
      double factor = 0;
      std::string_view name;
      for (const Unit& unit : type.units) {
        if (unit.factor >= factor && v / unit.factor >= 1.0) {
          factor = unit.factor;
          name = unit.name;
        }
      }
      if (factor != 0) return {v / factor, std::string(name)};
      return {v / type.default_unit.factor, std::string(type.default_unit.name)};
    }
    const Unit* to_unit = sniff_unit(type, to);
    if (to_unit == nullptr) return {v / type.default_unit.factor, std::string(type.default_unit.name)};
    return {v / to_unit->factor, std::string(to_unit->name)};
  }
  if (to == "count" || to == "sample" || to == "unit" || to == "minimum" || to == "auto") {
    return {static_cast<double>(value), ""};
  }
  return {static_cast<double>(value), std::string(to)};
}

// ---- the graph -----------------------------------------------------------

// Identity of a node at pprof's default "functions" granularity: the function
// name, or for frames without one the binary (and start line).
struct NodeIdentity {
  std::string key;
  std::string printable;
};

std::string go_base(std::string_view path) {
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return "/";
  const auto slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return std::string(path);
}

struct Edge {
  std::int64_t weight = 0;
  bool is_inline = true;
};

struct Node {
  std::int64_t flat = 0;
  std::int64_t cum = 0;
  std::map<std::size_t, Edge> in;  // by source identity
};

class GraphBuilder {
 public:
  GraphBuilder(const Profile& profile, std::size_t sample_index) : profile_(profile), sample_index_(sample_index) {
    const MappingView mappings = massage_mappings(profile.mappings);
    std::unordered_map<std::string, std::size_t> by_key;
    auto identity_of = [&](const Location& location, const Line* line) {
      std::string objfile = location.mapping != kNone ? mappings.file_of[location.mapping] : std::string();
      NodeIdentity identity;
      const Function* function = line != nullptr && line->function != kNone ? &profile.functions[line->function] : nullptr;
      if (function != nullptr && !function->name.empty()) {
        identity.key = "F" + function->name;
        identity.printable = function->name;
      } else {
        identity.key = "O" + objfile + '\0' + std::to_string(function != nullptr ? function->start_line : 0);
        identity.printable = objfile.empty() ? "<unknown>" : "[" + go_base(objfile) + "]";
      }
      auto [it, inserted] = by_key.emplace(identity.key, identities_.size());
      if (inserted) identities_.push_back(std::move(identity));
      return it->second;
    };
    for (const Location& location : profile.locations) {
      std::vector<std::size_t> nodes;
      if (location.lines.empty()) {
        nodes.push_back(identity_of(location, nullptr));
      } else {
        for (const Line& line : location.lines) nodes.push_back(identity_of(location, &line));
      }
      location_nodes_.push_back(std::move(nodes));
    }
  }

  const std::vector<NodeIdentity>& identities() const { return identities_; }

  // pprof's graph.New: one pass over the samples; `kept` (when given) limits
  // which nodes exist, the others become residual hops.
  std::vector<std::size_t> build(const std::set<std::size_t>* kept) {
    nodes_.assign(identities_.size(), Node{});
    std::vector<std::size_t> seen_nodes;
    std::set<std::pair<std::size_t, std::size_t>> seen_edges;
    for (const Sample& sample : profile_.samples) {
      const std::int64_t w = sample.values[sample_index_];
      if (w == 0) continue;
      seen_nodes.clear();
      seen_edges.clear();
      std::size_t parent = kNone;
      bool residual = false;
      for (std::size_t i = sample.locations.size(); i-- > 0;) {
        const std::vector<std::size_t>& loc_nodes = location_nodes_[sample.locations[i]];
        for (std::size_t ni = loc_nodes.size(); ni-- > 0;) {
          const std::size_t n = loc_nodes[ni];
          if (kept != nullptr && kept->count(n) == 0) {
            residual = true;
            continue;
          }
          if (std::find(seen_nodes.begin(), seen_nodes.end(), n) == seen_nodes.end()) {
            seen_nodes.push_back(n);
            nodes_[n].cum += w;
          }
          if (parent != kNone && n != parent && seen_edges.emplace(n, parent).second) {
            const bool is_inline = ni != loc_nodes.size() - 1;
            auto [it, inserted] = nodes_[n].in.emplace(parent, Edge{w, is_inline});
            if (!inserted) {
              it->second.weight += w;
              if (!is_inline) it->second.is_inline = false;
            }
          }
          parent = n;
          residual = false;
        }
      }
      if (parent != kNone && !residual) nodes_[parent].flat += w;
    }
    std::vector<std::size_t> present;
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      if (nodes_[n].cum != 0 || nodes_[n].flat != 0) present.push_back(n);
    }
    return present;
  }

  Node& node(std::size_t n) { return nodes_[n]; }

 private:
  const Profile& profile_;
  std::size_t sample_index_;
  std::vector<NodeIdentity> identities_;
  std::vector<std::vector<std::size_t>> location_nodes_;
  std::vector<Node> nodes_;
};

std::int64_t abs64(std::int64_t v) { return v < 0 ? -v : v; }

std::string format_time(std::int64_t nanos) {
  // Go: time.Unix(0, ns).Format("Jan 2, 2006 at 3:04pm (MST)") in local time.
  std::time_t seconds = static_cast<std::time_t>(nanos / 1000000000);
  if (nanos % 1000000000 < 0) --seconds;
  std::tm tm{};
  localtime_r(&seconds, &tm);
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, "%s %d, %d at %d:%02d%s (%s)", kMonths[tm.tm_mon], tm.tm_mday,
                tm.tm_year + 1900, hour12, tm.tm_min, tm.tm_hour < 12 ? "am" : "pm",
                tm.tm_zone != nullptr ? tm.tm_zone : "UTC");
  return buffer;
}

}  // namespace

std::string scaled_label(std::int64_t value, std::string_view unit, std::string_view output_unit) {
  auto [v, u] = scale(value, unit, output_unit);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", v);
  std::string text = buffer;
  if (text.size() >= 3 && text.compare(text.size() - 3, 3, ".00") == 0) text.resize(text.size() - 3);
  if (text == "0" || text == "-0") return "0";
  return text + u;
}

std::string percentage(std::int64_t value, std::int64_t total) {
  double ratio = 0;
  if (total != 0) ratio = std::fabs(static_cast<double>(value) / static_cast<double>(total)) * 100;
  char buffer[64];
  if (ratio >= 99.95 && ratio <= 100.05) return "  100%";
  if (ratio >= 1.0) {
    std::snprintf(buffer, sizeof buffer, "%5.2f%%", ratio);
  } else {
    std::snprintf(buffer, sizeof buffer, "%5.2g%%", ratio);
  }
  return buffer;
}

std::string top_report(const Profile& profile, const TopOptions& options) {
  std::vector<std::string> warnings;
  return top_report(profile, options, warnings);
}

std::string top_report(const Profile& unfiltered, const TopOptions& options, std::vector<std::string>& warnings) {
  const std::size_t index = options.sample_index == kNone ? default_sample_index(unfiltered) : options.sample_index;
  const ValueType& type = unfiltered.sample_types.at(index);

  // pprof computes the report's total before applying -focus/-ignore, so
  // percentages stay relative to the whole profile.
  std::int64_t total = 0;
  for (const Sample& sample : unfiltered.samples) total += abs64(sample.values[index]);
  std::optional<Profile> filtered;
  if (!options.filter.empty()) {
    filtered = unfiltered;
    const NameFilterMatches matches = filter_samples_by_name(*filtered, options.filter);
    for (std::string& warning : name_filter_warnings(options.filter, matches)) warnings.push_back(std::move(warning));
  }
  const Profile& profile = filtered ? *filtered : unfiltered;

  GraphBuilder builder(profile, index);
  std::vector<std::size_t> graph = builder.build(nullptr);
  std::int64_t flat_total = 0;
  for (std::size_t n : graph) flat_total += builder.node(n).flat;
  const std::int64_t node_cutoff = abs64(static_cast<std::int64_t>(static_cast<double>(flat_total) * options.node_fraction));
  const std::int64_t edge_cutoff = abs64(static_cast<std::int64_t>(static_cast<double>(flat_total) * options.edge_fraction));

  std::size_t dropped = 0;
  if (node_cutoff > 0) {
    std::set<std::size_t> kept;
    for (std::size_t n : graph) {
      if (abs64(builder.node(n).cum) >= node_cutoff) kept.insert(n);
    }
    if (kept.size() != graph.size()) {
      dropped = graph.size() - kept.size();
      graph = builder.build(&kept);
    }
  }
  const std::size_t original_count = graph.size();

  const auto& identities = builder.identities();
  auto sort_graph = [&] {
    std::sort(graph.begin(), graph.end(), [&](std::size_t l, std::size_t r) {
      const Node& a = builder.node(l);
      const Node& b = builder.node(r);
      const std::int64_t a1 = abs64(options.cum ? a.cum : a.flat), b1 = abs64(options.cum ? b.cum : b.flat);
      if (a1 != b1) return a1 > b1;
      if (identities[l].printable != identities[r].printable) return identities[l].printable < identities[r].printable;
      const std::int64_t a2 = abs64(options.cum ? a.flat : a.cum), b2 = abs64(options.cum ? b.flat : b.cum);
      if (a2 != b2) return a2 > b2;
      return identities[l].key < identities[r].key;
    });
  };
  sort_graph();
  if (options.node_count > 0 && graph.size() > options.node_count) {
    std::set<std::size_t> kept(graph.begin(), graph.begin() + static_cast<std::ptrdiff_t>(options.node_count));
    graph = builder.build(&kept);
    sort_graph();
  }
  for (std::size_t n : graph) {
    auto& in = builder.node(n).in;
    for (auto it = in.begin(); it != in.end();) {
      it = abs64(it->second.weight) < edge_cutoff ? in.erase(it) : std::next(it);
    }
  }

  // selectOutputUnit: the unit of the smallest node value, unless that is
  // under 1% of the total, then the unit of 100x it.
  std::string output_unit = "minimum";
  if (!graph.empty()) {
    std::int64_t min_value = 0;
    for (std::size_t n : graph) {
      std::int64_t node_min = abs64(builder.node(n).flat);
      if (node_min == 0) node_min = abs64(builder.node(n).cum);
      if (node_min > 0 && (min_value == 0 || node_min < min_value)) min_value = node_min;
    }
    const std::int64_t max_value = total;
    if (min_value == 0) min_value = max_value;
    const std::string min_unit = scale(min_value, type.unit, "minimum").second;
    const std::string max_unit = scale(max_value, type.unit, "minimum").second;
    std::string unit = min_unit;
    if (min_unit != max_unit && min_value * 100 < max_value) unit = scale(100 * min_value, type.unit, "minimum").second;
    output_unit = unit.empty() ? type.unit : unit;
  }
  auto format = [&](std::int64_t v) { return scaled_label(v, type.unit, output_unit); };

  std::string out;
  auto line = [&](const std::string& text) { out += text + "\n"; };
  const MappingView mappings = massage_mappings(profile.mappings);
  if (mappings.main) {
    if (!mappings.main->file.empty()) line("File: " + go_base(mappings.main->file));
    if (!mappings.main->build_id.empty()) line("Build ID: " + mappings.main->build_id);
  }
  for (const std::string& comment : profile.comments) {
    if (comment.empty() || comment[0] != '#') line(comment);
  }
  if (!type.type.empty()) line("Type: " + type.type);
  if (profile.time_nanos != 0) line("Time: " + format_time(profile.time_nanos));
  if (profile.duration_nanos != 0) {
    const std::string duration = scaled_label(profile.duration_nanos, "nanoseconds", "auto");
    auto [total_nanos, total_unit] = scale(total, type.unit, "nanoseconds");
    std::string ratio;
    if (total_unit == "ns" && total_nanos != 0) {
      ratio = "(" + percentage(static_cast<std::int64_t>(total_nanos), profile.duration_nanos) + ")";
    }
    line("Duration: " + duration + ", Total samples = " + format(total) + " " + ratio);
  }
  for (const std::string& filter_line : active_filter_lines(options.filter)) line(filter_line);
  std::int64_t flat_sum = 0;
  for (std::size_t n : graph) flat_sum += builder.node(n).flat;
  line("Showing nodes accounting for " + format(flat_sum) + ", " + trim_space(percentage(flat_sum, total)) + " of " +
       format(total) + " total");
  if (total != 0) {
    if (dropped > 0) {
      line("Dropped " + std::to_string(dropped) + (dropped > 1 ? " nodes" : " node") + " (cum <= " +
           format(abs64(static_cast<std::int64_t>(static_cast<double>(total) * options.node_fraction))) + ")");
    }
    if (!graph.empty() && graph.size() < original_count) {
      line("Showing top " + std::to_string(graph.size()) + " nodes out of " + std::to_string(original_count));
    }
  }
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
  out += buffer;
  std::int64_t running = 0;
  for (std::size_t n : graph) {
    const Node& node = builder.node(n);
    bool any_inline = false, any_call = false;
    for (const auto& [source, edge] : node.in) (edge.is_inline ? any_inline : any_call) = true;
    const char* suffix = any_inline ? (any_call ? " (partial-inline)" : " (inline)") : "";
    running += node.flat;
    std::snprintf(buffer, sizeof buffer, "%10s %s %s %10s %s  ", format(node.flat).c_str(),
                  percentage(node.flat, total).c_str(), percentage(running, total).c_str(), format(node.cum).c_str(),
                  percentage(node.cum, total).c_str());
    out += buffer;
    out += identities[n].printable;
    out += suffix;
    out += '\n';
  }
  return out;
}

}  // namespace netinspect::pprof
