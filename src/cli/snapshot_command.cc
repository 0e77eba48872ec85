// `netinspect snapshot`: live capture written as an `fx snapshot` zip (src/capture).
#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

#include "capture/capture.h"
#include "capture/snapshot.h"
#include "cli/commands.h"

namespace netinspect::cli {
namespace {

constexpr const char* kUsage =
    "Usage: netinspect snapshot [-o FILE.zip] [--moniker M] [--all-tables]\n"
    "       netinspect snapshot --interval SECONDS [--count N] [-o DIR]\n"
    "\n"
    "Captures this host's Linux network stack (as `netinspect capture` does) and\n"
    "writes it as a snapshot zip in the `fx snapshot` layout, readable by every\n"
    "netinspect command and by Fuchsia's tools:\n"
    "  inspect.json      the captured entries, one compact entry per line\n"
    "  annotations.json  build.*, device.* (hostname, uptime, UTC time) strings\n"
    "  metadata.json     snapshot and per-file state\n"
    "The zip is written to a temporary file next to the target and renamed into\n"
    "place, so the target is never half-written (even if the process is killed).\n"
    "\n"
    "With --interval, takes a series for `diff`: one snapshot every SECONDS\n"
    "(decimals allowed), named snapshot-YYYYMMDDTHHMMSSZ.zip (UTC; -2, -3...\n"
    "appended when a name is taken) in DIR, until N were written or the\n"
    "command is interrupted. Each written path is printed on standard output.\n"
    "\n"
    "Options:\n"
    "  -o, --output PATH  the zip (default snapshot.zip), or with --interval the\n"
    "                     directory of the series (default .; must exist)\n"
    "  --interval SECONDS take a snapshot every SECONDS\n"
    "  --count N          with --interval: stop after N snapshots (default: until interrupted)\n"
    "  --moniker M        the entries' moniker (default core/network/netstack)\n"
    "  --all-tables       routes of every routing table (default: the main table)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit codes: 0 success, 2 bad usage, the kernel state cannot be read or the\n"
    "zip cannot be written.\n"
    "\n"
    "Examples:\n"
    "  netinspect snapshot -o before.zip\n"
    "  netinspect snapshot --interval 10 --count 6 -o series/\n"
    "  netinspect query '.[] | .payload.NICs | .[]? | .Name' snapshot.zip\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "netinspect snapshot: %s\nRun 'netinspect snapshot --help' for usage.\n", message.c_str());
  return 2;
}

double monotonic_seconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

bool exists(const std::string& path) {
  struct stat info;
  return lstat(path.c_str(), &info) == 0;
}

// "DIR/snapshot-20250101T120000Z.zip", with "-2"... when taken.
std::string series_name(const std::string& directory) {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  std::string prefix = directory;
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  prefix += "snapshot-";
  prefix += stamp;
  std::string name = prefix + ".zip";
  for (int n = 2; exists(name); ++n) name = prefix + "-" + std::to_string(n) + ".zip";
  return name;
}

void sleep_seconds(double seconds) {
  if (seconds <= 0) return;
  timespec delay{};
  delay.tv_sec = static_cast<time_t>(seconds);
  delay.tv_nsec = static_cast<long>((seconds - std::floor(seconds)) * 1e9);
  while (nanosleep(&delay, &delay) != 0 && errno == EINTR) {
  }
}

}  // namespace

int run_snapshot_command(int argc, char** argv) {
  capture::CaptureOptions options;
  std::string output;
  double interval = 0;
  long long count = 0;
  bool have_count = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc && *argv[i + 1] != '\0' ? argv[++i] : nullptr; };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--all-tables") {
      options.all_tables = true;
    } else if (arg == "--moniker") {
      const char* text = value();
      if (text == nullptr) return usage_error("--moniker needs a value");
      options.moniker = text;
    } else if (arg == "-o" || arg == "--output") {
      const char* text = value();
      if (text == nullptr) return usage_error(std::string(arg) + " needs a path");
      output = text;
    } else if (arg == "--interval") {
      const char* text = value();
      char* end = nullptr;
      if (text != nullptr) interval = std::strtod(text, &end);
      if (text == nullptr || *end != '\0' || !(interval > 0) || interval > 1e7) {
        return usage_error("--interval needs a positive number of seconds");
      }
    } else if (arg == "--count") {
      const char* text = value();
      char* end = nullptr;
      if (text != nullptr) count = std::strtoll(text, &end, 10);
      if (text == nullptr || *end != '\0' || count < 1) return usage_error("--count needs a positive integer");
      have_count = true;
    } else {
      return usage_error("unexpected argument '" + std::string(arg) + "'");
    }
  }
  if (have_count && interval == 0) return usage_error("--count needs --interval");
  bool series = interval > 0;
  if (series) {
    if (output.empty()) output = ".";
    struct stat info;
    if (stat(output.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      std::fprintf(stderr, "netinspect snapshot: %s: not a directory (with --interval, -o names the directory)\n",
                   output.c_str());
      return 2;
    }
  } else if (output.empty()) {
    output = "snapshot.zip";
  }

  capture::remove_temporary_file_on_signals();
  bool notices_shown = false;
  try {
    for (long long n = 0; !series || !have_count || n < count; ++n) {
      double started = monotonic_seconds();
      std::vector<std::string> notices;
      std::vector<json::Value> entries = capture::capture_entries(options, &notices);
      if (!notices_shown) {
        for (const std::string& notice : notices) std::fprintf(stderr, "netinspect snapshot: %s\n", notice.c_str());
        notices_shown = true;
      }
      std::string path = series ? series_name(output) : output;
      capture::write_file_atomically(path, capture::zip_bytes(capture::snapshot_files(entries)));
      std::printf("%s\n", path.c_str());
      std::fflush(stdout);
      if (!series) break;
      if (have_count && n + 1 >= count) break;
      sleep_seconds(interval - (monotonic_seconds() - started));
    }
  } catch (const capture::CaptureError& error) {
    std::fprintf(stderr, "netinspect snapshot: %s\n", error.what());
    return 2;
  }
  return 0;
}

}  // namespace netinspect::cli
