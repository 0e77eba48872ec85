// peek_entry_summary (the raw-text reading `netinspect list` uses) against
// summarize_entry over the full parse, on hand-written and generated entries.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "json/parse.h"
#include "source/source.h"

namespace netinspect::source {
namespace {

std::string describe(const std::optional<EntrySummary>& s) {
  if (!s) return "nullopt";
  return "{moniker=" + s->moniker + " name=" + (s->metadata_name ? *s->metadata_name : "<none>") +
         " filename=" + (s->metadata_filename ? *s->metadata_filename : "<none>") +
         " payload_null=" + (s->payload_null ? "true" : "false") + "}";
}

std::optional<EntrySummary> full(std::string_view raw) { return summarize_entry(json::parse(raw)); }

// The cheap reading answers, and answers what the parser says.
void expect_same(std::string_view raw) {
  SCOPED_TRACE(std::string(raw.substr(0, 400)));
  const std::optional<EntrySummary> cheap = peek_entry_summary(raw);
  ASSERT_TRUE(cheap.has_value()) << "declined";
  EXPECT_EQ(describe(cheap), describe(full(raw)));
}

// The cheap reading declines (the caller then parses).
void expect_declined(std::string_view raw) {
  EXPECT_FALSE(peek_entry_summary(raw).has_value()) << raw;
}

TEST(EntrySummary, CurrentSchema) {
  expect_same(R"({"data_source":"Inspect","metadata":{"component_url":"fuchsia-pkg://x","filename":"fuchsia.inspect.Tree","timestamp":123,"name":"root"},"moniker":"core/network/netstack","payload":{"root":{"a":1}},"version":1})");
  const auto s = peek_entry_summary(R"({"moniker":"a","metadata":{"name":"n","filename":"f"},"payload":{}})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->moniker, "a");
  EXPECT_EQ(s->tree(), "n");
  EXPECT_FALSE(s->payload_null);
}

TEST(EntrySummary, OldSchemaAndMissingFields) {
  // 2021-era entries: filename only, errors array in metadata.
  expect_same(R"({"data_source":"Inspect","metadata":{"errors":null,"filename":"fuchsia.inspect.Tree","component_url":"u","timestamp":5},"moniker":"core/x","payload":null,"version":1})");
  expect_same(R"({"moniker":"a"})");
  expect_same(R"({"moniker":"a","metadata":{}})");
  expect_same(R"({"moniker":"a","metadata":null,"payload":[1,2]})");
  expect_same(R"({"moniker":"a","metadata":[{"name":"x"}],"payload":"null"})");
  expect_same(R"({"moniker":"a","metadata":{"errors":[{"message":"timeout, }]"}],"name":7,"filename":"f"}})");
  const auto s = peek_entry_summary(R"({"moniker":"a","metadata":{"filename":"f"}})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->tree(), "f");
  EXPECT_TRUE(s->payload_null);  // absent
}

TEST(EntrySummary, PayloadNull) {
  expect_same(R"({"moniker":"a","payload":null})");
  expect_same(R"({"moniker":"a","payload" :  null  })");
  expect_same(R"({"moniker":"a","payload":false})");
  expect_same(R"({"moniker":"a","payload":0})");
  expect_same(R"({"moniker":"a","payload":{"x":null}})");
  expect_declined(R"({"moniker":"a","payload":nul})");
  expect_declined(R"({"moniker":"a","payload":nullx})");
}

TEST(EntrySummary, DuplicateKeysLastWins) {
  expect_same(R"({"moniker":"a","moniker":"b"})");
  expect_same(R"({"moniker":"a","payload":null,"payload":{}})");
  expect_same(R"({"moniker":"a","payload":{},"payload":null})");
  expect_same(R"({"moniker":"a","metadata":{"name":"x"},"metadata":{"filename":"y"}})");
  expect_same(R"({"moniker":"a","metadata":{"name":"x"},"metadata":3})");
  expect_same(R"({"moniker":"a","metadata":{"name":"x","name":null,"filename":"f"}})");
  // A non-string moniker last: not an Inspect entry for either reading.
  expect_declined(R"({"moniker":"a","moniker":1})");
  EXPECT_FALSE(full(R"({"moniker":"a","moniker":1})"));
}

TEST(EntrySummary, Escapes) {
  expect_same(R"({"moni\u006ber":"core/a\/b","metadata":{"n\u0061me":"tr\"ee\\"}})");
  expect_same(R"({"moniker":"caf\u00e9 \ud83d\ude00","payload":{"moniker":"no"}})");
  expect_same("{\"moniker\":\"caf\xc3\xa9\",\"metadata\":{\"name\":\"\xe2\x82\xac\"}}");
  expect_same(R"({"moniker":"a","payl\u006fad":null,"payload\u0000":{}})");
  // Invalid UTF-8 is replaced by U+FFFD, as the parser does.
  expect_same("{\"moniker\":\"bad\xff\",\"payload\":null}");
  // Keys and strings inside skipped values may hold brackets, commas, quotes.
  expect_same(R"({"x":["]}\"",{"moniker":"inner"}],"moniker":"outer","payload":{"a":"}\\"}})");
  // A bad escape is the parser's to report.
  expect_declined(R"({"moniker":"a\q"})");
}

