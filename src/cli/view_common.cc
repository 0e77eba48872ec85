#include "cli/view_common.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <set>
#include <thread>
#include <utility>

#include "capture/capture.h"
#include "json/parse.h"
#include "source/source.h"

namespace netinspect::cli {

const char* const kViewOptionsHelp =
    "Output (table is the default, on a terminal or not):\n"
    "      --table               aligned columns fitted to the terminal width;\n"
    "                            colour only on a terminal and never with NO_COLOR\n"
    "      --json                one JSON array of typed objects per snapshot\n"
    "                            (numbers as numbers, booleans as booleans)\n"
    "      --ndjson              one compact JSON object per line\n"
    "      --csv                 RFC 4180 CSV with a header row (every field)\n"
    "      --merge               several SOURCEs as one table with a `snapshot`\n"
    "                            column (CSV and NDJSON always merge)\n"
    "      --strict              report schema surprises (unknown fields, wrong\n"
    "                            types, unknown trees) on stderr\n"
    "Input:\n"
    "  SOURCE is an inspect.json (compact or pretty), .json.gz, snapshot .zip,\n"
    "  a directory of snapshots, or - for stdin. With no SOURCE, this host's\n"
    "  live network stack is captured (as `netinspect capture` does).\n"
    "      --sample              with no SOURCE, use the sample snapshot bundled\n"
    "                            with netinspect instead of live capture\n";

const char* const kViewExitHelp =
    "Exit status: 0 success; 2 bad usage or an unreadable SOURCE.\n";

int usage_error(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "netinspect %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
               static_cast<int>(message.size()), message.data());
  return 2;
}

bool take_value(int argc, char** argv, int& i, std::string_view name, std::string& value, std::string& error) {
  std::string_view arg = argv[i];
  if (arg == name) {
    if (i + 1 >= argc) {
      error = std::string(name) + " needs a value";
      return true;
    }
    value = argv[i + 1];
    i += 2;
    return true;
  }
  if (arg.size() > name.size() && arg.starts_with(name) && arg[name.size()] == '=') {
    value = std::string(arg.substr(name.size() + 1));
    ++i;
    return true;
  }
  return false;
}

InputOptionParse take_view_option(int argc, char** argv, int& i, ViewOptions& options, std::string& error) {
  std::string_view arg = argv[i];
  struct Flag {
    std::string_view name;
    OutputFormat format;
  };
  for (const Flag& flag : {Flag{"--table", OutputFormat::Table}, Flag{"--json", OutputFormat::Json},
                           Flag{"--ndjson", OutputFormat::Ndjson}, Flag{"--csv", OutputFormat::Csv}}) {
    if (arg == flag.name) {
      options.format = flag.format;
      ++i;
      return InputOptionParse::Taken;
    }
  }
  if (arg == "--sample") {
    options.sample = true;
    ++i;
    return InputOptionParse::Taken;
  }
  if (arg == "--merge" || arg == "--strict") {
    (arg == "--merge" ? options.merge : options.strict) = true;
    ++i;
    return InputOptionParse::Taken;
  }
  const InputOptionParse taken = take_input_option(argc, argv, i, options.input, error);
  if (taken == InputOptionParse::Taken) ++i;  // it leaves i on the last word it used
  return taken;
}

std::optional<int> take_view_option_or_source(std::string_view command, int argc, char** argv, int& i,
                                              ViewOptions& options) {
  std::string error;
  switch (take_view_option(argc, argv, i, options, error)) {
    case InputOptionParse::Taken:
      return std::nullopt;
    case InputOptionParse::Error:
      return usage_error(command, error);
    case InputOptionParse::NotMine:
      break;
  }
  std::string_view arg = argv[i];
  if (arg.size() > 1 && arg.starts_with('-'))
    return usage_error(command, "unknown option '" + std::string(arg) + "' (see --help)");
  options.sources.emplace_back(arg);
  ++i;
  return std::nullopt;
}

namespace {

void note_bundled_sample(std::string_view command, const std::string& why_not_live) {
  std::fprintf(stderr, "netinspect %.*s: no SOURCE given (%s): using the bundled sample snapshot\n",
               static_cast<int>(command.size()), command.data(), why_not_live.c_str());
}

std::string source_label(const std::string& path) { return path == "-" ? std::string("<stdin>") : path; }

}  // namespace

