#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "source/source.h"

namespace netinspect::source {
namespace {

struct Item {
  std::string raw;
  bool array_element;
  bool operator==(const Item&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Item& item) {
  return out << (item.array_element ? "element " : "value ") << item.raw;
}

std::vector<Item> split(std::string_view text, bool split_arrays = true) {
  EntryStream::Options options;
  options.split_arrays = split_arrays;
  EntryStream stream(text, "t.json", options);
  std::vector<Item> items;
  Entry entry;
  while (stream.next(entry)) {
    EXPECT_EQ(entry.index, items.size());
    EXPECT_EQ(text.substr(entry.offset, entry.raw.size()), entry.raw);
    items.push_back({std::string(entry.raw), entry.array_element});
  }
  return items;
}

std::vector<Item> elements(std::initializer_list<const char*> raws) {
  std::vector<Item> items;
  for (const char* raw : raws) items.push_back({raw, true});
  return items;
}

// Entries before the break, and the message of the SourceError that stopped the stream.
std::pair<std::vector<std::string>, std::string> split_until_error(std::string_view text) {
  EntryStream stream(text, "t.json");
  std::vector<std::string> raws;
  Entry entry;
  try {
    while (stream.next(entry)) raws.emplace_back(entry.raw);
  } catch (const SourceError& e) {
    return {raws, e.what()};
  }
  return {raws, ""};
}

TEST(EntryStream, SplitsTopLevelArray) {
  EXPECT_EQ(split(R"([1, "a,]", {"x":[1,2],"y":"}"}, [3,[4]], null, true, -1.5e3])"),
            elements({"1", R"("a,]")", R"({"x":[1,2],"y":"}"})", "[3,[4]]", "null", "true", "-1.5e3"}));
}

TEST(EntryStream, EscapesInStrings) {
  EXPECT_EQ(split(R"(["a\"b", "c\\", "\\\"]", {"k\\":"]"}, "\\\\"])"),
            elements({R"("a\"b")", R"("c\\")", R"("\\\"]")", R"({"k\\":"]"})", R"("\\\\")"}));
}

TEST(EntryStream, WhitespaceEmptyArrayAndBom) {
  EXPECT_TRUE(split("  [ \n\t ]  \n").empty());
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split(" \n ").empty());
  EXPECT_EQ(split("\xEF\xBB\xBF[ 1 ,\n2\r\n]"), elements({"1", "2"}));
  EXPECT_EQ(split("[\n{\n  \"a\": 1\n}\n]"), elements({"{\n  \"a\": 1\n}"}));
}

TEST(EntryStream, TopLevelValuesThatAreNotArraysAreAStream) {
  EXPECT_EQ(split(R"({"a":[1]} 2 "x" [1,2] true{"b":"}"}"c"-3)"),
            (std::vector<Item>{{R"({"a":[1]})", false},
                               {"2", false},
                               {R"("x")", false},
                               {"1", true},
                               {"2", true},
                               {"true", false},
                               {R"({"b":"}"})", false},
                               {R"("c")", false},
                               {"-3", false}}));
  EXPECT_EQ(split("[1,2] [3]", /*split_arrays=*/false),
            (std::vector<Item>{{"[1,2]", false}, {"[3]", false}}));
}

TEST(EntryStream, NullPayloadEntries) {
  const std::string text = R"([{"moniker":"a","payload":null},{"moniker":"b","payload":{"root":{}}}])";
  const std::vector<Item> items = split(text);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].raw, R"({"moniker":"a","payload":null})");
  EXPECT_EQ(peek_moniker(items[0].raw), "a");
}

TEST(EntryStream, NonUtf8BytesPassThrough) {
  EXPECT_EQ(split("[\"\xff\xfe\", \"\xc3\x28\"]"), elements({"\"\xff\xfe\"", "\"\xc3\x28\""}));
}

TEST(EntryStream, TruncatedArrayReturnsEntriesBeforeTheBreak) {
  const auto [raws, error] = split_until_error("[\n{\"a\":1},\n{\"b\":2},\n{\"c\":[3,");
  EXPECT_EQ(raws, (std::vector<std::string>{R"({"a":1})", R"({"b":2})"}));
  EXPECT_EQ(error, "t.json: unfinished JSON array at end of input (after 2 entries) at line 4, column 9");
}

TEST(EntryStream, TruncatedInsideString) {
  const auto [raws, error] = split_until_error("[1,\"abc");
  EXPECT_EQ(raws, std::vector<std::string>{"1"});
  EXPECT_EQ(error, "t.json: unfinished string at end of input (after 1 entry) at line 1, column 8");
}

