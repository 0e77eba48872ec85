// Where profiles sit in a snapshot: entries of moniker core/network/netstack
// whose payload.root.pprof is an object of "b64:..." strings, one per runtime
// profile (allocs, block, goroutine, heap, mutex, threadcreate), in entries
// named pprof/now.inspect (older builds also pprof/<RFC3339>.inspect).
//
// Also the on-disk names `pprof extract` gives them: the seed document's
// shell loop names each file `<metadata.filename without "pprof/">_<key>`;
// safe_file_name() keeps that name when it is a plain file name and maps the
// rest (see docs/pprof.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace netinspect::pprof {

inline constexpr std::string_view kNetstackMoniker = "core/network/netstack";

struct EmbeddedProfile {
  std::string entry;   // metadata.filename ("" when absent)
  std::string name;    // the key under payload.root.pprof
  json::Value value;   // as found: normally a "b64:..." string
  std::optional<std::int64_t> entry_timestamp;  // metadata.timestamp (nanoseconds since boot)
};

// The profiles of one parsed entry, in the entry's key order; none unless the
// entry is netstack's and has a payload.root.pprof object (the seed's filter).
std::vector<EmbeddedProfile> profiles_in_entry(const json::Value& entry);

// The seed loop's file name: metadata.filename with every "pprof/" removed,
// then "_" and the key.
std::string seed_file_name(std::string_view entry, std::string_view name);

// A name safe to create inside the output directory: '/' and '\\', control
// characters and DEL become '_', and so does a leading '.' (no hidden files);
// "", "." and ".." are refused (nullopt), as are names over 255 bytes.
std::optional<std::string> safe_file_name(std::string_view name);

// --latest: the entries to keep among those named. pprof/now.inspect when
// present, else the greatest pprof/<time>.inspect (RFC 3339 names sort by
// time). Returns the chosen entry names (several when none matches a pattern).
std::vector<std::string> latest_entries(const std::vector<std::string>& entry_names);

}  // namespace netinspect::pprof
