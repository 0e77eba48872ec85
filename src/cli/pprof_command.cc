// `netinspect pprof`: list, extract and read the Go runtime profiles netstack
// embeds in its Inspect data (see docs/pprof.md).
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "json/value.h"
#include "json/write.h"
#include "pprof/extract.h"
#include "pprof/profile.h"
#include "pprof/report.h"
#include "pprof/snapshot.h"
#include "source/source.h"

namespace netinspect::cli {

namespace {

namespace pp = netinspect::pprof;

constexpr int kExitOk = 0;
constexpr int kExitProblems = 1;
constexpr int kExitUsage = 2;

constexpr const char* kHelp = R"(Usage: netinspect pprof <subcommand> [options] [args...]

Go runtime profiles as netstack embeds them in Inspect data: entries of
core/network/netstack named pprof/now.inspect (older builds also
pprof/<time>.inspect) hold payload.root.pprof.{allocs,block,goroutine,heap,
mutex,threadcreate}, each "b64:" + base64 of a gzip'd profile.proto.

Subcommands:
  list [--json] [SOURCE...]
      One row per profile: entry, profile name, profile time, sizes (base64
      text, .pb.gz, protobuf), sample types (default marked *) and the total
      of the default sample type.
  extract [-o DIR] [--latest] [--profile NAME]... [--force] [SOURCE...]
      Writes each profile's .pb.gz into DIR (default: .), named as the
      netstack documentation's shell loop names it:
      <metadata.filename without "pprof/">_<name> (now.inspect_heap), with the
      same bytes. Names are made safe: '/', '\', control characters -> '_';
      nothing is written outside DIR, symlinks in DIR are never followed,
      existing files are kept unless --force; each file is written to a
      temporary name, then renamed.
      --latest keeps only pprof/now.inspect (else the newest pprof/*.inspect).
  top [--sample-index N|NAME] [--cum] [--nodecount N] [--focus RE] [--ignore RE]
      PROFILE...
      The report of `go tool pprof -top`, byte for byte (go1.19 layout).
  folded [--sample-index N|NAME] [--focus RE] [--ignore RE] PROFILE...
      Brendan Gregg folded stacks: root;...;leaf VALUE, one line per stack,
      for flamegraph.pl, inferno or speedscope.
  flame -o FILE.svg [--sample-index N|NAME] [--focus RE] [--ignore RE]
      [--title TEXT] PROFILE
      A self-contained interactive SVG flame graph (hover: name, value,
      percent; click: zoom; "Reset zoom" restores).

SOURCE is a snapshot: inspect.json, .json.gz, an fx snapshot .zip, a directory,
or - for standard input (the default).
PROFILE is a .pb.gz or .pb file, a snapshot (every profile in it), or
SOURCE#ENTRY:NAME for one profile of a snapshot, e.g.
snapshot.zip#pprof/now.inspect:heap (ENTRY or NAME may be empty: any).

Options:
  --sample-index N|NAME  sample type to report (default: the profile's
                         default_sample_type, else its last type)
  --cum                  top: sort by cumulative value
  --nodecount N          top: show at most N nodes (default: all)
  --focus RE             top/folded/flame: keep only samples with a frame whose
                         function name, source file or binary matches RE
                         (pprof's -focus; Perl-style regular expression)
  --ignore RE            top/folded/flame: drop samples with such a frame
                         (pprof's -ignore). top keeps percentages relative to
                         the whole profile and prints "Active filters:", as
                         pprof does; an expression matching nothing is a
                         warning on stderr, not an error.
  --max-decompressed SIZE  cap on the bytes one profile may inflate to
                         (default 256M; suffixes K, M, G)
  --json                 list: JSON array instead of a table
  -h, --help             this help

Exit codes: 0 success; 1 some profiles could not be decoded or written
(each named on stderr, the others still processed); 2 bad usage (an invalid
--focus/--ignore expression included) or an unreadable source.

Examples:
  netinspect pprof list snapshot.zip
  netinspect pprof extract -o profiles --latest snapshot.zip
  netinspect pprof top snapshot.zip#pprof/now.inspect:heap
  netinspect pprof top --sample-index alloc_space now.inspect_allocs
  netinspect pprof top --focus 'runtime\.' --ignore 'gzip' heap.pb.gz
  netinspect pprof folded heap.pb.gz | flamegraph.pl > heap.svg
  netinspect pprof flame -o heap.svg snapshot.zip#pprof/now.inspect:heap
)";

struct Options {
  std::string subcommand;
  bool json = false;
  std::string output;
  bool output_set = false;
  bool latest = false;
  bool force = false;
  std::set<std::string> profiles;
  std::string sample_index;
  bool cum = false;
  std::size_t node_count = 0;
  std::string title;
  pp::NameFilter filter;
  pp::DecodeLimits limits;
  std::vector<std::string> args;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::uint64_t parse_size(std::string_view text) {
  std::uint64_t multiplier = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'K': case 'k': multiplier = 1ULL << 10; break;
      case 'M': case 'm': multiplier = 1ULL << 20; break;
      case 'G': case 'g': multiplier = 1ULL << 30; break;
      default: break;
    }
    if (multiplier != 1) text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    throw UsageError("invalid size '" + std::string(text) + "'");
  }
  return std::stoull(std::string(text)) * multiplier;
}

Options parse_options(int argc, char** argv) {
  Options options;
  int i = 1;
  if (i < argc) options.subcommand = argv[i++];
  bool positional_only = false;
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view name) -> std::string {
      if (i + 1 >= argc) throw UsageError(std::string(name) + " needs a value");
      return argv[++i];
    };
    if (positional_only || arg == "-" || arg.empty() || arg[0] != '-') {
      options.args.emplace_back(arg);
    } else if (arg == "--") {
      positional_only = true;
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "-o" || arg == "--output") {
      options.output = value(arg);
      options.output_set = true;
    } else if (arg == "--latest") {
      options.latest = true;
    } else if (arg == "--force" || arg == "-f") {
      options.force = true;
    } else if (arg == "--profile") {
      options.profiles.insert(value(arg));
    } else if (arg == "--sample-index" || arg == "--sample_index") {
      options.sample_index = value(arg);
    } else if (arg == "--cum") {
      options.cum = true;
    } else if (arg == "--nodecount") {
      const std::string n = value(arg);
      if (n.empty() || n.size() > 9 || n.find_first_not_of("0123456789") != std::string::npos) {
        throw UsageError("--nodecount needs a number, not '" + n + "'");
      }
      options.node_count = std::stoul(n);
    } else if (arg == "--focus") {
      options.filter.focus = value(arg);
    } else if (arg == "--ignore") {
      options.filter.ignore = value(arg);
    } else if (arg == "--title") {
      options.title = value(arg);
    } else if (arg == "--max-decompressed") {
      options.limits.max_decompressed_bytes = parse_size(value(arg));
    } else {
      throw UsageError("unknown option '" + std::string(arg) + "'");
    }
  }
  try {
    pp::check_name_filter(options.filter);
  } catch (const pp::PprofError& error) {
    throw UsageError(error.what());
  }
  return options;
}

// One profile to report: where it came from and its .pb.gz (or .pb) bytes,
// or the reason it could not be had.
struct Found {
  std::string label;       // for messages: "snap.json#pprof/now.inspect:heap" or a file path
  std::string entry;       // metadata.filename ("" for a plain file)
  std::string name;        // profile key ("" for a plain file)
  std::size_t encoded_bytes = 0;  // the base64 text
  std::string bytes;       // decoded bytes
  std::optional<std::string> error;
};

Found decode_embedded(const std::string& source_name, const pp::EmbeddedProfile& embedded) {
  Found found;
  found.label = source_name + "#" + embedded.entry + ":" + embedded.name;
  found.entry = embedded.entry;
  found.name = embedded.name;
  if (!embedded.value.is_string()) {
    found.error = std::string("value is ") + std::string(embedded.value.type_name()) + ", not a \"b64:\" string";
    return found;
  }
  found.encoded_bytes = embedded.value.as_string().size();
  try {
    found.bytes = pp::decode_inspect_value(embedded.value.as_string());
  } catch (const pp::PprofError& error) {
    found.error = error.what();
  }
  return found;
}

// Streams the entries of a snapshot, calling `each` for every embedded
// profile. Throws source::SourceError when the source is unreadable.
void for_each_embedded(const std::string& path, const Options& options,
                       const std::function<void(const std::string&, const pp::EmbeddedProfile&)>& each) {
  source::OpenOptions open_options;  // the zip/gzip bomb cap of --max-decompressed-size
  open_options.limits.max_decompressed_bytes = options.limits.max_decompressed_bytes;
  for (const std::string& expanded : source::expand_paths({path}, open_options)) {
    std::unique_ptr<source::EntryStream> stream = source::open_entries(expanded, open_options);
    source::Entry entry;
    while (stream->next(entry)) {
      if (auto moniker = source::peek_moniker(entry.raw); moniker && *moniker != pp::kNetstackMoniker) continue;
      json::Value value;
      try {
        value = source::parse_entry(*stream, entry);
      } catch (const std::exception& error) {
        throw source::SourceError(stream->name() + ": " + error.what());
      }
      for (const pp::EmbeddedProfile& embedded : pp::profiles_in_entry(value)) each(stream->name(), embedded);
    }
  }
}

void for_each_in_text(std::string_view text, const std::string& name,
                      const std::function<void(const std::string&, const pp::EmbeddedProfile&)>& each) {
  source::EntryStream stream(text, name);
  source::Entry entry;
  while (stream.next(entry)) {
    json::Value value;
    try {
      value = source::parse_entry(stream, entry);
    } catch (const std::exception& error) {
      throw source::SourceError(name + ": " + error.what());
    }
    for (const pp::EmbeddedProfile& embedded : pp::profiles_in_entry(value)) each(name, embedded);
  }
}

bool file_exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

// PROFILE argument -> the profiles it names (see the help text).
std::vector<Found> resolve_profile_argument(const std::string& arg, const Options& options) {
  std::vector<Found> out;
  std::string path = arg;
  std::optional<std::pair<std::string, std::string>> selector;
  if (const auto hash = arg.rfind('#'); hash != std::string::npos && !file_exists(arg)) {
    path = arg.substr(0, hash);
    const std::string rest = arg.substr(hash + 1);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) {
      selector.emplace(rest, "");
    } else {
      selector.emplace(rest.substr(0, colon), rest.substr(colon + 1));
    }
  }
  auto collect = [&](const std::string& source_name, const pp::EmbeddedProfile& embedded) {
    if (selector && ((!selector->first.empty() && selector->first != embedded.entry) ||
                     (!selector->second.empty() && selector->second != embedded.name))) {
      return;
    }
    out.push_back(decode_embedded(source_name, embedded));
  };
  if (selector) {
    for_each_embedded(path, options, collect);
    if (out.empty()) {
      throw source::SourceError(path + ": no profile " + selector->first + ":" + selector->second + " in it");
    }
    return out;
  }
  // A plain file: a profile (gzip'd or not) or a snapshot; decide by content.
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    for_each_embedded(path, options, collect);
    return out;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw source::SourceError(path + ": cannot open: " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04") == 0) {
    for_each_embedded(path, options, collect);
    return out;
  }
  std::string_view text = bytes;
  std::string inflated;
  if (pp::is_gzip(bytes)) {
    try {
      inflated = pp::gunzip(bytes, options.limits);
      text = inflated;
    } catch (const pp::PprofError& error) {
      out.push_back({path, "", "", 0, {}, error.what()});
      return out;
    }
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '[' || text[first] == '{')) {
    for_each_in_text(text, path, collect);
    if (out.empty()) throw source::SourceError(path + ": no pprof profiles in this snapshot");
    return out;
  }
  Found found;
  found.label = path;
  found.encoded_bytes = bytes.size();
  found.bytes = std::move(bytes);
  out.push_back(std::move(found));
  return out;
}

void report_error(const std::string& label, const std::string& what) {
  std::fprintf(stderr, "netinspect pprof: %s: %s\n", label.c_str(), what.c_str());
}

std::string rfc3339(std::int64_t nanos) {
  if (nanos == 0) return "";
  std::time_t seconds = static_cast<std::time_t>(nanos / 1000000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::vector<std::string> sources_or_stdin(const Options& options) {
  return options.args.empty() ? std::vector<std::string>{"-"} : options.args;
}

int run_list(const Options& options) {
  int status = kExitOk;
  json::Array rows;
  std::vector<std::vector<std::string>> table;
  table.push_back({"ENTRY", "PROFILE", "TIME", "B64", "PB.GZ", "PROTO", "SAMPLE TYPES", "TOTAL"});
  for (const std::string& path : sources_or_stdin(options)) {
    try {
      for_each_embedded(path, options, [&](const std::string& source_name, const pp::EmbeddedProfile& embedded) {
        Found found = decode_embedded(source_name, embedded);
        json::Object row;
        row.set("source", json::Value::string(source_name));
        row.set("entry", json::Value::string(found.entry));
        row.set("profile", json::Value::string(found.name));
        row.set("encoded_bytes", json::Value::number(static_cast<double>(found.encoded_bytes)));
        std::vector<std::string> cells = {found.entry, found.name, "", std::to_string(found.encoded_bytes), "", "", "",
                                          ""};
        if (!found.error) {
          row.set("gzip_bytes", json::Value::number(static_cast<double>(found.bytes.size())));
          cells[4] = std::to_string(found.bytes.size());
          try {
            std::size_t decoded = 0;
            const pp::Profile profile = pp::decode_profile(found.bytes, options.limits, &decoded);
            const std::size_t index = pp::default_sample_index(profile);
            std::int64_t total = 0;
            for (const pp::Sample& sample : profile.samples) total += sample.values[index];
            json::Array types;
            std::string type_text;
            for (std::size_t i = 0; i < profile.sample_types.size(); ++i) {
              json::Object type;
              type.set("type", json::Value::string(profile.sample_types[i].type));
              type.set("unit", json::Value::string(profile.sample_types[i].unit));
              types.push_back(json::Value::object(std::move(type)));
              if (i > 0) type_text += ",";
              type_text += profile.sample_types[i].type + "/" + profile.sample_types[i].unit + (i == index ? "*" : "");
            }
            row.set("decoded_bytes", json::Value::number(static_cast<double>(decoded)));
            row.set("time", profile.time_nanos != 0 ? json::Value::string(rfc3339(profile.time_nanos)) : json::Value());
            row.set("sample_types", json::Value::array(std::move(types)));
            row.set("default_sample_type", json::Value::string(profile.sample_types[index].type));
            row.set("total", json::Value::number(static_cast<double>(total)));
            row.set("total_unit", json::Value::string(profile.sample_types[index].unit));
            row.set("samples", json::Value::number(static_cast<double>(profile.samples.size())));
            cells[2] = rfc3339(profile.time_nanos);
            cells[5] = std::to_string(decoded);
            cells[6] = type_text;
            cells[7] = pp::scaled_label(total, profile.sample_types[index].unit, "auto");
          } catch (const pp::PprofError& error) {
            found.error = error.what();
          }
        }
        if (found.error) {
          report_error(found.label, *found.error);
          row.set("error", json::Value::string(*found.error));
          cells[7] = "error: " + *found.error;
          status = kExitProblems;
        }
        rows.push_back(json::Value::object(std::move(row)));
        table.push_back(std::move(cells));
      });
    } catch (const source::SourceError& error) {
      std::fprintf(stderr, "netinspect pprof: %s\n", error.what());
      return kExitUsage;
    }
  }
  if (options.json) {
    std::string out;
    json::write(json::Value::array(std::move(rows)), json::WriteOptions{}, out);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fputc('\n', stdout);
    return status;
  }
  std::vector<std::size_t> widths(table[0].size(), 0);
  for (const auto& cells : table) {
    for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], cells[i].size());
  }
  for (const auto& cells : table) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const bool numeric = i >= 3 && i <= 5;
      std::string cell = cells[i];
      if (i + 1 < cells.size() || numeric) {
        const std::string pad(widths[i] - cell.size(), ' ');
        cell = numeric ? pad + cell : cell + pad;
      }
      line += (i > 0 ? "  " : "") + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
  return status;
}

int run_extract(const Options& options) {
  std::vector<std::pair<std::string, pp::EmbeddedProfile>> all;
  for (const std::string& path : sources_or_stdin(options)) {
    try {
      for_each_embedded(path, options, [&](const std::string& source_name, const pp::EmbeddedProfile& embedded) {
        all.emplace_back(source_name, embedded);
      });
    } catch (const source::SourceError& error) {
      std::fprintf(stderr, "netinspect pprof: %s\n", error.what());
      return kExitUsage;
    }
  }
  std::set<std::string> keep_entries;
  if (options.latest) {
    std::vector<std::string> names;
    for (const auto& [source_name, embedded] : all) names.push_back(embedded.entry);
    for (std::string& name : pp::latest_entries(names)) keep_entries.insert(std::move(name));
  }
  std::optional<pp::OutputDirectory> directory;
  try {
    directory.emplace(options.output_set ? options.output : ".");
  } catch (const pp::PprofError& error) {
    std::fprintf(stderr, "netinspect pprof: %s\n", error.what());
    return kExitUsage;
  }
  int status = kExitOk;
  std::set<std::string> written;
  for (const auto& [source_name, embedded] : all) {
    if (options.latest && keep_entries.count(embedded.entry) == 0) continue;
    if (!options.profiles.empty() && options.profiles.count(embedded.name) == 0) continue;
    const Found found = decode_embedded(source_name, embedded);
    if (found.error) {
      report_error(found.label, *found.error);
      status = kExitProblems;
      continue;
    }
    const std::string wanted = pp::seed_file_name(embedded.entry, embedded.name);
    const std::optional<std::string> name = pp::safe_file_name(wanted);
    if (!name) {
      report_error(found.label, "cannot make a safe file name of \"" + wanted + "\"; skipped");
      status = kExitProblems;
      continue;
    }
    if (!written.insert(*name).second) {
      report_error(found.label, "a profile was already written as " + *name + " in this run; skipped");
      status = kExitProblems;
      continue;
    }
    try {
      directory->write(*name, found.bytes, options.force);
    } catch (const pp::PprofError& error) {
      report_error(found.label, error.what());
      status = kExitProblems;
      continue;
    }
    if (*name != wanted) std::fprintf(stderr, "netinspect pprof: %s: unsafe name written as %s\n", found.label.c_str(), name->c_str());
    std::printf("%s/%s\n", directory->path().c_str(), name->c_str());
  }
  return status;
}

int run_report(const Options& options) {
  if (options.args.empty()) throw UsageError(options.subcommand + " needs a PROFILE argument");
  if (options.subcommand == "flame" && (!options.output_set || options.output.empty())) {
    throw UsageError("flame needs -o FILE.svg");
  }
  std::vector<Found> targets;
  for (const std::string& arg : options.args) {
    try {
      for (Found& found : resolve_profile_argument(arg, options)) targets.push_back(std::move(found));
    } catch (const source::SourceError& error) {
      std::fprintf(stderr, "netinspect pprof: %s\n", error.what());
      return kExitUsage;
    }
  }
  if (options.subcommand == "flame" && targets.size() != 1) {
    throw UsageError("flame draws one profile; " + std::to_string(targets.size()) +
                     " matched (name one with SOURCE#ENTRY:NAME)");
  }
  int status = kExitOk;
  bool first = true;
  for (const Found& found : targets) {
    if (found.error) {
      report_error(found.label, *found.error);
      status = kExitProblems;
      continue;
    }
    try {
      pp::Profile profile = pp::decode_profile(found.bytes, options.limits);
      const std::size_t index = pp::sample_index_by_name(profile, options.sample_index);
      std::string text;
      std::vector<std::string> warnings;
      if (options.subcommand == "top") {
        pp::TopOptions top;
        top.sample_index = index;
        top.cum = options.cum;
        top.node_count = options.node_count;
        top.filter = options.filter;
        text = pp::top_report(profile, top, warnings);
      } else {
        warnings = pp::name_filter_warnings(options.filter, pp::filter_samples_by_name(profile, options.filter));
      }
      for (const std::string& warning : warnings) report_error(found.label, warning);
      if (options.subcommand == "folded") {
        text = pp::folded_text(pp::folded_stacks(profile, index));
      } else if (options.subcommand == "flame") {
        pp::FlameOptions flame;
        flame.title = options.title.empty() ? found.label + " (" + profile.sample_types[index].type + ")" : options.title;
        flame.unit = profile.sample_types[index].unit;
        const std::string svg = pp::flame_svg(pp::folded_stacks(profile, index), flame);
        std::string directory = ".", name = options.output;
        if (const auto slash = options.output.rfind('/'); slash != std::string::npos) {
          directory = slash == 0 ? "/" : options.output.substr(0, slash);
          name = options.output.substr(slash + 1);
        }
        pp::OutputDirectory(directory).write(name, svg, /*force=*/true);
        continue;
      }
      if (targets.size() > 1) std::printf("%s==> %s <==\n", first ? "" : "\n", found.label.c_str());
      first = false;
      std::fwrite(text.data(), 1, text.size(), stdout);
    } catch (const pp::PprofError& error) {
      report_error(found.label, error.what());
      status = kExitProblems;
    }
  }
  return status;
}

}  // namespace

int run_pprof_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
      std::fputs(kHelp, stdout);
      return kExitOk;
    }
  }
  try {
    const Options options = parse_options(argc, argv);
    if (options.subcommand == "list") return run_list(options);
    if (options.subcommand == "extract") return run_extract(options);
    if (options.subcommand == "top" || options.subcommand == "folded" || options.subcommand == "flame") {
      return run_report(options);
    }
    throw UsageError(options.subcommand.empty() ? "missing subcommand (list, extract, top, folded, flame)"
                                                : "unknown subcommand '" + options.subcommand + "'");
  } catch (const UsageError& error) {
    std::fprintf(stderr, "netinspect pprof: %s\nRun 'netinspect pprof --help' for usage.\n", error.what());
    return kExitUsage;
  }
}

}  // namespace netinspect::cli
