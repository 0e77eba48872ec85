#include "diagnose/json5.h"

#include <gtest/gtest.h>

#include "json/write.h"

namespace netinspect::diagnose {
namespace {

TEST(Json5, CommentsUnquotedKeysTrailingCommasSingleQuotes) {
  json::Value v = parse_json5(
      "// top\n{ a: 1, /* block */ 'b': 'x\\'y', c: [1, 2,], d: +.5, e: 0x10, }");
  EXPECT_EQ(json::to_json(v), R"({"a":1,"b":"x'y","c":[1,2],"d":0.5,"e":16})");
}

TEST(Json5, ErrorsCarryLineAndColumn) {
  try {
    parse_json5("{\n  a: 1,\n  b: ?\n}");
    FAIL();
  } catch (const Json5Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3, column 6"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_json5("{a: 1"), Json5Error);
  EXPECT_THROW(parse_json5("{a: 1, a: 2}"), Json5Error);
  EXPECT_THROW(parse_json5("'unterminated"), Json5Error);
  EXPECT_THROW(parse_json5("/* open"), Json5Error);
}

}  // namespace
}  // namespace netinspect::diagnose
