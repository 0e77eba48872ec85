// netinspect::pprof — Go runtime profiles (profile.proto) as netstack embeds
// them in Inspect: "b64:" + base64(gzip(protobuf)).
//
// decode_profile() turns the bytes into a Profile whose every cross-reference
// (string, mapping, location and function ids) has been checked, so the
// reports downstream never index out of range. Errors are PprofError, one
// line saying what is wrong (the caller prefixes the profile's name).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace netinspect::pprof {

class PprofError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DecodeLimits {
  // Cap on the bytes a gzip'd profile may inflate to (gzip bombs).
  std::uint64_t max_decompressed_bytes = 256ULL << 20;
};

struct ValueType {
  std::string type;
  std::string unit;
};

struct Mapping {
  std::uint64_t id = 0;
  std::uint64_t start = 0;
  std::uint64_t limit = 0;
  std::uint64_t offset = 0;
  std::string file;
  std::string build_id;
};

struct Function {
  std::uint64_t id = 0;
  std::string name;
  std::string system_name;
  std::string filename;
  std::int64_t start_line = 0;
};

inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

struct Line {
  std::size_t function = kNone;  // index into Profile::functions, or kNone
  std::int64_t line = 0;
};

struct Location {
  std::uint64_t id = 0;
  std::size_t mapping = kNone;  // index into Profile::mappings, or kNone
  std::uint64_t address = 0;
  std::vector<Line> lines;  // lines[0] is the innermost inlined frame, the last is the caller
};

struct Sample {
  std::vector<std::size_t> locations;  // indices into Profile::locations, leaf first
  std::vector<std::int64_t> values;    // one per sample type
};

struct Profile {
  std::vector<ValueType> sample_types;
  std::vector<Sample> samples;
  std::vector<Mapping> mappings;
  std::vector<Location> locations;
  std::vector<Function> functions;
  std::vector<std::string> comments;
  std::string default_sample_type;
  std::int64_t time_nanos = 0;
  std::int64_t duration_nanos = 0;
  ValueType period_type;
  std::int64_t period = 0;
};

// Strips the "b64:" prefix netstack puts before the base64 text, then decodes
// it (RFC 4648 alphabet, '=' padding, newlines ignored as `base64 -d` does).
std::string decode_inspect_value(std::string_view value);
// Plain base64 (no prefix).
std::string decode_base64(std::string_view text);

bool is_gzip(std::string_view bytes);
// Inflates a gzip member (several concatenated members too, as gunzip does).
std::string gunzip(std::string_view bytes, const DecodeLimits& limits = {});

// gzip'd or raw profile.proto bytes -> validated Profile. `decoded_size`, when
// given, receives the size of the raw protobuf.
Profile decode_profile(std::string_view bytes, const DecodeLimits& limits = {},
                       std::size_t* decoded_size = nullptr);

// The sample type a report uses by default: default_sample_type when it names
// one of the types, else the last (pprof's SampleIndexByName("")).
std::size_t default_sample_index(const Profile& profile);
// "N" or a type name ("inuse_" prefix tolerated, as pprof does); throws
// PprofError with pprof's wording when it names nothing.
std::size_t sample_index_by_name(const Profile& profile, std::string_view name);

}  // namespace netinspect::pprof