TEST(EntrySummary, Layouts) {
  expect_same(" \n{\n  \"moniker\" : \"a\" ,\n  \"metadata\" : {\n    \"name\" : \"root\"\n  } ,\n  \"payload\" : null\n}\n ");
  expect_same("{\t\"payload\":\r\n{ } ,\"moniker\":\"a\"}");
}

TEST(EntrySummary, DeclinesWhatIsNotAnEntry) {
  expect_declined("");
  expect_declined("[1]");
  expect_declined("\"moniker\"");
  expect_declined("{}");
  expect_declined(R"({"moniker":null})");
  expect_declined(R"({"metadata":{"name":"x"}})");
  expect_declined(R"({"moniker":"a",})");
  expect_declined(R"({"moniker":"a" "payload":null})");
  expect_declined(R"({"moniker":"a","payload":{]})");
  expect_declined(R"({"moniker":"a","payload":[}})");
  expect_declined(R"({"moniker":"a","payload":1 2})");
  expect_declined(R"({"moniker":"a"} x)");
  expect_declined(R"({"moniker":"a")");
  expect_declined(R"({"moniker":"a","metadata":{"name":"x")");
  expect_declined(R"({"moniker":"a","metadata":{"name" "x"}})");
  expect_declined(R"({"moniker":"abc)");
}

// Generated entries: random key order, duplicates, escapes, nesting and
// whitespace; every one must be answered as the parser answers.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : state_(seed * 2654435761u + 1) {}

  std::string entry() {
    compact_ = chance(3);
    std::vector<std::string> members;
    members.push_back(key("moniker") + ":" + string_value());
    if (chance(4)) members.push_back(key("moniker") + ":" + string_value());  // duplicate
    if (chance(2)) members.push_back(key("metadata") + ":" + metadata());
    if (chance(6)) members.push_back(key("metadata") + ":" + any_value(1));
    if (!chance(5)) members.push_back(key("payload") + ":" + (chance(3) ? "null" : any_value(3)));
    if (chance(6)) members.push_back(key("payload") + ":" + (chance(2) ? "null" : any_value(2)));
    members.push_back("\"data_source\":\"Inspect\"");
    members.push_back("\"version\":" + std::to_string(next() % 3));
    if (chance(3)) members.push_back(string_value() + ":" + any_value(2));
    shuffle(members);
    return object(members);
  }

 private:
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  bool chance(unsigned one_in) { return next() % one_in == 0; }
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[next() % i]);
  }
  std::string space() {
    if (compact_) return "";
    static const char* const kSpaces[] = {"", "", "", " ", "\n  ", "\t", "\r\n"};
    return kSpaces[next() % 7];
  }
  // A key spelled plainly or with an escape.
  std::string key(std::string_view name) {
    std::string out = "\"";
    for (const char c : name) {
      if (chance(12)) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
        out += escaped;
      } else {
        out += c;
      }
    }
    return out + "\"";
  }
  std::string string_value() {
    static const char* const kStrings[] = {
        "\"core/network/netstack\"", "\"bootstrap/archivist\"", "\"root\"", "\"fuchsia.inspect.Tree\"",
        "\"a\\\"b\"", "\"c:\\\\d\"", "\"\\u00e9t\\u00e9\"", "\"sl\\/ash\"", "\"\"", "\"x]}, {\\\"\"",
        "\"\xc3\xa9\"", "\"tab\\tnl\\n\""};
    return kStrings[next() % 12];
  }
  std::string metadata() {
    std::vector<std::string> members;
    if (chance(2)) members.push_back(key("name") + ":" + (chance(5) ? any_value(1) : string_value()));
    if (chance(2)) members.push_back(key("filename") + ":" + (chance(5) ? any_value(1) : string_value()));
    if (chance(5)) members.push_back(key("name") + ":" + string_value());
    if (chance(2)) members.push_back("\"component_url\":" + string_value());
    if (chance(3)) members.push_back("\"errors\":" + (chance(2) ? std::string("null") : any_value(2)));
    if (chance(2)) members.push_back("\"timestamp\":" + std::to_string(next() % 100000000000ULL));
    shuffle(members);
    return object(members);
  }
  std::string object(const std::vector<std::string>& members) {
    std::string out = "{" + space();
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i) out += space() + "," + space();
      const std::size_t colon = colon_of(members[i]);
      out += members[i].substr(0, colon) + space() + ":" + space() + members[i].substr(colon + 1);
    }
    return out + space() + "}";
  }
  // The ':' after a member's key (the key is a string with escapes).
  static std::size_t colon_of(const std::string& member) {
    std::size_t pos = 1;
    while (member[pos] != '"') pos += member[pos] == '\\' ? 2 : 1;
    return pos + 1;
  }
  std::string any_value(int depth) {
    switch (next() % (depth > 0 ? 8 : 5)) {
      case 0: return "null";
      case 1: return chance(2) ? "true" : "false";
      case 2: return chance(2) ? "-1.5e3" : std::to_string(next() % 1000);
      case 3:
      case 4: return string_value();
      case 5:
      case 6: {
        std::vector<std::string> members;
        for (std::uint64_t n = next() % 4; n > 0; --n) {
          members.push_back(chance(3) ? key("moniker") + ":" + string_value()
                                      : string_value() + ":" + any_value(depth - 1));
        }
        return object(members);
      }
      default: {
        std::string out = "[" + space();
        for (std::uint64_t n = next() % 4, i = 0; i < n; ++i) out += (i ? "," : "") + any_value(depth - 1);
        return out + space() + "]";
      }
    }
  }
  std::uint64_t state_;
  bool compact_ = false;  // no whitespace at all (one entry per line, as iquery writes)
};