std::vector<json::Value> capture_host_entries(std::string_view command, const ViewOptions& options) {
  capture::CaptureOptions capture_options;
  if (options.input.moniker) capture_options.moniker = *options.input.moniker;
  std::vector<std::string> notices;
  std::vector<json::Value> entries = capture::capture_entries(capture_options, &notices);
  for (const std::string& notice : notices) {
    std::fprintf(stderr, "netinspect %.*s: %s\n", static_cast<int>(command.size()), command.data(), notice.c_str());
  }
  return entries;
}

void sleep_seconds(double seconds) {
  timespec delay{};
  delay.tv_sec = static_cast<time_t>(seconds);
  delay.tv_nsec = static_cast<long>((seconds - static_cast<double>(delay.tv_sec)) * 1e9);
  while (nanosleep(&delay, &delay) != 0 && errno == EINTR) {
  }
}

bool take_live_interval(int argc, char** argv, int& i, std::optional<double>& seconds, std::string& error) {
  std::string value;
  if (!take_value(argc, argv, i, "--live-interval", value, error)) return false;
  if (!error.empty()) return true;
  char* end = nullptr;
  const double parsed = std::strtod(value.c_str(), &end);
  if (value.empty() || *end || !std::isfinite(parsed) || parsed < 0 || parsed > 86400) {
    error = "--live-interval takes seconds (0 to 86400), not '" + value + "'";
  } else {
    seconds = parsed;
  }
  return true;
}

int load_snapshots(std::string_view command, const ViewOptions& options, std::vector<netstack::Snapshot>& out,
                   bool note_sample, bool* used_sample) {
  netstack::LoadOptions load;
  if (options.input.moniker) load.moniker = *options.input.moniker;
  if (used_sample) *used_sample = false;
  if (options.sources.empty()) {
    std::string why_not_live = "--sample given";
    if (!options.sample) {
      try {
        out.push_back(netstack::load_entries(capture_host_entries(command, options), "live capture of this host", load));
        return 0;
      } catch (const capture::CaptureError& error) {
        why_not_live = std::string("live capture failed: ") + error.what();
      }
    }
    if (note_sample) note_bundled_sample(command, why_not_live);
    if (used_sample) *used_sample = true;
    out.push_back(netstack::load_bundled_sample(load));
    return 0;
  }
  std::vector<std::string> paths;
  try {
    paths = source::expand_paths(options.sources, options.input.open);
  } catch (const source::SourceError& error) {
    return usage_error(command, error.what());
  }
  for (const std::string& path : paths) {
    try {
      Progress progress(options.input.progress, source::plain_file_size(path));
      load.progress = [&progress](std::size_t bytes) { progress.update(bytes); };
      out.push_back(netstack::load_path(path, options.input.open, load));
      load.progress = nullptr;
    } catch (const source::SourceError& error) {
      return usage_error(command, error.what());
    } catch (const json::ParseError& error) {
      return usage_error(command, source_label(path) + ": " + error.what());
    }
  }
  return 0;
}

int load_entry_sets(std::string_view command, const ViewOptions& options, std::vector<EntrySet>& out,
                    bool* used_sample) {
  if (used_sample) *used_sample = false;
  if (options.sources.empty()) {
    std::string why_not_live = "--sample given";
    if (!options.sample) {
      try {
        out.push_back({"live capture of this host", "", capture_host_entries(command, options)});
        return 0;
      } catch (const capture::CaptureError& error) {
        why_not_live = std::string("live capture failed: ") + error.what();
      }
    }
    note_bundled_sample(command, why_not_live);
    if (used_sample) *used_sample = true;
    json::Value all = json::parse(netstack::bundled_sample_text());
    out.push_back({"bundled sample", "", all.is_array() ? all.as_array() : json::Array{all}});
    return 0;
  }
  std::vector<std::string> paths;
  try {
    paths = source::expand_paths(options.sources, options.input.open);
  } catch (const source::SourceError& error) {
    return usage_error(command, error.what());
  }
  for (const std::string& path : paths) {
    EntrySet set{source_label(path), path, {}};
    try {
      auto stream = source::open_entries(path, options.input.open);
      Progress progress(options.input.progress, source::plain_file_size(path));
      source::Entry entry;
      while (stream->next(entry)) {
        set.entries.push_back(source::parse_entry(*stream, entry));
        progress.update(stream->bytes_consumed());
      }
    } catch (const source::SourceError& error) {
      return usage_error(command, error.what());
    } catch (const json::ParseError& error) {
      return usage_error(command, set.label + ": " + error.what());
    }
    out.push_back(std::move(set));
  }
  return 0;
}

