#include "gen/generator.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gen/pprof_writer.h"
#include "jq/jq.h"
#include "json/parse.h"
#include "json/write.h"

namespace netinspect::gen {
namespace {

std::string generate_text(const GenOptions& options) {
  std::string out;
  generate(options, [&](std::string_view chunk) { out.append(chunk); });
  return out;
}

std::vector<json::Value> run(const std::string& program, const json::Value& input) {
  jq::Compiled compiled = jq::Compiled::compile(program);
  jq::Environment env;
  std::vector<json::Value> out;
  compiled.run(input, env, [&](const json::Value& v) { out.push_back(v); });
  return out;
}

const std::string kNetstack = R"(.[] | select(.moniker == "core/network/netstack") )";

TEST(Generator, SameSeedSameBytes) {
  GenOptions options;
  options.seed = 42;
  options.sockets = 30;
  EXPECT_EQ(generate_text(options), generate_text(options));
  options.pretty = true;
  EXPECT_EQ(generate_text(options), generate_text(options));
}

TEST(Generator, DifferentSeedsDiffer) {
  GenOptions a, b;
  b.seed = 2;
  EXPECT_NE(generate_text(a), generate_text(b));
}

TEST(Generator, CompactIsOneEntryPerLine) {
  GenOptions options;
  options.components = 7;
  std::string text = generate_text(options);
  ASSERT_TRUE(text.starts_with("[\n{"));
  ASSERT_TRUE(text.ends_with("}\n]"));
  json::Value all = json::parse(text);
  std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  EXPECT_EQ(lines, all.size() + 1);
}

TEST(Generator, PrettyParsesToTheSameValue) {
  GenOptions options;
  options.seed = 9;
  std::string compact = generate_text(options);
  options.pretty = true;
  std::string pretty = generate_text(options);
  EXPECT_NE(compact, pretty);
  EXPECT_EQ(json::to_json(json::parse(compact)), json::to_json(json::parse(pretty)));
  EXPECT_NE(pretty.find("\n  \"data_source\": \"Inspect\",\n"), std::string::npos);
}

TEST(Generator, SeedQueriesSeeTheAskedCounts) {
  for (std::uint64_t seed : {1, 2, 3}) {
    GenOptions options;
    options.seed = seed;
    options.sockets = 57;
    options.nics = 5;
    options.components = 11;
    json::Value snapshot = json::parse(generate_text(options));
    EXPECT_EQ(run(kNetstack + R"(| .payload."Socket Info" | .[]?)", snapshot).size(), 57u);
    EXPECT_EQ(run(kNetstack + R"(| .payload."NICs" | .[]?)", snapshot).size(), 5u);
    EXPECT_EQ(run(kNetstack + R"(| .payload."Networking Stat Counters" | select(. != null))", snapshot).size(), 1u);
    EXPECT_GE(run(kNetstack + R"(| .payload."Routes" | .[]?)", snapshot).size(), 3u + 4 * 4);
    EXPECT_EQ(run(kNetstack, snapshot).size(), 9u);
    EXPECT_EQ(run(R"(.[] | select(.payload == null) | .metadata.filename)", snapshot),
              std::vector<json::Value>{json::Value::string("NO_FILE_SUCCEEDED")});
    // 9 netstack entries + the timed-out one + 11 components (some with two sources).
    EXPECT_GE(snapshot.size(), 21u);
    // Counters agree with the sockets.
    json::Value counters =
        run(kNetstack + R"(| .payload."Networking Stat Counters" | select(. != null))", snapshot).at(0);
    EXPECT_EQ(counters.get("SocketCount").as_number(), 57);
    EXPECT_EQ(counters.get("SocketsCreated").as_number() - counters.get("SocketsDestroyed").as_number(), 57);
    SocketCensus census = socket_census(options);
    EXPECT_EQ(counters.get("TCP").get("CurrentEstablished").as_number(), static_cast<double>(census.established));
    auto tcp = run(kNetstack + R"(| .payload."Socket Info" | .[]? | select(.TransportProtocol == "TCP"))", snapshot);
    EXPECT_EQ(tcp.size(), census.tcp);
  }
}

TEST(Generator, KeepsNetstackQuirks) {
  std::string text = generate_text(GenOptions{});
  // The duplicate key of TCP sockets' Stats.ReceiveErrors.
  EXPECT_NE(text.find(R"("ChecksumErrors":0,"SegmentQueueDropped":)"), std::string::npos);
  EXPECT_NE(text.find(R"("Total":{"Count":")"), std::string::npos);
  EXPECT_NE(text.find(R"("Loopback":"true")"), std::string::npos);
  EXPECT_NE(text.find(R"("filename":"pprof/now.inspect")"), std::string::npos);
  EXPECT_NE(text.find(R"("heap":"b64:H4sI)"), std::string::npos);
  EXPECT_NE(text.find(R"("errors":[{"message":"Exceeded per-component time limit)"), std::string::npos);
}

TEST(Generator, SizeModeReachesTheTarget) {
  GenOptions options;
  options.target_bytes = 3u << 20;
  std::string text = generate_text(options);
  EXPECT_GE(text.size(), options.target_bytes);
  EXPECT_LT(text.size(), options.target_bytes + (4u << 20));
  EXPECT_EQ(run(kNetstack, json::parse(text)).size(), 9u);
}

TEST(Generator, ZeroSocketsAndOneNic) {
  GenOptions options;
  options.sockets = 0;
  options.nics = 1;
  options.components = 0;
  json::Value snapshot = json::parse(generate_text(options));
  EXPECT_EQ(run(kNetstack + R"(| .payload."Socket Info" | .[]?)", snapshot).size(), 0u);
  EXPECT_EQ(run(kNetstack + R"(| .payload."NICs" | .[]?)", snapshot).size(), 1u);
  EXPECT_EQ(snapshot.size(), 10u);
}

// --- pprof: inflate and walk the protobuf wire format.

std::string gunzip(std::string_view bytes) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

std::string unbase64(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    bits = bits << 6 | static_cast<std::uint32_t>(alphabet.find(c));
    if ((count += 6) >= 8) out.push_back(static_cast<char>((bits >> (count -= 8)) & 0xff));
  }
  return out;
}

struct Wire {
  std::map<int, int> counts;
  std::vector<std::string> strings;  // field 6
};

bool parse_message(std::string_view bytes, Wire& wire) {
  std::size_t i = 0;
  auto varint = [&](std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (i >= bytes.size()) return false;
      auto b = static_cast<unsigned char>(bytes[i++]);
      value |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return true;
    }
    return false;
  };
  while (i < bytes.size()) {
    std::uint64_t tag = 0, value = 0;
    if (!varint(tag)) return false;
    int field = static_cast<int>(tag >> 3);
    if ((tag & 7) == 0) {
      if (!varint(value)) return false;
    } else if ((tag & 7) == 2) {
      if (!varint(value) || value > bytes.size() - i) return false;
      if (field == 6) wire.strings.emplace_back(bytes.substr(i, value));
      i += value;
    } else {
      return false;
    }
    ++wire.counts[field];
  }
  return true;
}

TEST(Pprof, ProfilesInflateAndParse) {
  Prng prng(7);
  for (std::string_view profile : kPprofProfiles) {
    std::string property = pprof_property(profile, prng);
    ASSERT_TRUE(property.starts_with("b64:H4sI")) << property.substr(0, 16);
    Wire wire;
    ASSERT_TRUE(parse_message(gunzip(unbase64(property.substr(4))), wire)) << profile;
    EXPECT_GE(wire.counts[1], 1) << "sample_type";
    EXPECT_GE(wire.counts[2], 1) << "sample";
    EXPECT_EQ(wire.counts[3], 1) << "mapping";
    EXPECT_GE(wire.counts[4], 1) << "location";
    EXPECT_GE(wire.counts[5], 1) << "function";
    ASSERT_FALSE(wire.strings.empty());
    EXPECT_EQ(wire.strings[0], "");
    EXPECT_NE(std::find(wire.strings.begin(), wire.strings.end(), "runtime.main"), wire.strings.end());
  }
}

TEST(Pprof, Base64) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64(std::string("\x20\x00\x11\x12\x05", 5)), "IAAREgU=");
}

}  // namespace
}  // namespace netinspect::gen