TEST(EntryStream, StructuralErrors) {
  EXPECT_EQ(split_until_error("[1,]").second, "t.json: expected a value after ',' at line 1, column 4");
  EXPECT_EQ(split_until_error("[1,,2]").second, "t.json: expected a value at line 1, column 4");
  EXPECT_EQ(split_until_error("[,1]").second, "t.json: expected a value at line 1, column 2");
  EXPECT_EQ(split_until_error("[1}").second, "t.json: unexpected '}' at line 1, column 3");
  EXPECT_EQ(split_until_error("[1]]").second, "t.json: unexpected ']' at line 1, column 4");
  EXPECT_EQ(split_until_error("[1],[2]").second, "t.json: unexpected ',' at line 1, column 4");
  EXPECT_EQ(split_until_error("{\"a\":").second, "t.json: unfinished JSON value at end of input at line 1, column 6");
  EXPECT_EQ(split_until_error("\"abc").second, "t.json: unfinished string at end of input at line 1, column 5");
}

TEST(EntryStream, LocatesOffsets) {
  EXPECT_EQ(locate("ab\ncd\n", 0).line, 1u);
  EXPECT_EQ(locate("ab\ncd\n", 4).line, 2u);
  EXPECT_EQ(locate("ab\ncd\n", 4).column, 2u);
  EXPECT_EQ(locate("ab\ncd\n", 6).line, 3u);
  EXPECT_EQ(locate("ab\ncd\n", 6).column, 1u);
}

// Random valid JSON, rich in the bytes a splitter can trip on, with strings long
// enough to cross 64-byte blocks and backslash runs at every alignment.
class JsonGenerator {
 public:
  explicit JsonGenerator(unsigned seed) : rng_(seed) {}

  std::string value(int depth = 0) {
    switch (pick(depth > 4 ? 4 : 7)) {
      case 0: return "null";
      case 1: return std::to_string(static_cast<int>(rng_() % 2000) - 1000);
      case 2: return pick(2) ? "true" : "-1.25e-3";
      case 3:
      case 4: return string();
      case 5: {
        std::string out = "[";
        for (int i = 0, n = pick(5); i < n; ++i) out += (i ? "," + space() : "") + value(depth + 1);
        return out + space() + "]";
      }
      default: {
        std::string out = "{" + space();
        for (int i = 0, n = pick(5); i < n; ++i) {
          out += (i ? "," + space() : "") + string() + space() + ":" + space() + value(depth + 1);
        }
        return out + "}";
      }
    }
  }

  std::string string() {
    static const char* const kPieces[] = {"a", "b", " ", ",", "[", "]", "{", "}", ":", "\\\\",
                                          "\\\"", "\\n", "\\u0041", "\xc3\xa9", "\\\\\\\\", "xyz0123456789"};
    std::string out = "\"";
    const int n = pick(4) == 0 ? pick(200) : pick(12);
    for (int i = 0; i < n; ++i) out += kPieces[pick(std::size(kPieces))];
    return out + "\"";
  }

  std::string space() {
    static const char* const kSpaces[] = {"", "", "", " ", "\n", "\r\n  ", "\t"};
    return kSpaces[pick(std::size(kSpaces))];
  }

  int pick(std::size_t n) { return static_cast<int>(rng_() % n); }

 private:
  std::mt19937 rng_;
};

TEST(EntryStream, RandomDocumentsSplitExactly) {
  for (unsigned seed = 0; seed < 300; ++seed) {
    JsonGenerator gen(seed);
    std::vector<Item> expected;
    std::string text = gen.space() + "[" + gen.space();
    for (int i = 0, n = gen.pick(30); i < n; ++i) {
      expected.push_back({gen.value(), true});
      text += (i ? gen.space() + "," + gen.space() : "") + expected.back().raw;
    }
    text += gen.space() + "]";
    ASSERT_EQ(split(text), expected) << "seed " << seed << ": " << text;

    // Every proper prefix is a truncated array: a prefix of the entries, then an error.
    for (std::size_t cut = 1; cut < text.size(); cut += 1 + cut / 50) {
      if (text.find_first_not_of(" \n\r\t") >= cut) continue;
      const auto [raws, error] = split_until_error(std::string_view(text).substr(0, cut));
      ASSERT_FALSE(error.empty()) << "seed " << seed << " cut " << cut;
      ASSERT_LE(raws.size(), expected.size());
      for (std::size_t i = 0; i < raws.size(); ++i) ASSERT_EQ(raws[i], expected[i].raw);
    }
  }
}

TEST(EntryStream, GarbageNeverCrashesOrHangs) {
  std::mt19937 rng(7);
  const std::string alphabet = "[]{},:\" \\a1\n";
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 100, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    EntryStream stream(text, "g.json");
    Entry entry;
    std::size_t count = 0;
    try {
      while (stream.next(entry)) {
        ASSERT_LE(++count, text.size());
        peek_moniker(entry.raw);
      }
    } catch (const SourceError&) {
    }
    peek_moniker(text);
  }
}

