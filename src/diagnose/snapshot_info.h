// netinspect::diagnose — what a Fuchsia snapshot says about where it came
// from: `annotations.json` (a flat string map: build.version, build.product,
// device.board-name, ...) and `metadata.json` (which attachments are
// complete), read from a snapshot zip or from the directory holding an
// unpacked snapshot's inspect.json. Triage's Annotation() reads the
// annotations; diff and triage show the device and build in their headings.
#pragma once

#include <string>

#include "json/value.h"
#include "source/source.h"

namespace netinspect::diagnose {

struct SnapshotInfo {
  json::Value annotations;  // object, or null when the snapshot has none
  json::Value metadata;     // object, or null
};

// `path` as given to the command (a .zip, or a directory's expanded
// inspect.json). Never throws: a missing or malformed file is simply absent.
SnapshotInfo read_snapshot_info(const std::string& path, const source::OpenOptions& options = {});

// One line for headings: "build 2020-06-11T22:12:48+00:00, product x, board
// chromebook-x64, device Standard PC, uptime 0d0h0m39s; inspect.json partial
// (timeout)"; "" when nothing is known.
std::string describe(const SnapshotInfo& info);

}  // namespace netinspect::diagnose
