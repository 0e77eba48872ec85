// netinspect::exporter — snapshots as partitioned tables for fleet analysis
// (`netinspect export`, docs/fleet.md).
//
// Each snapshot becomes rows of fixed tables (snapshots, sockets, nics,
// addresses, routes, counters, pprof, triage), every row starting with the
// same key columns (snapshot_id, snapshot_time, source, device_id). Rows are
// written Hive-style, DIR/table=T/snapshot_date=YYYY-MM-DD/part-J.EXT, so
// DuckDB, Spark, BigQuery and ClickHouse read the tree as partitioned tables.
//
// Memory is constant in the number of snapshots: one snapshot is loaded at a
// time per job. Jobs are processes (fork), so nothing is shared between them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"
#include "netstack/snapshot.h"
#include "source/source.h"

namespace netinspect::exporter {

enum class Format : std::uint8_t { Ndjson, Csv };
std::string_view extension(Format format);  // "ndjson", "csv"

// The key columns every table starts with.
inline constexpr std::string_view kKeyColumns[] = {"snapshot_id", "snapshot_time", "source", "device_id"};

struct Table {
  std::string name;                  // "sockets"
  std::vector<std::string> columns;  // key columns first; the same in every part
};
// The tables, in the order they are written: snapshots, sockets, nics,
// addresses, routes, counters, pprof, triage.
const std::vector<Table>& tables();

// Who and when a snapshot is. Wall-clock time and device come from the
// snapshot's annotations.json (`device.utc-time`, `device.feedback-id`): the
// zip member, or the file next to an unpacked inspect.json. Without them the
// time is the file's modification time and the device is null.
struct Identity {
  std::string id;            // 16 hex digits: FNV-1a 64 of the source file's bytes
  std::int64_t time_s = 0;   // seconds since the epoch, UTC
  std::string time_source;   // "annotations" or "mtime"
  std::string source;        // the path as given
  json::Value device_id;     // string or null
  json::Value annotations;   // the annotations object, or null
};

// FNV-1a 64, fed in pieces: fnv1a64(fnv1a64(kFnvOffset, a), b) == fnv1a64(kFnvOffset, a + b).
inline constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
std::uint64_t fnv1a64(std::uint64_t state, std::string_view bytes);
std::string hex16(std::uint64_t value);  // "00ab..." (16 lowercase hex digits)
std::string rfc3339(std::int64_t seconds);        // "2026-11-26T10:00:00Z"
std::string date_of(std::int64_t seconds);        // "2026-11-26"
// "2020-06-17 00:10:57 GMT" (Fuchsia's device.utc-time), also with 'T', a
// trailing "Z"/"UTC"/"GMT" or none; nullopt when it is not such a time.
std::optional<std::int64_t> parse_utc_time(std::string_view text);

// One snapshot's rows, one vector per table (tables() order); each row has
// exactly its table's columns, in order.
struct SnapshotRows {
  std::string date;  // the snapshot_date partition
  std::vector<std::vector<json::Value>> tables;
};

struct Options {
  Format format = Format::Ndjson;
  std::string out_dir = "export";
  unsigned jobs = 1;
  bool replace = false;  // remove an earlier export's table=* directories first
  source::OpenOptions open;
  netstack::LoadOptions load;
};

// "SOURCE: what is wrong": the snapshot is skipped, the others exported.
class SnapshotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// The output directory cannot be used (exists with an export, unwritable).
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads one snapshot file and builds its rows. Throws SnapshotError.
SnapshotRows snapshot_rows(const std::string& path, const Options& options);

// "table=sockets/snapshot_date=2026-11-26/part-3.ndjson"
std::string part_path(std::string_view table, std::string_view date, unsigned job, Format format);

// CSV: the header line of a table, and one row (RFC 4180; null is an empty
// field, booleans true/false, arrays and objects their compact JSON).
std::string csv_header(const Table& table);
// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF, quotes
// doubled (also the views' `--csv`).
void append_csv_field(std::string_view text, std::string& out);
void append_csv_row(const Table& table, const json::Value& row, std::string& out);
void append_ndjson_row(const json::Value& row, std::string& out);

struct Summary {
  std::size_t snapshots = 0;  // exported
  std::size_t failed = 0;     // skipped after an error
  std::size_t rows = 0;
  std::size_t parts = 0;
  // Set when the output could not be written (disk full, permissions): the
  // export is incomplete. Parts already renamed stay; none is half-written.
  std::string output_error;
};

// Exports every path (already expanded: files, not directories) into
// options.out_dir with options.jobs processes. Snapshot k goes to job
// k mod jobs and each job writes its own part-J files, rows in snapshot
// order, so the same inputs and --jobs give byte-identical files. Parts are
// written as hidden temporaries and renamed at the end of the job. Each
// failed snapshot is reported through `report_error` (one line) and skipped.
// Throws OutputError before anything is written when out_dir is unusable
// (holds an earlier export without `replace`, cannot be created).
Summary run(const std::vector<std::string>& paths, const Options& options,
            void (*report_error)(const std::string& line));

}  // namespace netinspect::exporter
