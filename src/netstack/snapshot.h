// netinspect::netstack — the netstack component of one snapshot, found among
// its entries and sorted into the trees every view reads (sockets, NICs,
// counters, routes, health, pprof), whatever the netstack generation.
//
// Schema drift lives here and in schema.cc only: netstack2 of any year (one
// entry per source, `netstack.cmx` or `core/network/netstack` moniker,
// `metadata.filename` or `metadata.name`, pre-2020 `path`/`contents` entries)
// and netstack3 (one `root` tree holding Sockets, Devices, Routes, Counters)
// both end up as the same Snapshot.
//
// The seam for other producers (live capture): build json entries in the
// iquery schema and call load_entries(); nothing here knows about files.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"
#include "source/source.h"

namespace netinspect::netstack {

enum class Flavor : std::uint8_t { Unknown, Netstack2, Netstack3 };
std::string_view flavor_name(Flavor flavor);  // "netstack2", "netstack3", "unknown"

struct LoadOptions {
  // Empty: the netstack by its usual monikers ("core/network/netstack", then
  // the CFv1 "netstack.cmx"). Otherwise exactly this moniker (`--moniker`).
  std::string moniker;
  // Called after each entry read by load_path with the input bytes consumed
  // so far (the CLI's progress bar).
  std::function<void(std::size_t)> progress;
};

struct Snapshot {
  std::string label;  // for headings and the `snapshot` column: the path as given, "<stdin>", "bundled sample"
  std::string moniker;        // the component actually used ("" when none found)
  std::string component_url;  // from the first netstack entry that has one
  std::optional<std::int64_t> timestamp_ns;  // earliest netstack entry timestamp
  Flavor flavor = Flavor::Unknown;
  std::size_t entries_total = 0;     // entries in the input
  std::size_t netstack_entries = 0;  // entries of the chosen moniker

  // Trees, each an object keyed by id; null when the snapshot lacks it.
  json::Value sockets;   // NS2 "Socket Info", NS3 root.Sockets
  json::Value nics;      // NS2 "NICs", NS3 root.Devices
  json::Value counters;  // NS2 "Networking Stat Counters", NS3 root.Counters
  json::Value routes;    // NS2 "Routes", NS3 root.Routes
  json::Value health;    // the "fuchsia.inspect.Health" node
  json::Value config;    // NS2 "Runtime Configuration Flags"
  std::vector<std::string> pprof_profiles;  // keys of root.pprof ("allocs", "heap", ...)
  std::vector<std::string> pprof_files;     // metadata filename of each pprof entry

  // Netstack entries whose payload is null (archivist timeout or budget):
  // their filename and first error message.
  struct Missing {
    std::string filename;
    std::string error;
  };
  std::vector<Missing> timed_out;

  // Schema surprises, one line each, printed by `--strict` (unknown payload
  // trees, fields of the wrong type, a second copy of a tree...).
  std::vector<std::string> surprises;
};

// Builds a Snapshot from already-parsed entries (any producer: files, the
// bundled sample, live capture). Entries that are not objects or belong to
// other components are ignored. Never throws on odd shapes: they go to
// `surprises`.
Snapshot load_entries(const std::vector<json::Value>& entries, std::string label,
                      const LoadOptions& options = {});

// Reads one input path ("-" for stdin; .json, .gz, .zip as source::open_entries
// detects) and keeps only the entries that may belong to the netstack (other
// monikers are skipped unparsed). Throws source::SourceError and
// json::ParseError (with the input's line and column).
Snapshot load_path(const std::string& path, const source::OpenOptions& open_options,
                   const LoadOptions& options = {});

// The snapshot compiled into the program (tests/data/synthetic_netstack2_inspect.json),
// shown when no SOURCE is given and live capture is not available.
std::string_view bundled_sample_text();
Snapshot load_bundled_sample(const LoadOptions& options = {});

}  // namespace netinspect::netstack
