// Unit tests of src/export: ids, times, part names, CSV/NDJSON rows, tables.
#include "export/export.h"

#include <gtest/gtest.h>

#include <set>

namespace netinspect::exporter {
namespace {

TEST(Export, Fnv1a64KnownVectors) {
  // Published FNV-1a 64 test vectors.
  EXPECT_EQ(hex16(fnv1a64(kFnvOffset, "")), "cbf29ce484222325");
  EXPECT_EQ(hex16(fnv1a64(kFnvOffset, "a")), "af63dc4c8601ec8c");
  EXPECT_EQ(hex16(fnv1a64(kFnvOffset, "foobar")), "85944171f73967e8");
  EXPECT_EQ(fnv1a64(fnv1a64(kFnvOffset, "foo"), "bar"), fnv1a64(kFnvOffset, "foobar"));
}

TEST(Export, ParsesFuchsiaUtcTime) {
  EXPECT_EQ(parse_utc_time("2020-06-17 00:10:57 GMT"), 1592352657);
  EXPECT_EQ(parse_utc_time("2020-06-17T00:10:57Z"), 1592352657);
  EXPECT_EQ(parse_utc_time("2020-06-17 00:10:57"), 1592352657);
  EXPECT_FALSE(parse_utc_time("yesterday"));
  EXPECT_FALSE(parse_utc_time("2020-13-17 00:10:57"));
  EXPECT_FALSE(parse_utc_time("2020-06-17 00:10:57 PST"));
  EXPECT_EQ(rfc3339(1592352657), "2020-06-17T00:10:57Z");
  EXPECT_EQ(date_of(1592352657), "2020-06-17");
}

TEST(Export, PartPathsAreHivePartitions) {
  EXPECT_EQ(part_path("sockets", "2026-11-26", 3, Format::Ndjson),
            "table=sockets/snapshot_date=2026-11-26/part-3.ndjson");
  EXPECT_EQ(part_path("counters", "2026-01-02", 0, Format::Csv), "table=counters/snapshot_date=2026-01-02/part-0.csv");
}

TEST(Export, EveryTableStartsWithTheKeyColumns) {
  std::set<std::string> names;
  for (const Table& table : tables()) {
    names.insert(table.name);
    ASSERT_GE(table.columns.size(), 5u) << table.name;
    for (std::size_t i = 0; i < std::size(kKeyColumns); ++i) EXPECT_EQ(table.columns[i], kKeyColumns[i]);
    std::set<std::string> unique(table.columns.begin(), table.columns.end());
    EXPECT_EQ(unique.size(), table.columns.size()) << table.name << " has a duplicate column";
  }
  EXPECT_EQ(names, (std::set<std::string>{"snapshots", "sockets", "nics", "addresses", "routes", "counters", "pprof",
                                          "triage"}));
}

TEST(Export, CsvQuotesAsRfc4180) {
  Table table{"t", {"a", "b", "c", "d", "e", "f"}};
  json::Object o;
  o.set("a", json::Value::string("plain"));
  o.set("b", json::Value::string("say \"hi\", then\nleave"));
  o.set("c", json::Value());
  o.set("d", json::Value::boolean(true));
  json::Array list{json::Value::string("10.0.0.1/24"), json::Value::string("fe80::1/64")};
  o.set("e", json::Value::array(list));
  o.set("f", json::Value::number(42));
  std::string out;
  append_csv_row(table, json::Value::object(o), out);
  EXPECT_EQ(out, "plain,\"say \"\"hi\"\", then\nleave\",,true,\"[\"\"10.0.0.1/24\"\",\"\"fe80::1/64\"\"]\",42\r\n");
  EXPECT_EQ(csv_header(table), "a,b,c,d,e,f\r\n");
}

TEST(Export, NdjsonIsOneCompactLine) {
  json::Object o;
  o.set("a", json::Value::number(1));
  o.set("b", json::Value::string("x"));
  std::string out;
  append_ndjson_row(json::Value::object(o), out);
  EXPECT_EQ(out, "{\"a\":1,\"b\":\"x\"}\n");
}

}  // namespace
}  // namespace netinspect::exporter