void report_surprises(std::string_view command, const ViewOptions& options, const netstack::Snapshot& snapshot,
                      const netstack::Surprises& view_surprises) {
  if (!options.strict) return;
  std::set<std::string> seen;
  auto report = [&](const std::string& line) {
    if (!seen.insert(line).second) return;
    std::fprintf(stderr, "netinspect %.*s: warning: %s: %s\n", static_cast<int>(command.size()), command.data(),
                 snapshot.label.c_str(), line.c_str());
  };
  if (snapshot.moniker.empty()) report("no netstack component found");
  for (const std::string& line : snapshot.surprises) report(line);
  for (const std::string& line : view_surprises) report(line);
}

void write_blocks(const std::vector<Column>& columns, const std::vector<std::string>& csv_keys,
                  const std::vector<Block>& blocks, const ViewOptions& options, std::string& out) {
  RenderOptions render = detect_render_options(options.format);
  bool single_table = options.format == OutputFormat::Csv || options.format == OutputFormat::Ndjson;
  bool merge = options.merge || (single_table && blocks.size() > 1);
  if (merge) {
    std::vector<json::Value> rows;
    for (const Block& block : blocks) {
      json::Value label = json::Value::string(block.label);
      for (const json::Value& row : block.rows) {
        json::Object merged;
        merged.reserve(row.size() + 1);
        merged.set("snapshot", label);
        for (const auto& [key, value] : row.as_object()) merged.set(key, value);
        rows.push_back(json::Value::object(std::move(merged)));
      }
    }
    std::vector<Column> merged_columns = columns;
    merged_columns.insert(merged_columns.begin(), Column{"snapshot", "SNAPSHOT", false, true, false});
    std::vector<std::string> merged_keys = csv_keys;
    merged_keys.insert(merged_keys.begin(), "snapshot");
    render_rows(merged_columns, merged_keys, rows, render, out);
    return;
  }
  Style style{render.color};
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (render.format == OutputFormat::Table && blocks.size() > 1) {
      if (b) out += '\n';
      out += std::string(style.bold()) + "== " + blocks[b].label + " ==" + std::string(style.reset()) + "\n";
    }
    render_rows(columns, csv_keys, blocks[b].rows, render, out);
  }
}

std::vector<json::Value> build_rows(std::size_t count, const std::function<json::Value(std::size_t)>& make_row) {
  constexpr std::size_t kParallelRows = 4096;
  std::vector<json::Value> rows(count);
  const auto fill = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) rows[i] = make_row(i);
  };
  if (count < kParallelRows || std::thread::hardware_concurrency() < 2) {
    fill(0, count);
    return rows;
  }
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      fill(count / 2, count);
    } catch (...) {
      error = std::current_exception();
    }
  });
  try {
    fill(0, count / 2);
  } catch (...) {
    worker.join();
    throw;
  }
  worker.join();
  if (error) std::rethrow_exception(error);
  return rows;
}

int write_stdout(std::string_view command, const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    if (errno == EPIPE) return 0;
    return usage_error(command, std::string("cannot write the output: ") + std::strerror(errno));
  }
  return 0;
}

bool sort_rows(std::vector<json::Value>& rows, std::string_view field, const std::vector<std::string>& keys) {
  bool descending = field.starts_with('-');
  if (descending) field.remove_prefix(1);
  if (std::find(keys.begin(), keys.end(), field) == keys.end()) return false;
  // Each row's key is read once; rows often arrive sorted already (by id).
  std::vector<std::pair<json::Value, std::size_t>> keyed;
  keyed.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) keyed.emplace_back(rows[i].get(field), i);
  auto before = [&](const std::pair<json::Value, std::size_t>& a, const std::pair<json::Value, std::size_t>& b) {
    int order = json::compare(a.first, b.first);
    return descending ? order > 0 : order < 0;
  };
  if (std::is_sorted(keyed.begin(), keyed.end(), before)) return true;
  std::stable_sort(keyed.begin(), keyed.end(), before);
  std::vector<json::Value> sorted;
  sorted.reserve(rows.size());
  for (const auto& [key, index] : keyed) sorted.push_back(std::move(rows[index]));
  rows = std::move(sorted);
  return true;
}

}  // namespace netinspect::cli
