// plain_file_size: the total a progress bar may promise (0 = unknown).
#include <gtest/gtest.h>

#include "source/source.h"
#include "fixtures.h"

namespace netinspect::source {
namespace {

TEST(PlainFileSize, RegularFilesOnly) {
  testing::TempDir dir;
  const std::string json = testing::write_file(dir.file("a.json"), "[1,2,3]\n");
  EXPECT_EQ(plain_file_size(json), 8u);
  EXPECT_EQ(plain_file_size(testing::write_file(dir.file("empty.json"), "")), 0u);
  // Compressed inputs are detected by content, whatever their name.
  EXPECT_EQ(plain_file_size(testing::write_file(dir.file("a.json.gz"), testing::gzip("[1]"))), 0u);
  EXPECT_EQ(plain_file_size(testing::write_file(dir.file("disguised.json"), testing::gzip("[1]"))), 0u);
  EXPECT_EQ(plain_file_size(testing::make_zip(dir.file("s.zip"), {{"inspect.json", "[1]"}})), 0u);
  EXPECT_EQ(plain_file_size(dir.path().string()), 0u);
  EXPECT_EQ(plain_file_size(dir.file("missing.json")), 0u);
  EXPECT_EQ(plain_file_size("-"), 0u);
}

}  // namespace
}  // namespace netinspect::source
