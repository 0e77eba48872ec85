// `netinspect capture`: the host's Linux network stack as netstack2 Inspect JSON (src/capture).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "capture/capture.h"
#include "capture/snapshot.h"
#include "cli/commands.h"

namespace netinspect::cli {
namespace {

constexpr const char* kUsage =
    "Usage: netinspect capture [--moniker MONIKER] [--all-tables] [-o FILE]\n"
    "\n"
    "Reads this host's Linux network stack and prints it as the Inspect data\n"
    "of a Fuchsia netstack2 (what `iquery --format json show\n"
    "core/network/netstack` prints): a JSON array of entries, one per netstack\n"
    "source, one compact entry per line:\n"
    "  root/...           {\"root\": {\"fuchsia.inspect.Health\": {\"status\": \"OK\"}}}\n"
    "  configuration/...  \"Runtime Configuration Flags\" (forwarding, congestion control...)\n"
    "  counters/...       \"Networking Stat Counters\" (/proc/net/snmp, snmp6, netstat, sockstat)\n"
    "  interfaces/...     \"NICs\" (rtnetlink links, addresses, neighbors, 64-bit stats;\n"
    "                     per-NIC IPv6 stats from /proc/net/dev_snmp6)\n"
    "  sockets/...        \"Socket Info\" (sock_diag and /proc/net/icmp*, raw*: TCP, UDP,\n"
    "                     raw and ping sockets; IPv4 and IPv6)\n"
    "  routes/...         \"Routes\" (rtnetlink, IPv4 and IPv6)\n"
    "Linux values without a netstack counterpart are kept under \"Linux\" nodes;\n"
    "metadata.component_url is linux://kernel/network-stack.\n"
    "docs/capture.md maps every field to its kernel source.\n"
    "\n"
    "Works unprivileged (says so once on stderr); run as root for everything.\n"
    "Inside a network namespace it shows that namespace: `ip netns exec NS netinspect capture`.\n"
    "\n"
    "Options:\n"
    "  --moniker M        the entries' moniker (default core/network/netstack)\n"
    "  --all-tables       routes of every routing table (default: the main table)\n"
    "  -o, --output FILE  write to FILE (temporary file + rename: never half-written);\n"
    "                     default standard output\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit codes: 0 success, 2 bad usage, the kernel state cannot be read or the\n"
    "output cannot be written.\n"
    "\n"
    "Examples:\n"
    "  netinspect capture -o inspect.json\n"
    "  netinspect capture | netinspect query '.[] | .payload.\"Socket Info\" | .[]?'\n"
    "  sudo ip netns exec blue netinspect capture --all-tables\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "netinspect capture: %s\nRun 'netinspect capture --help' for usage.\n", message.c_str());
  return 2;
}

}  // namespace

int run_capture_command(int argc, char** argv) {
  capture::CaptureOptions options;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--all-tables") {
      options.all_tables = true;
    } else if (arg == "--moniker") {
      if (i + 1 >= argc || *argv[i + 1] == '\0') return usage_error("--moniker needs a value");
      options.moniker = argv[++i];
    } else if (arg == "-o" || arg == "--output") {
      if (i + 1 >= argc || *argv[i + 1] == '\0') return usage_error(std::string(arg) + " needs a file name");
      output = argv[++i];
    } else {
      return usage_error("unexpected argument '" + std::string(arg) + "'");
    }
  }
  try {
    std::vector<std::string> notices;
    std::vector<json::Value> entries = capture::capture_entries(options, &notices);
    for (const std::string& notice : notices) std::fprintf(stderr, "netinspect capture: %s\n", notice.c_str());
    std::string text = capture::entries_text(entries);
    if (output.empty()) {
      if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
        std::fprintf(stderr, "netinspect capture: <stdout>: %s\n", std::strerror(errno));
        return 2;
      }
      return 0;
    }
    capture::remove_temporary_file_on_signals();
    capture::write_file_atomically(output, text);
  } catch (const capture::CaptureError& error) {
    std::fprintf(stderr, "netinspect capture: %s\n", error.what());
    return 2;
  }
  return 0;
}

}  // namespace netinspect::cli
