// netinspect::gen — synthetic Go pprof profiles as netstack exports them:
// profile.proto (github.com/google/pprof/proto/profile.proto) encoded by a
// tiny protobuf writer, gzip'd, and base64'd behind archivist's "b64:" prefix.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gen/prng.h"

namespace netinspect::gen {

// The profiles Go's runtime/pprof.Profiles() lists, in netstack's key order.
inline constexpr std::string_view kPprofProfiles[] = {"allocs", "block",     "goroutine",
                                                      "heap",   "mutex",     "threadcreate"};

// An uncompressed profile.proto message for `profile` (one of kPprofProfiles;
// others get a single "count" sample type): sample types, samples with
// location ids and values, one mapping, locations with lines, functions and
// the string table (entry 0 is "").
std::string encode_profile(std::string_view profile, Prng& prng);

// gzip (RFC 1952) of `bytes`, as Go's profile writer produces it.
std::string gzip_bytes(std::string_view bytes);

// Standard base64 with padding.
std::string base64(std::string_view bytes);

// "b64:" + base64(gzip(encode_profile(...))): an Inspect bytes property.
std::string pprof_property(std::string_view profile, Prng& prng);

}  // namespace netinspect::gen
