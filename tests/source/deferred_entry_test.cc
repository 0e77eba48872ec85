// parse_entry_deferred: the same value as parse_entry, with the containers at
// the deferred depth left as text in big entries, and parse_entry's errors
// whenever the shallow levels are malformed.
#include <gtest/gtest.h>

#include <string>

#include "json/write.h"
#include "source/source.h"

namespace netinspect::source {
namespace {

// A netstack2-like Socket Info entry of `sockets` sockets (over 1 MiB from
// about 3,000 on), each with a nested Stats object and an option stats map.
std::string socket_entry(int sockets, bool pretty) {
  const std::string nl = pretty ? "\n    " : "";
  std::string text = "{" + nl + "\"data_source\": \"Inspect\"," + nl +
                     "\"metadata\": {\"filename\": \"sockets\", \"timestamp\": 12}," + nl +
                     "\"moniker\": \"core/network/netstack\"," + nl + "\"payload\": {\"Socket Info\": {";
  for (int i = 0; i < sockets; ++i) {
    if (i) text += "," + nl;
    text += "\"" + std::to_string(i) + "\": {\"State\": \"ESTABLISHED\", \"Stats\": {\"SegmentsSent\": " +
            std::to_string(i * 7) + ", \"ReceiveErrors\": {\"ChecksumErrors\": 0, \"ChecksumErrors\": 1}}, " +
            "\"Socket Option Stats\": {\"GetTcpInfo\": " + std::to_string(i % 5) +
            ", \"SetReuseAddress\": 0, \"SetTimestamp\": 1.50, \"Big\": 100000000000000000000001}, " +
            "\"Esc\\u00e9aped\": [1, \"\\n\"]}";
  }
  text += "}, \"Odd \\\"key\\\"\": [1, 2]}," + nl + "\"version\": 1" + nl + "}";
  return text;
}

struct Parsed {
  json::Value eager, deferred;
};

Parsed parse_both(const std::string& text, std::size_t depth) {
  EntryStream stream(text, "test");
  Entry entry;
  EXPECT_TRUE(stream.next(entry));
  return {parse_entry(stream, entry), parse_entry_deferred(stream, entry, depth)};
}

TEST(DeferredEntry, BigEntryLeavesSocketsAsTextAndEqualsTheFullParse) {
  for (bool pretty : {false, true}) {
    const std::string text = socket_entry(4000, pretty);
    ASSERT_GT(text.size(), 1u << 20);
    Parsed parsed = parse_both(text, 4);
    const json::Value sockets = parsed.deferred.get("payload").get("Socket Info");
    ASSERT_TRUE(sockets.is_object());
    EXPECT_FALSE(sockets.is_unparsed());
    EXPECT_EQ(sockets.size(), 4000u);
    EXPECT_TRUE(sockets.get("17").is_unparsed());
    EXPECT_FALSE(parsed.deferred.get("metadata").is_unparsed());
    EXPECT_TRUE(json::equal(parsed.eager, parsed.deferred)) << "pretty=" << pretty;
    EXPECT_EQ(json::to_json(parsed.eager), json::to_json(parsed.deferred));
  }
}

TEST(DeferredEntry, OtherDepths) {
  const std::string text = socket_entry(4000, false);
  for (std::size_t depth : {2u, 3u, 5u, 9u}) {
    Parsed parsed = parse_both(text, depth);
    EXPECT_EQ(json::to_json(parsed.eager), json::to_json(parsed.deferred)) << depth;
  }
  EXPECT_TRUE(parse_both(text, 3).deferred.get("payload").get("Socket Info").is_unparsed());
}

TEST(DeferredEntry, SmallEntriesAreParsedWhole) {
  const std::string text = socket_entry(10, false);
  Parsed parsed = parse_both(text, 4);
  EXPECT_FALSE(parsed.deferred.get("payload").get("Socket Info").get("3").is_unparsed());
  EXPECT_TRUE(json::equal(parsed.eager, parsed.deferred));
}

TEST(DeferredEntry, MalformedShallowLevelsGiveParseEntrysError) {
  std::string text = socket_entry(4000, false);
  // A missing comma between two top-level members: the splitter gives up and
  // the whole-entry parse reports it, with its position in the input.
  const std::size_t at = text.find("\"version\"");
  text.erase(text.rfind(',', at), 1);
  EntryStream stream(text, "test");
  Entry entry;
  ASSERT_TRUE(stream.next(entry));
  std::string eager_error, deferred_error;
  try {
    parse_entry(stream, entry);
  } catch (const json::ParseError& error) {
    eager_error = error.what();
  }
  try {
    parse_entry_deferred(stream, entry, 4);
  } catch (const json::ParseError& error) {
    deferred_error = error.what();
  }
  EXPECT_FALSE(eager_error.empty());
  EXPECT_EQ(eager_error, deferred_error);
}

TEST(DeferredEntry, MalformedDeferredTextIsFoundWhenRead) {
  std::string text = socket_entry(4000, false);
  text.replace(text.find("\"SegmentsSent\": 7"), 17, "\"SegmentsSent\": 7x");
  EntryStream stream(text, "test");
  Entry entry;
  ASSERT_TRUE(stream.next(entry));
  const json::Value deferred = parse_entry_deferred(stream, entry, 4);
  const json::Value socket = deferred.get("payload").get("Socket Info").get("1");
  EXPECT_TRUE(socket.is_unparsed());
  EXPECT_THROW(json::materialize(socket), json::ParseError);
  EXPECT_NO_THROW(json::materialize(deferred.get("payload").get("Socket Info").get("2")));
}

TEST(DeferredEntry, NotAnObjectIsParsedWhole) {
  // A top-level value that is not an array is one entry: here a big string.
  const std::string text = "\"" + std::string(1 << 20, 'x') + "\"";
  Parsed parsed = parse_both(text, 4);
  EXPECT_TRUE(parsed.deferred.is_string());
  EXPECT_EQ(parsed.deferred.size(), 1u << 20);
}

}  // namespace
}  // namespace netinspect::source
