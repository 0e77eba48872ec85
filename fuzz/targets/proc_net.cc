// libFuzzer target: the /proc/net text parsers of the capture module
// (snmp, snmp6, sockstat); the first byte picks which.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "capture/proc_counters.h"

using namespace netinspect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 3) {
      case 0: (void)capture::parse_snmp_text(text, "snmp"); break;
      case 1: (void)capture::parse_snmp6_text(text, "snmp6"); break;
      default: (void)capture::parse_sockstat_text(text, "sockstat"); break;
    }
  } catch (const std::exception&) {
  }
  return 0;
}
