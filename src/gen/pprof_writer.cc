#include "gen/pprof_writer.h"

#include <zlib.h>

#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace netinspect::gen {
namespace {

// Protobuf wire format: just what profile.proto needs (varints and
// length-delimited fields).
class ProtoWriter {
 public:
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  void tag(int field, int wire_type) { varint(static_cast<std::uint64_t>(field) << 3 | wire_type); }
  // int64/uint64 fields: proto3 omits zero values.
  void field_varint(int field, std::uint64_t value) {
    if (value == 0) return;
    tag(field, 0);
    varint(value);
  }
  void field_bytes(int field, std::string_view bytes) {
    tag(field, 2);
    varint(bytes.size());
    out_.append(bytes);
  }
  // A packed repeated varint field (proto3's default for repeated scalars).
  void field_packed(int field, const std::vector<std::uint64_t>& values) {
    if (values.empty()) return;
    ProtoWriter packed;
    for (std::uint64_t v : values) packed.varint(v);
    field_bytes(field, packed.out_);
  }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

class StringTable {
 public:
  StringTable() { index(""); }
  std::uint64_t index(const std::string& s) {
    auto [it, inserted] = ids_.emplace(s, strings_.size());
    if (inserted) strings_.push_back(s);
    return it->second;
  }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  std::unordered_map<std::string, std::uint64_t> ids_;
  std::vector<std::string> strings_;
};

struct SampleType {
  std::string type;
  std::string unit;
};

constexpr const char* kFunctions[] = {
    "runtime.goexit",
    "runtime.main",
    "main.main",
    "runtime.gopark",
    "runtime.selectgo",
    "runtime.mallocgc",
    "runtime.newobject",
    "sync.(*Mutex).Lock",
    "sync.(*Mutex).Unlock",
    "syscall/zx.Sys_object_wait_one",
    "go.fuchsia.dev/fuchsia/src/connectivity/network/netstack.(*Netstack).Run",
    "go.fuchsia.dev/fuchsia/src/connectivity/network/netstack.(*endpoint).loopRead",
    "go.fuchsia.dev/fuchsia/src/connectivity/network/netstack.(*endpoint).loopWrite",
    "go.fuchsia.dev/fuchsia/src/connectivity/network/netstack/fidlconv.ToNetIpAddress",
    "gvisor.dev/gvisor/pkg/tcpip/stack.(*NIC).DeliverNetworkPacket",
    "gvisor.dev/gvisor/pkg/tcpip/transport/tcp.(*processor).start",
    "gvisor.dev/gvisor/pkg/tcpip/transport/tcp.(*endpoint).handleSegmentsLocked",
    "gvisor.dev/gvisor/pkg/tcpip/transport/udp.(*endpoint).HandlePacket",
    "gvisor.dev/gvisor/pkg/buffer.NewView",
    "gvisor.dev/gvisor/pkg/sync.(*Gate).Enter",
};

std::string source_file(std::string_view function) {
  if (function.starts_with("runtime.")) return "/usr/local/go/src/runtime/proc.go";
  if (function.starts_with("sync.")) return "/usr/local/go/src/sync/mutex.go";
  if (function.starts_with("gvisor.dev")) return "third_party/golibs/gvisor.dev/gvisor/pkg/tcpip/stack/nic.go";
  if (function.starts_with("syscall")) return "src/lib/syscall/zx/syscalls.go";
  return "src/connectivity/network/netstack/netstack.go";
}

}  // namespace

std::string encode_profile(std::string_view profile, Prng& prng) {
  std::vector<SampleType> types;
  SampleType period{"space", "bytes"};
  if (profile == "heap" || profile == "allocs") {
    types = {{"alloc_objects", "count"}, {"alloc_space", "bytes"},
             {"inuse_objects", "count"}, {"inuse_space", "bytes"}};
  } else if (profile == "block" || profile == "mutex") {
    types = {{"contentions", "count"}, {"delay", "nanoseconds"}};
    period = {"contentions", "count"};
  } else {
    std::string type = profile == "goroutine" || profile == "threadcreate" ? std::string(profile) : "count";
    types = {{type, "count"}};
    period = types[0];
  }

  StringTable strings;
  ProtoWriter message;
  for (const SampleType& t : types) {
    ProtoWriter vt;
    vt.field_varint(1, strings.index(t.type));
    vt.field_varint(2, strings.index(t.unit));
    message.field_bytes(1, vt.bytes());
  }

  const std::uint64_t function_count = std::size(kFunctions);
  const std::uint64_t location_count = function_count + prng.below(6);
  const std::uint64_t sample_count = 2 + prng.below(12);
  for (std::uint64_t s = 0; s < sample_count; ++s) {
    ProtoWriter sample;
    std::vector<std::uint64_t> stack;
    std::uint64_t depth = 2 + prng.below(7);
    for (std::uint64_t d = 0; d < depth; ++d) stack.push_back(1 + prng.below(location_count));
    sample.field_packed(1, stack);
    std::vector<std::uint64_t> values;
    for (std::size_t v = 0; v < types.size(); ++v) values.push_back(1 + prng.below(1u << (4 + 4 * (v % 3))));
    sample.field_packed(2, values);
    message.field_bytes(2, sample.bytes());
  }

  ProtoWriter mapping;
  mapping.field_varint(1, 1);
  mapping.field_varint(2, 0x1000);
  mapping.field_varint(3, 0x1000 + 0x800000);
  mapping.field_varint(5, strings.index("/pkg/bin/netstack"));
  mapping.field_varint(7, 1);
  mapping.field_varint(8, 1);
  mapping.field_varint(9, 1);
  message.field_bytes(3, mapping.bytes());

  for (std::uint64_t id = 1; id <= location_count; ++id) {
    ProtoWriter location;
    location.field_varint(1, id);
    location.field_varint(2, 1);
    location.field_varint(3, 0x1000 + id * 0x140 + prng.below(0x100));
    ProtoWriter line;
    line.field_varint(1, 1 + (id - 1) % function_count);
    line.field_varint(2, 10 + prng.below(900));
    location.field_bytes(4, line.bytes());
    message.field_bytes(4, location.bytes());
  }

  for (std::uint64_t id = 1; id <= function_count; ++id) {
    std::string name = kFunctions[id - 1];
    ProtoWriter function;
    function.field_varint(1, id);
    function.field_varint(2, strings.index(name));
    function.field_varint(3, strings.index(name));
    function.field_varint(4, strings.index(source_file(name)));
    function.field_varint(5, 1 + prng.below(500));
    message.field_bytes(5, function.bytes());
  }

  // Scalars before the string table is written, since they add strings.
  ProtoWriter period_type;
  period_type.field_varint(1, strings.index(period.type));
  period_type.field_varint(2, strings.index(period.unit));
  for (const std::string& s : strings.strings()) message.field_bytes(6, s);
  message.field_varint(9, 1700000000000000000ULL + prng.below(100000000000000000ULL));
  message.field_bytes(11, period_type.bytes());
  message.field_varint(12, profile == "heap" || profile == "allocs" ? 524288 : 1);
  return message.bytes();
}

std::string gzip_bytes(std::string_view bytes) {
  z_stream stream{};
  // windowBits 15 + 16: write a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("gzip: deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, bytes.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate failed");
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                      static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[n >> 18]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[n >> 18]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string pprof_property(std::string_view profile, Prng& prng) {
  return "b64:" + base64(gzip_bytes(encode_profile(profile, prng)));
}

}  // namespace netinspect::gen
