// Decoding: base64 -> gzip -> profile.proto -> validated Profile.
#include <zlib.h>

#include <array>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "pprof/profile.h"
#include "pprof/profile.pb.h"

namespace netinspect::pprof {

namespace {

constexpr std::string_view kInspectPrefix = "b64:";

int base64_digit(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string describe_byte(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
}

}  // namespace

std::string decode_base64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  std::uint32_t accumulator = 0;
  int bits = 0;
  std::size_t digits = 0;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || c == '\r') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int digit = base64_digit(c);
    if (digit < 0 || padding > 0) {
      throw PprofError("invalid base64: " + describe_byte(c) + " at offset " + std::to_string(i));
    }
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(digit);
    bits += 6;
    ++digits;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((accumulator >> bits) & 0xff));
    }
  }
  if (digits % 4 == 1 || (padding > 0 && (digits + padding) % 4 != 0) || padding > 2) {
    throw PprofError("invalid base64: truncated (" + std::to_string(digits) + " digits, " +
                     std::to_string(padding) + " '=')");
  }
  return out;
}

std::string decode_inspect_value(std::string_view value) {
  if (value.substr(0, kInspectPrefix.size()) != kInspectPrefix) {
    throw PprofError("value does not start with \"b64:\"");
  }
  return decode_base64(value.substr(kInspectPrefix.size()));
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view bytes, const DecodeLimits& limits) {
  std::string out;
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw PprofError("gzip: cannot initialise zlib");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  std::array<char, 64 * 1024> chunk;
  int status = Z_OK;
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = chunk.size() - stream.avail_out;
    if (out.size() + produced > limits.max_decompressed_bytes) {
      inflateEnd(&stream);
      throw PprofError("gzip: decompressed size exceeds the limit of " +
                       std::to_string(limits.max_decompressed_bytes) + " bytes (--max-decompressed)");
    }
    out.append(chunk.data(), produced);
    if (status == Z_STREAM_END) {
      // Another member may follow (gunzip reads concatenated members).
      if (stream.avail_in == 0) break;
      if (inflateReset(&stream) != Z_OK) break;
      continue;
    }
    if (status == Z_BUF_ERROR && stream.avail_in == 0) {
      inflateEnd(&stream);
      throw PprofError("gzip: truncated data (" + std::to_string(bytes.size()) + " bytes)");
    }
    if (status != Z_OK && status != Z_BUF_ERROR) {
      std::string message = stream.msg != nullptr ? stream.msg : "corrupt data";
      inflateEnd(&stream);
      throw PprofError("gzip: " + message);
    }
  }
  inflateEnd(&stream);
  return out;
}

namespace {

class Validator {
 public:
  explicit Validator(const perftools::profiles::Profile& message) : message_(message) {}

  const std::string& str(std::int64_t index, const char* field) const {
    if (index < 0 || static_cast<std::uint64_t>(index) >= static_cast<std::uint64_t>(message_.string_table_size())) {
      throw PprofError(std::string(field) + " refers to string " + std::to_string(index) +
                       ", outside the string table of " + std::to_string(message_.string_table_size()) +
                       " entries");
    }
    return message_.string_table(static_cast<int>(index));
  }

 private:
  const perftools::profiles::Profile& message_;
};

template <typename Map>
std::size_t index_of(const Map& ids, std::uint64_t id, const char* what, const char* referrer) {
  auto it = ids.find(id);
  if (it == ids.end()) {
    throw PprofError(std::string(referrer) + " refers to " + what + " id " + std::to_string(id) +
                     ", which does not exist");
  }
  return it->second;
}

}  // namespace

