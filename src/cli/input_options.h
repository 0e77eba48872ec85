// Options shared by every command that reads snapshot SOURCEs (files, .gz,
// .zip, directories, `-`): `--member NAME`, `--max-decompressed-size SIZE`,
// `--max-zip-members N`, `--max-depth N`, `--moniker M`, `--no-progress`;
// and the progress bar they drive.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "source/source.h"

namespace netinspect::cli {

struct InputOptions {
  source::OpenOptions open;             // --member, --max-decompressed-size, --max-zip-members, --max-depth
  std::optional<std::string> moniker;   // --moniker: keep only entries of this moniker
  bool progress = true;                 // --no-progress turns the bar off
};

// Help lines for the options above (two-column layout as in the commands' --help).
extern const char* const kInputOptionsHelp;

enum class InputOptionParse { NotMine, Taken, Error };

// Consumes the input option at argv[i] (and its value: `--member NAME` or
// `--member=NAME`), advancing i past what it used. On Error, `error` holds the
// message (without a program prefix).
InputOptionParse take_input_option(int argc, char** argv, int& i, InputOptions& options, std::string& error);

// "1000", "512K", "64M", "16G", "1T" (binary multiples; optional "B"/"iB" suffix).
std::optional<std::uint64_t> parse_size(std::string_view text);

// A one-line progress bar on stderr: bytes read, rate, and ETA when the total
// is known. Shown only when enabled, stderr is a terminal and the work has
// already taken a second; cleared by finish() (or the destructor).
class Progress {
 public:
  Progress(bool enabled, std::uint64_t total_bytes);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done`: bytes processed so far. Cheap enough to call per entry.
  void update(std::uint64_t done) {
    if (enabled_ && ++calls_ % 16 == 0) maybe_draw(done);
  }
  void finish();

 private:
  void maybe_draw(std::uint64_t done);
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t total_;
  std::uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace netinspect::cli