TEST(PeekMoniker, ReadsTheMonikerWithoutTheRest) {
  EXPECT_EQ(peek_moniker(R"({"data_source":"Inspect","metadata":{"moniker":"no"},"moniker":"core/network/netstack","payload":{"root":{"moniker":"nested"}},"version":1})"),
            "core/network/netstack");
  EXPECT_EQ(peek_moniker("{\n  \"payload\" : [1, {\"x\": \"}\"}],\n  \"moniker\" : \"a/b\"\n}"), "a/b");
  EXPECT_EQ(peek_moniker(R"({"moniker":"","payload":null})"), "");
  EXPECT_EQ(peek_moniker(R"({"moniker":"caf\u00e9"})"), std::nullopt);  // escaped: parse it
  EXPECT_EQ(peek_moniker("{\"moniker\":\"caf\xc3\xa9\"}"), "caf\xc3\xa9");
}

TEST(PeekMoniker, UndecidableCasesReturnNullopt) {
  EXPECT_EQ(peek_moniker(R"({"payload":{}})"), std::nullopt);                   // absent
  EXPECT_EQ(peek_moniker(R"({"moniker":null})"), std::nullopt);                 // not a string
  EXPECT_EQ(peek_moniker(R"({"moniker":"a","moniker":"b"})"), std::nullopt);    // last one wins
  EXPECT_EQ(peek_moniker(R"({"monik\u0065r":"a"})"), std::nullopt);             // escaped key
  EXPECT_EQ(peek_moniker("{\"moniker\":\"\xff\"}"), std::nullopt);              // invalid UTF-8
  EXPECT_EQ(peek_moniker(R"({"moniker":"a"} x)"), std::nullopt);                // trailing bytes
  EXPECT_EQ(peek_moniker(R"({"moniker":"a")"), std::nullopt);                   // truncated
  EXPECT_EQ(peek_moniker(R"([{"moniker":"a"}])"), std::nullopt);                // not an object
  EXPECT_EQ(peek_moniker(R"({"moniker" "a"})"), std::nullopt);                  // malformed
}

}  // namespace
}  // namespace netinspect::source

namespace netinspect::source {
namespace {

TEST(ParseEntry, ParsesAndMovesErrorPositionsToTheFile) {
  const std::string text = "[\n  {\"a\": [1, 2]},\n  {\"b\": tru},\n  {\"c\":\n 1x}\n]";
  EntryStream stream(text, "t.json");
  Entry entry;
  ASSERT_TRUE(stream.next(entry));
  const json::Value first = parse_entry(stream, entry);
  EXPECT_EQ(first.get("a").size(), 2u);
  ASSERT_TRUE(stream.next(entry));
  try {
    parse_entry(stream, entry);
    ADD_FAILURE() << "no error";
  } catch (const json::ParseError& e) {
    json::ParseError alone("", 0, 0);
    try {
      json::parse(entry.raw);
    } catch (const json::ParseError& inner) {
      alone = inner;
    }
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(e.column(), alone.column() + 2);  // the entry starts at column 3
    EXPECT_TRUE(std::string_view(e.what()).ends_with(" at line 3, column " + std::to_string(e.column()))) << e.what();
  }
  ASSERT_TRUE(stream.next(entry));
  try {
    parse_entry(stream, entry);
    ADD_FAILURE() << "no error";
  } catch (const json::ParseError& e) {
    EXPECT_EQ(e.line(), 5u);  // second line of the entry: columns are unchanged
    EXPECT_TRUE(std::string_view(e.what()).ends_with(" at line 5, column " + std::to_string(e.column()))) << e.what();
  }
}

}  // namespace
}  // namespace netinspect::source

#include "source/scan.h"

namespace netinspect::source {
namespace {

// The AVX2 and portable block loops must agree everywhere, garbage included.
TEST(Scanner, DispatchedAndBaselineBuildsAgree) {
  std::mt19937 rng(11);
  const std::string alphabet = "[]{},:\"\\ a\n";
  for (int round = 0; round < 3000; ++round) {
    std::string text(rng() % 300, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    for (std::size_t start = 0; start <= text.size(); start += 1 + rng() % 7) {
      for (bool comma : {false, true}) {
        const detail::ScanResult a = detail::scan_to_separator(text, start, comma);
        const detail::ScanResult b = detail::scan_to_separator_baseline(text, start, comma);
        ASSERT_EQ(a.stop, b.stop) << text << " from " << start;
        ASSERT_EQ(a.in_string, b.in_string) << text << " from " << start;
      }
    }
  }
}

TEST(Scanner, BackslashRunsAcrossBlockBoundaries) {
  // An odd run of backslashes escapes the quote after it, even when the run
  // straddles a 64-byte block boundary.
  for (std::size_t pad = 0; pad < 70; ++pad) {
    for (std::size_t run = 0; run < 5; ++run) {
      const std::string inner = std::string(pad, 'x') + std::string(run, '\\');
      // Even run: the quote closes the string. Odd run: it is escaped, so the string goes on.
      const std::string text = "\"" + inner + "\"]\"]";
      const detail::ScanResult r = detail::scan_to_separator(text, 0, true);
      const std::size_t closing = 1 + inner.size();
      ASSERT_EQ(r.stop, run % 2 == 0 ? closing + 1 : closing + 3) << pad << " " << run;
    }
  }
}

}  // namespace
}  // namespace netinspect::source
