// netinspect::capture — the host's own Linux network stack as netstack2-shaped
// Inspect entries (what `iquery --format json show core/network/netstack`
// prints on Fuchsia), so every query, view and rule works on a live machine.
//
// Typical use (a command that defaults to live data when given no SOURCE):
//   std::vector<std::string> notices;
//   std::vector<json::Value> entries = capture::capture_entries({}, &notices);
//   for (auto& n : notices) std::fprintf(stderr, "netinspect: %s\n", n.c_str());
// docs/capture.md maps every field to its kernel source.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace netinspect::capture {

inline constexpr std::string_view kNetstackMoniker = "core/network/netstack";
// What produced the entries: Linux's own stack, not a Fuchsia component (a
// fuchsia-pkg URL here would claim a netstack that never ran). Same field,
// same type; docs/capture.md explains it.
inline constexpr std::string_view kLinuxComponentUrl = "linux://kernel/network-stack";

struct CaptureOptions {
  std::string moniker = std::string(kNetstackMoniker);
  std::string component_url = std::string(kLinuxComponentUrl);
  bool all_tables = false;                     // routes of every table, not only "main"
  std::string proc_net_dir = "/proc/net";      // counters, ping sockets, dev_snmp6; tests point it at stored texts
  std::string proc_sys_net_dir = "/proc/sys/net";  // "Runtime Configuration Flags"
};

// The kernel could not be read (netlink refused, malformed /proc text).
// what() is one line naming what failed.
class CaptureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One entry per netstack2 inspect source, in netstack2's order:
// root (health), configuration, counters, interfaces, sockets, routes. Each
// entry: {data_source, metadata{filename, component_url, timestamp}, moniker,
// payload, version}; timestamps are CLOCK_BOOTTIME nanoseconds, like
// Fuchsia's monotonic time. `notices` (optional) receives one-line remarks for
// the user (running unprivileged). Throws CaptureError.
std::vector<json::Value> capture_entries(const CaptureOptions& options = {},
                                         std::vector<std::string>* notices = nullptr);

// The iquery / snapshot file text: "[\n" + one compact entry per line joined
// by ",\n" + "\n]\n", as the feedback component writes inspect.json.
std::string entries_text(const std::vector<json::Value>& entries);

}  // namespace netinspect::capture
