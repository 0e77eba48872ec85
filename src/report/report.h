// netinspect::report — one self-contained HTML page about netstack snapshots
// (`netinspect report`): the overview, the sockets / NICs / routes tables
// (sortable, filterable), the counters as a searchable tree with non-zero
// error counters highlighted, triage findings with their evidence, a chart of
// sockets by protocol and state, the pprof profiles as flame graphs, and the
// diff between consecutive snapshots.
//
// The page holds everything it shows: CSS and script inline (share/report),
// no URL is ever loaded, and a Content-Security-Policy forbids any fetch.
// Every text from a snapshot is escaped (report/escape.h).
#pragma once

#include <string>
#include <vector>

#include "diagnose/triage.h"
#include "json/value.h"
#include "netstack/snapshot.h"

namespace netinspect::report {

struct SnapshotInput {
  netstack::Snapshot snapshot;      // what the views read
  std::vector<json::Value> entries;  // every entry: triage rules select any component, pprof reads its entries
};

struct ReportOptions {
  std::string title = "netstack report";
  std::string version;               // netinspect's, for the footer
  bool bundled_sample = false;       // say that the data is the bundled sample
  std::vector<diagnose::Config> configs;  // triage rules to run (built-in and --config)
  bool native_checks = true;         // diagnose::native_findings too
  std::string nonce;                 // CSP nonce of the inline script (random per report)
};

// The whole page. Never throws on odd snapshots: a profile that does not
// decode or a rule that cannot be evaluated shows as a message in its place.
std::string render_html(const std::vector<SnapshotInput>& inputs, const ReportOptions& options);

// A fresh nonce for ReportOptions::nonce (128 random bits, base64).
std::string random_nonce();

}  // namespace netinspect::report