TEST(EntrySummary, GeneratedEntriesMatchTheParser) {
  int answered = 0;
  // How varied the generated entries are, so that the comparison means something.
  int null_payloads = 0, names = 0, filenames_only = 0, escaped_keys = 0, pretty = 0;
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
    Generator generator(seed);
    const std::string raw = generator.entry();
    SCOPED_TRACE(raw);
    const std::optional<EntrySummary> expected = full(raw);
    const std::optional<EntrySummary> cheap = peek_entry_summary(raw);
    if (expected) {
      null_payloads += expected->payload_null;
      names += expected->metadata_name.has_value();
      filenames_only += !expected->metadata_name && expected->metadata_filename;
    }
    escaped_keys += raw.find("\\u006") != std::string::npos || raw.find("\\u007") != std::string::npos;
    pretty += raw.find('\n') != std::string::npos;
    if (cheap) {
      ++answered;
      EXPECT_EQ(describe(cheap), describe(expected));
    } else {
      // Every generated entry is well formed with a string moniker last.
      ADD_FAILURE() << "declined a well-formed entry; the parser says " << describe(expected);
    }
  }
  EXPECT_EQ(answered, 3000);
  for (const int count : {null_payloads, names, filenames_only, escaped_keys, pretty}) {
    EXPECT_GT(count, 100);
    EXPECT_LT(count, 2900);
  }
}

// Damaged entries (bytes dropped, changed or inserted): never a crash, and
// whenever both readings accept an entry they agree. (The cheap one may
// accept an entry whose payload the parser rejects: payloads are not read.)
TEST(EntrySummary, DamagedEntriesNeverDisagree) {
  static const char kBytes[] = "{}[]\",:\\ nu0e\n\x80";
  std::uint64_t state = 88172645463325252ULL;
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int compared = 0;
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
    std::string raw = Generator(seed).entry();
    for (std::uint64_t edits = 1 + next() % 3; edits > 0 && !raw.empty(); --edits) {
      const std::size_t at = next() % raw.size();
      switch (next() % 3) {
        case 0: raw.erase(at, 1 + next() % 4); break;
        case 1: raw[at] = kBytes[next() % (sizeof kBytes - 1)]; break;
        default: raw.insert(at, 1, kBytes[next() % (sizeof kBytes - 1)]); break;
      }
    }
    SCOPED_TRACE(raw);
    const std::optional<EntrySummary> cheap = peek_entry_summary(raw);
    std::optional<EntrySummary> expected;
    try {
      expected = full(raw);
    } catch (const json::ParseError&) {
      continue;
    }
    if (cheap) {
      ++compared;
      EXPECT_EQ(describe(cheap), describe(expected));
    }
  }
  EXPECT_GT(compared, 300);
}

}  // namespace
}  // namespace netinspect::source
