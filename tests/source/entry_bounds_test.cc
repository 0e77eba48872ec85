// The entry fields that let a caller see top-level value boundaries (end,
// last_element, array_end, empty arrays as values) and StructureError.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "source/internal.h"
#include "source/source.h"

namespace netinspect::source {
namespace {

struct Seen {
  std::string raw;
  bool element;
  bool last;
  std::string closing;  // text[array_end - 1] for last elements
};

std::vector<Seen> walk(std::string_view text, bool empty_arrays) {
  EntryStream::Options options;
  options.empty_arrays_as_values = empty_arrays;
  EntryStream stream(text, "t.json", options);
  std::vector<Seen> seen;
  Entry entry;
  while (stream.next(entry)) {
    EXPECT_LE(entry.offset, entry.end);
    if (entry.raw != "[]") {
      EXPECT_EQ(text.substr(entry.offset, entry.end - entry.offset), entry.raw);
    }
    seen.push_back({std::string(entry.raw), entry.array_element, entry.last_element,
                    entry.last_element ? std::string(1, text[entry.array_end - 1]) : ""});
  }
  return seen;
}

TEST(EntryBounds, LastElementMarksTheArrayEnd) {
  const auto seen = walk("[1, {\"a\":2} ]\n[3]", false);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_FALSE(seen[0].last);
  EXPECT_TRUE(seen[1].last);
  EXPECT_EQ(seen[1].closing, "]");
  EXPECT_TRUE(seen[2].last);
}

TEST(EntryBounds, EmptyArraysAreSkippedUnlessAsked) {
  EXPECT_TRUE(walk("[] [ ]", false).empty());
  const auto seen = walk("[] [ ] [1]", true);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].raw, "[]");
  EXPECT_FALSE(seen[0].element);
  EXPECT_EQ(seen[1].raw, "[]");
  EXPECT_TRUE(seen[2].element);
}

TEST(EntryBounds, EndOfScalarValues) {
  EntryStream stream(std::string_view("12 \"x\""), "t.json");
  Entry entry;
  ASSERT_TRUE(stream.next(entry));
  EXPECT_EQ(entry.end, 2u);
  ASSERT_TRUE(stream.next(entry));
  EXPECT_EQ(entry.end, 6u);
}

TEST(EntryBounds, BrokenStructureIsAStructureError) {
  EntryStream stream(std::string_view("[1, 2"), "t.json");
  Entry entry;
  EXPECT_TRUE(stream.next(entry));
  EXPECT_THROW(
      {
        while (stream.next(entry)) {
        }
      },
      StructureError);
}

TEST(EntryBounds, AvailableFrom) {
  const std::string text = "[1,\n2]\n";
  EntryStream stream(text, "t.json");
  EXPECT_EQ(stream.available_from(4), "2]\n");
  EXPECT_EQ(stream.available_from(text.size()), "");
  EXPECT_EQ(stream.available_from(text.size() + 1), "");
}

TEST(EntryBounds, ReaderModeKeepsTheSameBounds) {
  const std::string text = "[{\"a\":1},{\"b\":[2]}]\n[]\n";
  EntryStream::Options options;
  options.empty_arrays_as_values = true;
  options.read_size = 3;  // many refills
  EntryStream stream(detail::memory_reader(text), options);
  Entry entry;
  std::vector<std::string> raws;
  std::vector<bool> lasts;
  while (stream.next(entry)) {
    raws.emplace_back(entry.raw);
    lasts.push_back(entry.last_element);
    if (entry.last_element) {
      EXPECT_EQ(text[entry.array_end - 1], ']');
    }
  }
  EXPECT_EQ(raws, (std::vector<std::string>{"{\"a\":1}", "{\"b\":[2]}", "[]"}));
  EXPECT_EQ(lasts, (std::vector<bool>{false, true, false}));
}

}  // namespace
}  // namespace netinspect::source
