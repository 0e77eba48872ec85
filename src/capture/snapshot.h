// netinspect::capture — snapshot zips in the `fx snapshot` layout
// (inspect.json, metadata.json, annotations.json at the zip root), written
// atomically: a temporary file in the target's directory, fsync, rename.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"

namespace netinspect::capture {

struct SnapshotFile {
  std::string name;
  std::string contents;
};

// The three members for these entries: inspect.json (entries_text),
// annotations.json (flat string map: build.*, device.*, system.*) and
// metadata.json (per-file state, as the feedback component writes it).
std::vector<SnapshotFile> snapshot_files(const std::vector<json::Value>& entries);

// The zip archive holding `files` (deflated), built in memory with libzip.
// Throws CaptureError.
std::string zip_bytes(const std::vector<SnapshotFile>& files);

// Writes `bytes` to `path` so that `path` is always either absent, its old
// contents or the complete new contents: a hidden temporary file next to it
// (".NAME.tmp-XXXXXX"), fsync, rename over `path`, fsync of the directory.
// On any failure the temporary file is removed. An existing non-regular file
// (/dev/null, /dev/stdout, a FIFO) is written in place instead. Throws CaptureError whose
// what() is "PATH: what went wrong".
void write_file_atomically(const std::string& path, std::string_view bytes);

// SIGINT/SIGTERM/SIGHUP remove the temporary file being written, then end
// the process as the signal would. Call once from a command.
void remove_temporary_file_on_signals();

}  // namespace netinspect::capture
