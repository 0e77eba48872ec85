// OpenOptions::parse (the `--max-depth N` input option) reaches every parse of
// an entry: open_entries hands it to the stream, parse_entry uses it, and a
// depth error names the option that raises the limit.
#include <gtest/gtest.h>

#include <string>

#include "fixtures.h"
#include "source/source.h"

namespace netinspect::source {
namespace {

std::string nested(std::size_t depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); }

// Parses every entry of `path`; the error message, or "" when all parsed.
std::string parse_all(const std::string& path, const OpenOptions& options) {
  auto stream = open_entries(path, options);
  Entry entry;
  try {
    while (stream->next(entry)) parse_entry(*stream, entry);
  } catch (const json::ParseError& error) {
    return error.what();
  }
  return "";
}

TEST(ParseDepth, DefaultIsJqsLimit) {
  testing::TempDir dir;
  // An entry (an element of the top-level array) is parsed on its own: its
  // depth does not count the array around it.
  const std::string ok = testing::write_file(dir.file("ok.json"), "[" + nested(10000) + "]");
  const std::string deep = testing::write_file(dir.file("deep.json"), "[" + nested(10001) + "]");
  EXPECT_EQ(parse_all(ok, {}), "");
  EXPECT_EQ(parse_all(deep, {}),
            "Exceeds depth limit for parsing at line 1, column 10002 (raise it with --max-depth)");
}

TEST(ParseDepth, OptionRaisesAndLowersTheLimit) {
  testing::TempDir dir;
  const std::string deep = testing::write_file(dir.file("deep.json"), "[" + nested(10001) + "]");
  OpenOptions raised;
  raised.parse.max_depth = 20000;
  EXPECT_EQ(parse_all(deep, raised), "");

  const std::string small = testing::write_file(dir.file("small.json"), "[{\"a\": [[1]]}]");
  OpenOptions low;
  // Depth 4 as jq counts it: the object, its pending key "a", two arrays.
  low.parse.max_depth = 4;
  EXPECT_EQ(parse_all(small, low), "");
  low.parse.max_depth = 3;
  EXPECT_EQ(parse_all(small, low), "Exceeds depth limit for parsing at line 1, column 9 (raise it with --max-depth)");
}

TEST(ParseDepth, CompressedInputsToo) {
  testing::TempDir dir;
  const std::string gz = testing::write_file(dir.file("deep.json.gz"), testing::gzip("[" + nested(50) + "]"));
  OpenOptions low;
  low.parse.max_depth = 10;
  EXPECT_NE(parse_all(gz, low).find("Exceeds depth limit for parsing"), std::string::npos);
  low.parse.max_depth = 50;
  EXPECT_EQ(parse_all(gz, low), "");
}

TEST(ParseDepth, ExplicitOptionsWin) {
  const std::string text = "[" + nested(5) + "]";
  EntryStream stream(text, "t.json");
  Entry entry;
  ASSERT_TRUE(stream.next(entry));
  json::ParseOptions options;
  options.max_depth = 4;
  EXPECT_THROW(parse_entry(stream, entry, options), json::ParseError);
  EXPECT_NO_THROW(parse_entry(stream, entry));
}

TEST(ParseDepth, ExplainParseError) {
  EXPECT_EQ(explain_parse_error("Exceeds depth limit for parsing at line 1, column 3"),
            "Exceeds depth limit for parsing at line 1, column 3 (raise it with --max-depth)");
  // Applied twice, the hint is still there once.
  EXPECT_EQ(explain_parse_error(explain_parse_error("Exceeds depth limit for parsing")),
            "Exceeds depth limit for parsing (raise it with --max-depth)");
  EXPECT_EQ(explain_parse_error("Unfinished JSON term at EOF at line 2, column 0"),
            "Unfinished JSON term at EOF at line 2, column 0");
}

}  // namespace
}  // namespace netinspect::source