Profile decode_profile(std::string_view bytes, const DecodeLimits& limits, std::size_t* decoded_size) {
  if (bytes.empty()) throw PprofError("empty profile (0 bytes)");
  std::string inflated;
  std::string_view raw = bytes;
  if (is_gzip(bytes)) {
    inflated = gunzip(bytes, limits);
    raw = inflated;
  }
  if (decoded_size != nullptr) *decoded_size = raw.size();
  if (raw.empty()) throw PprofError("empty profile (0 bytes after gzip)");
  if (raw.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw PprofError("protobuf larger than 2 GiB");
  }

  perftools::profiles::Profile message;
  if (!message.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
    throw PprofError("not a profile.proto message (protobuf parse failed on " + std::to_string(raw.size()) +
                     " bytes)");
  }
  if (message.string_table_size() == 0 || !message.string_table(0).empty()) {
    throw PprofError("string_table[0] must be \"\" (not a pprof profile?)");
  }
  if (message.sample_type_size() == 0) throw PprofError("profile has no sample types");

  const Validator v(message);
  Profile profile;
  for (const auto& type : message.sample_type()) {
    profile.sample_types.push_back({v.str(type.type(), "sample_type.type"), v.str(type.unit(), "sample_type.unit")});
  }
  profile.period_type = {v.str(message.period_type().type(), "period_type.type"),
                         v.str(message.period_type().unit(), "period_type.unit")};
  profile.period = message.period();
  profile.time_nanos = message.time_nanos();
  profile.duration_nanos = message.duration_nanos();
  profile.default_sample_type = v.str(message.default_sample_type(), "default_sample_type");
  for (std::int64_t comment : message.comment()) profile.comments.push_back(v.str(comment, "comment"));
  v.str(message.drop_frames(), "drop_frames");
  v.str(message.keep_frames(), "keep_frames");

  std::unordered_map<std::uint64_t, std::size_t> mapping_ids;
  for (const auto& m : message.mapping()) {
    if (m.id() == 0) throw PprofError("mapping with id 0");
    if (!mapping_ids.emplace(m.id(), profile.mappings.size()).second) {
      throw PprofError("duplicate mapping id " + std::to_string(m.id()));
    }
    profile.mappings.push_back({m.id(), m.memory_start(), m.memory_limit(), m.file_offset(),
                                v.str(m.filename(), "mapping.filename"), v.str(m.build_id(), "mapping.build_id")});
  }

  std::unordered_map<std::uint64_t, std::size_t> function_ids;
  for (const auto& f : message.function()) {
    if (f.id() == 0) throw PprofError("function with id 0");
    if (!function_ids.emplace(f.id(), profile.functions.size()).second) {
      throw PprofError("duplicate function id " + std::to_string(f.id()));
    }
    profile.functions.push_back({f.id(), v.str(f.name(), "function.name"), v.str(f.system_name(), "function.system_name"),
                                 v.str(f.filename(), "function.filename"), f.start_line()});
  }

  std::unordered_map<std::uint64_t, std::size_t> location_ids;
  for (const auto& l : message.location()) {
    if (l.id() == 0) throw PprofError("location with id 0");
    if (!location_ids.emplace(l.id(), profile.locations.size()).second) {
      throw PprofError("duplicate location id " + std::to_string(l.id()));
    }
    Location location;
    location.id = l.id();
    location.address = l.address();
    if (l.mapping_id() != 0) location.mapping = index_of(mapping_ids, l.mapping_id(), "mapping", "location");
    for (const auto& line : l.line()) {
      Line out;
      if (line.function_id() != 0) out.function = index_of(function_ids, line.function_id(), "function", "location line");
      out.line = line.line();
      location.lines.push_back(out);
    }
    profile.locations.push_back(std::move(location));
  }

  // Each label's string indices are checked too, though no report shows labels yet.
  const std::size_t types = profile.sample_types.size();
  profile.samples.reserve(static_cast<std::size_t>(message.sample_size()));
  for (const auto& s : message.sample()) {
    if (static_cast<std::size_t>(s.value_size()) != types) {
      throw PprofError("a sample has " + std::to_string(s.value_size()) + " values for " + std::to_string(types) +
                       " sample types");
    }
    Sample sample;
    sample.values.assign(s.value().begin(), s.value().end());
    sample.locations.reserve(static_cast<std::size_t>(s.location_id_size()));
    for (std::uint64_t id : s.location_id()) sample.locations.push_back(index_of(location_ids, id, "location", "sample"));
    for (const auto& label : s.label()) {
      v.str(label.key(), "label.key");
      v.str(label.str(), "label.str");
      v.str(label.num_unit(), "label.num_unit");
    }
    profile.samples.push_back(std::move(sample));
  }
  return profile;
}

std::size_t default_sample_index(const Profile& profile) {
  if (!profile.default_sample_type.empty()) {
    for (std::size_t i = 0; i < profile.sample_types.size(); ++i) {
      if (profile.sample_types[i].type == profile.default_sample_type) return i;
    }
  }
  return profile.sample_types.size() - 1;
}

std::size_t sample_index_by_name(const Profile& profile, std::string_view name) {
  if (name.empty()) return default_sample_index(profile);
  const std::size_t count = profile.sample_types.size();
  if (name.find_first_not_of("0123456789") == std::string_view::npos && name.size() < 10) {
    const std::size_t index = std::stoul(std::string(name));
    if (index >= count) {
      throw PprofError("sample_index " + std::string(name) + " is outside the range [0.." + std::to_string(count - 1) +
                       "]");
    }
    return index;
  }
  std::string_view no_inuse = name;
  if (no_inuse.substr(0, 6) == "inuse_") no_inuse.remove_prefix(6);
  for (std::size_t i = 0; i < count; ++i) {
    if (profile.sample_types[i].type == name || profile.sample_types[i].type == no_inuse) return i;
  }
  std::string names;
  for (const ValueType& type : profile.sample_types) names += (names.empty() ? "" : " ") + type.type;
  throw PprofError("sample_index \"" + std::string(name) + "\" must be one of: [" + names + "]");
}

}  // namespace netinspect::pprof
