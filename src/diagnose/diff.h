// netinspect::diagnose — what changed between two netstack snapshots:
// counters (old, new, delta, rate per second), sockets opened, closed or
// changed, NICs that came or went or changed, routes added or removed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "json/value.h"
#include "netstack/snapshot.h"

namespace netinspect::diagnose {

struct Change {
  std::string kind;     // "counter", "socket", "nic", "route"
  std::string change;   // "changed", "added", "removed", "opened", "closed", "same"
  std::string subject;  // counter name, "5 tcp 1.2.3.4:80", "2 wlan0", "0.0.0.0/0 via 10.0.0.1 nic 2"
  std::string field;    // the field of a socket/NIC/route that changed; "" for whole items and counters
  json::Value old_value, new_value;  // null when absent
  std::optional<double> delta;       // numbers only: new - old
  std::optional<double> rate;        // delta per second of the snapshots' timestamps
};

struct DiffOptions {
  bool all = false;  // also the items that did not change (change "same")
};

std::vector<Change> diff(const netstack::Snapshot& before, const netstack::Snapshot& after,
                         const DiffOptions& options = {});

// {kind, change, subject, field, old, new, delta, rate}: the same keys for every row.
json::Value to_json(const Change& change);

}  // namespace netinspect::diagnose
