// Input side of `netinspect query` in streaming mode: the FILEs (directories
// expanded, .gz/.zip decoded) as one sequence of entries — the elements of
// top-level arrays one at a time, other top-level values whole — read with
// bounded memory (plain files are memory-mapped).
//
// Errors keep jq's shapes: a file that cannot be opened is reported when it is
// reached ("jq: error: Could not open file ...") and counted in failures();
// read errors (corrupt .gz/.zip, size limit) throw source::SourceError, broken
// JSON structure source::StructureError.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/input_options.h"
#include "json/value.h"
#include "source/source.h"

namespace netinspect::cli {

class EntryInput {
 public:
  EntryInput(std::vector<std::string> files, const InputOptions& options);

  // The next entry of the current input, opening the next file as needed;
  // false at the end of the last one.
  bool next(source::Entry& entry);
  // Parses an entry (json::ParseError with the position in the whole input).
  json::Value parse(const source::Entry& entry) const;
  // jq's "<file>:<line>" once the value whose last byte is at `trigger` has
  // been read (jq reads 4 KiB fgets chunks and counts the ones ending a line).
  std::string position_after(std::size_t trigger) const;
  // `input_filename`: the file being read, null for stdin or before any.
  json::Value current_filename() const;
  std::size_t failures() const { return failures_; }

 private:
  bool open_next();

  std::vector<std::string> files_;
  std::size_t next_file_ = 0;
  InputOptions options_;
  std::unique_ptr<source::EntryStream> stream_;
  std::string display_name_;  // jq's name for the current file: path or "<stdin>"
  bool stdin_used_ = false;
  std::size_t failures_ = 0;
  std::uint64_t done_before_ = 0;  // bytes of the files already finished (progress)
  std::unique_ptr<Progress> progress_;
};

}  // namespace netinspect::cli
