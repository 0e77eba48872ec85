// libFuzzer target: the pprof decoder. First byte picks the layer the rest
// enters at: an Inspect value ("b64:..." -> base64 -> gzip -> protobuf) or raw
// (possibly gzip'd) protobuf bytes; a profile that decodes goes through top,
// folded stacks and the flame graph.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pprof/profile.h"
#include "pprof/report.h"

using namespace netinspect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  pprof::DecodeLimits limits;
  limits.max_decompressed_bytes = 8u << 20;
  try {
    std::string bytes = (data[0] & 1u) ? pprof::decode_inspect_value(rest) : std::string(rest);
    pprof::Profile profile = pprof::decode_profile(bytes, limits);
    (void)pprof::top_report(profile);
    pprof::TopOptions cum;
    cum.cum = true;
    cum.node_count = 5;
    (void)pprof::top_report(profile, cum);
    auto stacks = pprof::folded_stacks(profile, pprof::default_sample_index(profile));
    (void)pprof::folded_text(stacks);
    if (stacks.size() < 1000) (void)pprof::flame_svg(stacks);
  } catch (const std::exception&) {
  }
  return 0;
}
