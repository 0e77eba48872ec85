// netinspect::gen — writes realistic synthetic netstack2 snapshots
// (`netinspect gen`): the nine netstack Inspect entries (health root,
// configuration, counters, interfaces, FIDL stats, sockets, routes, memstats,
// pprof with real gzip'd profiles), a timed-out component with a null
// payload, and other components of varied size and shape, in shuffled order.
//
// Output is a pure function of the options (own PRNG), and is streamed: text
// goes to the sink in chunks of about 1 MiB, so memory stays constant
// whatever the size asked for.
#pragma once

#include <cstdint>
#include <string_view>

#include "gen/emitter.h"

namespace netinspect::gen {

struct GenOptions {
  std::uint64_t seed = 1;
  std::uint64_t sockets = 12;     // entries of "Socket Info" (SocketCount)
  std::uint64_t nics = 3;         // entries of "NICs", loopback (NIC 1) included; at least 1
  std::uint64_t components = 20;  // other components (bootstrap/archivist first)
  // When non-zero, `components` is ignored: components are added until the
  // output reaches this many bytes (it ends a little past it).
  std::uint64_t target_bytes = 0;
  bool pretty = false;  // 2-space pretty entries (old archivist) instead of one per line
};

struct GenSummary {
  std::uint64_t entries = 0;
  std::uint64_t components = 0;  // other components written
  std::uint64_t bytes = 0;
};

inline constexpr std::string_view kNetstackMoniker = "core/network/netstack";

// Writes one snapshot (a JSON array, "[\n" + entries joined by ",\n" + "\n]").
GenSummary generate(const GenOptions& options, const Sink& sink);

// How gen's sockets and counters agree, for tests and docs: the TCP states
// counted by `Networking Stat Counters`.TCP.CurrentEstablished (ESTABLISHED,
// CLOSE-WAIT), and the socket kinds drawn for a seed.
struct SocketCensus {
  std::uint64_t tcp = 0, udp = 0, icmp = 0, raw = 0, packet = 0;
  std::uint64_t established = 0;  // TCP ESTABLISHED + CLOSE-WAIT
  std::uint64_t connected = 0;    // TCP states past the handshake, TIME-WAIT included
};
SocketCensus socket_census(const GenOptions& options);

}  // namespace netinspect::gen
