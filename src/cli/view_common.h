// What every netstack view command shares: the output-format options, the
// SOURCE list (or the bundled sample when none is given), `--strict`
// reporting, and writing one block per snapshot or one `--merge`d block.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/input_options.h"
#include "cli/table_output.h"
#include "json/value.h"
#include "netstack/snapshot.h"
#include "netstack/views.h"

namespace netinspect::cli {

struct ViewOptions {
  OutputFormat format = OutputFormat::Table;
  bool merge = false;   // one block with a `snapshot` column
  bool strict = false;  // schema surprises as warnings on stderr
  // With no SOURCE: this host's live network stack (the default), or the
  // snapshot bundled with netinspect (--sample, or when capture is impossible).
  bool sample = false;
  InputOptions input;
  std::vector<std::string> sources;
};

// Help lines for the shared options (formats, --merge, --strict, inputs).
extern const char* const kViewOptionsHelp;
// The exit-code paragraph shared by the views.
extern const char* const kViewExitHelp;

// Consumes a shared option at argv[i] (--json, --ndjson, --csv, --table,
// --merge, --strict and the input options).
InputOptionParse take_view_option(int argc, char** argv, int& i, ViewOptions& options, std::string& error);

// The end of every view's option loop: a shared option (see take_view_option)
// or a SOURCE. Returns the exit code after a usage error (unknown option, bad
// value), nullopt when argv[i] was consumed.
std::optional<int> take_view_option_or_source(std::string_view command, int argc, char** argv, int& i,
                                              ViewOptions& options);

// True when argv[i] is `name` ("--sort V" or "--sort=V"); sets `value`, or
// `error` when the value is missing. Advances i past what it used.
bool take_value(int argc, char** argv, int& i, std::string_view name, std::string& value, std::string& error);

// Prints "netinspect CMD: MESSAGE" on stderr and returns 2 (bad usage / input).
int usage_error(std::string_view command, std::string_view message);

// Loads every SOURCE (directories expanded). With none, captures this host's
// live network stack; with --sample, or when capture is impossible (not Linux,
// no netlink), loads the bundled sample instead, saying so on stderr unless
// `note_sample` is false (the overview says it on screen). `used_sample`, when
// given, tells which. Returns 0, or 2 after printing a one-line error.
int load_snapshots(std::string_view command, const ViewOptions& options, std::vector<netstack::Snapshot>& out,
                   bool note_sample = true, bool* used_sample = nullptr);

// One SOURCE with every entry it holds, for commands whose rules or profiles
// may read any component (triage, report); load_snapshots keeps netstack's only.
struct EntrySet {
  std::string label;
  std::string path;  // as expanded; "" for a live capture or the bundled sample
  std::vector<json::Value> entries;
};
// As load_snapshots (same default source and errors), keeping every entry.
int load_entry_sets(std::string_view command, const ViewOptions& options, std::vector<EntrySet>& out,
                    bool* used_sample = nullptr);
// This host's live entries now (its notices on stderr). Throws capture::CaptureError.
std::vector<json::Value> capture_host_entries(std::string_view command, const ViewOptions& options);
// Sleeps whole and fractional seconds (the --live-interval of diff and triage).
void sleep_seconds(double seconds);
// True when argv[i] is `--live-interval SECONDS` (diff, triage): sets `seconds`
// (0 to 86400), or `error` for a missing or bad value. Advances i past it.
bool take_live_interval(int argc, char** argv, int& i, std::optional<double>& seconds, std::string& error);

// Freeing the millions of nodes of a big snapshot one by one takes a quarter
// of a view's time, just before the process ends and the OS reclaims them at
// once: views hand their snapshots, rows and sockets here when done. They
// stay reachable, so leak checkers stay quiet.
template <class T>
void keep_until_exit(T value) {
  static auto* kept = new std::vector<std::shared_ptr<void>>();
  kept->push_back(std::make_shared<T>(std::move(value)));
}
// With --strict: each of the snapshot's and the view's surprises, once.
void report_surprises(std::string_view command, const ViewOptions& options, const netstack::Snapshot& snapshot,
                      const netstack::Surprises& view_surprises);

// make_row(0), ..., make_row(count - 1), in order; on two threads when there
// are thousands (make_row must only read what the threads share).
std::vector<json::Value> build_rows(std::size_t count, const std::function<json::Value(std::size_t)>& make_row);

struct Block {
  std::string label;  // the snapshot's label
  std::vector<json::Value> rows;
};

// One block per snapshot (tables get a "== label ==" heading when there are
// several; JSON one array each), or one merged block whose rows start with a
// `snapshot` key (--merge; always for CSV and NDJSON when there are several
// snapshots, since those formats hold one table).
void write_blocks(const std::vector<Column>& columns, const std::vector<std::string>& csv_keys,
                  const std::vector<Block>& blocks, const ViewOptions& options, std::string& out);

// Writes `text` to stdout; 0, or 2 with a message when the write fails.
int write_stdout(std::string_view command, const std::string& text);

// Sorts rows by the value of `field` (jq's order; a leading '-' reverses).
// False when `field` is not a key of the view (`keys` lists them).
bool sort_rows(std::vector<json::Value>& rows, std::string_view field, const std::vector<std::string>& keys);

}  // namespace netinspect::cli
