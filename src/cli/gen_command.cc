// `netinspect gen`: writes a synthetic netstack2 snapshot (src/gen).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/input_options.h"
#include "gen/generator.h"

namespace netinspect::cli {
namespace {

constexpr const char* kUsage =
    "Usage: netinspect gen [options] [-o FILE]\n"
    "\n"
    "Writes a realistic synthetic Fuchsia netstack2 snapshot (an inspect.json):\n"
    "the nine core/network/netstack Inspect entries (health, configuration,\n"
    "counters, interfaces, FIDL stats, sockets, routes, memstats and\n"
    "pprof/now.inspect with real gzip'd pprof profiles), a timed-out component\n"
    "with a null payload, and other components of varied size and shape, in\n"
    "shuffled order. The same options always give the same bytes.\n"
    "\n"
    "Options:\n"
    "  --seed S          random seed (default 1)\n"
    "  --sockets N       sockets in \"Socket Info\" (default 12)\n"
    "  --nics K          NICs, loopback included (default 3, at least 1)\n"
    "  --components M    other components (default 20)\n"
    "  --size SIZE       instead of --components: add components until the output\n"
    "                    reaches SIZE bytes (suffixes K, M, G = KiB, MiB, GiB: 1G, 200M)\n"
    "  --pretty          pretty-print entries with 2 spaces (old archivist style)\n"
    "                    instead of one compact entry per line\n"
    "  -o, --output FILE write to FILE (through a temporary file renamed at the\n"
    "                    end, so FILE is never half-written); default stdout\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit codes: 0 success, 2 bad usage or the output cannot be written.\n"
    "\n"
    "Examples:\n"
    "  netinspect gen --seed 7 --sockets 40 --nics 4 -o inspect.json\n"
    "  netinspect gen --size 1G --sockets 1000 -o big.json\n"
    "  netinspect gen --sockets 100000 --components 0 | netinspect query '.[] | .moniker'\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "netinspect gen: %s\nRun 'netinspect gen --help' for usage.\n", message.c_str());
  return 2;
}

bool parse_count(std::string_view text, std::uint64_t& out) {
  auto result = std::from_chars(text.data(), text.data() + text.size(), out);
  return result.ec == std::errc() && result.ptr == text.data() + text.size() && !text.empty();
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int run_gen_command(int argc, char** argv) {
  gen::GenOptions options;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view name) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)name;
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--pretty") {
      options.pretty = true;
    } else if (arg == "--seed" || arg == "--sockets" || arg == "--nics" || arg == "--components") {
      const char* text = value(arg);
      std::uint64_t number = 0;
      if (text == nullptr || !parse_count(text, number)) {
        return usage_error(std::string(arg) + " needs a non-negative integer");
      }
      if (arg == "--seed") options.seed = number;
      if (arg == "--sockets") options.sockets = number;
      if (arg == "--nics") options.nics = number;
      if (arg == "--components") options.components = number;
    } else if (arg == "--size") {
      const char* text = value(arg);
      std::optional<std::uint64_t> size = text ? parse_size(text) : std::nullopt;
      if (!size || *size == 0) {
        return usage_error("--size needs a positive size such as 200M or 1G");
      }
      options.target_bytes = *size;
    } else if (arg == "-o" || arg == "--output") {
      const char* text = value(arg);
      if (text == nullptr || *text == '\0') return usage_error(std::string(arg) + " needs a file name");
      output = text;
    } else {
      return usage_error("unexpected argument '" + std::string(arg) + "'");
    }
  }
  if (options.nics == 0) return usage_error("--nics must be at least 1 (the loopback)");

  int fd = STDOUT_FILENO;
  std::string temp;
  if (!output.empty()) {
    temp = output + ".tmp-XXXXXX";
    fd = ::mkstemp(temp.data());
    if (fd < 0) {
      std::fprintf(stderr, "netinspect gen: %s: cannot create: %s\n", output.c_str(), std::strerror(errno));
      return 2;
    }
    ::fchmod(fd, 0644);
  }
  bool ok = true;
  gen::generate(options, [&](std::string_view chunk) {
    if (ok && !write_all(fd, chunk)) ok = false;
  });
  const char* what = output.empty() ? "<stdout>" : output.c_str();
  if (!output.empty()) {
    if (::close(fd) != 0) ok = false;
    if (ok && ::rename(temp.c_str(), output.c_str()) != 0) ok = false;
    if (!ok) ::unlink(temp.c_str());
  }
  if (!ok) {
    std::fprintf(stderr, "netinspect gen: %s: write failed: %s\n", what, std::strerror(errno));
    return 2;
  }
  return 0;
}

}  // namespace netinspect::cli
