#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "fixtures.h"
#include "source/source.h"

namespace netinspect::source {
namespace {

using testing::gzip;
using testing::make_zip;
using testing::TempDir;
using testing::write_file;
using testing::ZipMember;

constexpr std::string_view kSnapshot =
    "[\n{\"moniker\":\"core/network/netstack\",\"payload\":{\"root\":{\"a\":1}}},\n"
    "{\"moniker\":\"bootstrap/archivist\",\"payload\":null}\n]\n";

// Runs `body` and returns the SourceError message it throws ("" if none).
template <class F>
std::string error_of(F&& body) {
  try {
    body();
  } catch (const SourceError& e) {
    return e.what();
  }
  return "";
}

OpenOptions with_limit(std::uint64_t bytes) {
  OpenOptions options;
  options.limits.max_decompressed_bytes = bytes;
  return options;
}

TEST(Input, PlainFileIsMappedWithPadding) {
  TempDir dir;
  // Around page boundaries: the zero padding must exist in every case.
  for (std::size_t size : {std::size_t{1}, std::size_t{4000}, std::size_t{4095}, std::size_t{4096},
                           std::size_t{4097}, std::size_t{3 * 4096 - 64}}) {
    const std::string bytes(size, 'x');
    const std::string path = write_file(dir.file("plain.json"), bytes);
    const Input input = open(path);
    EXPECT_EQ(input.text(), bytes);
    EXPECT_EQ(input.name(), path);
    ASSERT_TRUE(input.filename().has_value());
    EXPECT_EQ(*input.filename(), path);
    EXPECT_EQ(input.compression(), Compression::None);
    for (std::size_t i = 0; i < Input::kPadding; ++i) ASSERT_EQ(input.text().data()[size + i], '\0');
  }
}

TEST(Input, EmptyFile) {
  TempDir dir;
  const Input input = open(write_file(dir.file("empty.json"), ""));
  EXPECT_TRUE(input.text().empty());
  EntryStream stream(input);
  Entry entry;
  EXPECT_FALSE(stream.next(entry));
}

TEST(Input, MissingFileAndDirectory) {
  TempDir dir;
  EXPECT_EQ(error_of([&] { open(dir.file("nope.json")); }),
            dir.file("nope.json") + ": No such file or directory");
  EXPECT_EQ(error_of([&] { open(dir.path().string()); }), dir.path().string() + ": is a directory");
}

TEST(Input, NonUtf8BytesPassThrough) {
  TempDir dir;
  const std::string bytes = "[\"\xff\xfe\xc3\x28\"]";
  EXPECT_EQ(open(write_file(dir.file("latin.json"), bytes)).text(), bytes);
}

TEST(Input, ReleasedPagesStayReadable) {
  TempDir dir;
  std::string bytes(3 << 20, 'a');
  for (std::size_t i = 0; i < bytes.size(); i += 7) bytes[i] = static_cast<char>('a' + i % 26);
  const Input input = open(write_file(dir.file("big.json"), bytes));
  input.release_before(2 << 20);
  EXPECT_EQ(input.text(), bytes);
}

TEST(Input, GzipDetectedByContentNotExtension) {
  TempDir dir;
  const std::string path = write_file(dir.file("snap.json"), gzip(kSnapshot));
  const Input input = open(path);
  EXPECT_EQ(input.compression(), Compression::Gzip);
  EXPECT_EQ(input.text(), kSnapshot);
  EXPECT_EQ(input.name(), path);
  EXPECT_EQ(input.text().data()[input.text().size()], '\0');
}

TEST(Input, MultiMemberGzip) {
  TempDir dir;
  const Input input = open(write_file(dir.file("two.gz"), gzip("[1,") + gzip("2]")));
  EXPECT_EQ(input.text(), "[1,2]");
}

TEST(Input, LargeGzip) {
  TempDir dir;
  std::string text;
  for (int i = 0; text.size() < (5u << 20); ++i) text += "{\"i\":" + std::to_string(i) + "},";
  EXPECT_EQ(open(write_file(dir.file("big.gz"), gzip(text))).text(), text);
}

TEST(Input, GzipWithTrailingGarbage) {
  TempDir dir;
  const std::string compressed = gzip(kSnapshot);
  const std::string path = write_file(dir.file("junk.gz"), compressed + "garbage");
  EXPECT_EQ(error_of([&] { open(path); }),
            path + ": unexpected data after the end of the gzip stream at byte " +
                std::to_string(compressed.size()));
}

TEST(Input, TruncatedGzip) {
  TempDir dir;
  const std::string compressed = gzip(kSnapshot);
  for (std::size_t keep : {std::size_t{2}, std::size_t{10}, compressed.size() / 2, compressed.size() - 1}) {
    const std::string path = write_file(dir.file("cut.gz"), compressed.substr(0, keep));
    EXPECT_EQ(error_of([&] { open(path); }),
              path + ": truncated gzip data (input ends after " + std::to_string(keep) + " bytes)")
        << keep;
  }
}

TEST(Input, CorruptGzip) {
  TempDir dir;
  std::string compressed = gzip(kSnapshot);
  compressed[3] = '\xff';  // reserved flag bits
  const std::string path = write_file(dir.file("bad.gz"), compressed);
  EXPECT_TRUE(error_of([&] { open(path); }).starts_with(path + ": corrupt gzip data at byte"));
}

TEST(Input, GzipBomb) {
  TempDir dir;
  const std::string path = write_file(dir.file("bomb.gz"), gzip(std::string(4 << 20, '\0')));
  EXPECT_EQ(error_of([&] { open(path, with_limit(1 << 20)); }),
            path + ": decompressed size exceeds 1 MiB limit (use --max-decompressed-size to raise it)");
  // Exactly at the limit is fine.
  EXPECT_EQ(open(path, with_limit(4 << 20)).text().size(), std::size_t{4} << 20);
}

TEST(Input, SizesInMessages) {
  EXPECT_EQ(format_size(Limits{}.max_decompressed_bytes), "16 GiB");
  EXPECT_EQ(format_size(1000), "1000 bytes");
  EXPECT_EQ(format_size(1536), "1.5 KiB");
  EXPECT_EQ(format_size(3ULL << 40), "3 TiB");
}

TEST(Input, ZipReadsInspectJson) {
  TempDir dir;
  const std::string path = make_zip(dir.file("snap.zip"), {{"annotations.json", "{}"},
                                                           {"inspect.json", std::string(kSnapshot)},
                                                           {"metadata.json", "{}"}});
  const Input input = open(path);
  EXPECT_EQ(input.compression(), Compression::Zip);
  EXPECT_EQ(input.text(), kSnapshot);
  EXPECT_EQ(input.name(), path + "#inspect.json");
  EXPECT_EQ(*input.filename(), path);
}

TEST(Input, ZipDetectedByContentAndMemberOption) {
  TempDir dir;
  const std::string path = make_zip(dir.file("snapshot.bin"), {{"inspect.json", "[1]"}, {"other.json", "[2]"}});
  EXPECT_EQ(open(path).text(), "[1]");
  OpenOptions options;
  options.zip_member = "other.json";
  const Input other = open(path, options);
  EXPECT_EQ(other.text(), "[2]");
  EXPECT_EQ(other.name(), path + "#other.json");
}

TEST(Input, ZipMemberInSubdirectory) {
  TempDir dir;
  const std::string path = make_zip(dir.file("nested.zip"), {{"snapshot/inspect.json", "[3]"}});
  const Input input = open(path);
  EXPECT_EQ(input.text(), "[3]");
  EXPECT_EQ(input.name(), path + "#snapshot/inspect.json");
}

TEST(Input, ZipWithoutInspectJsonListsMembers) {
  TempDir dir;
  const std::string path =
      make_zip(dir.file("logs.zip"), {{"annotations.json", "{}"}, {"log.system.txt", "hello"}});
  EXPECT_EQ(error_of([&] { open(path); }),
            path + ": no member inspect.json in zip archive (members: annotations.json, "
                   "log.system.txt; choose one with --member NAME)");
}

TEST(Input, TruncatedZip) {
  TempDir dir;
  const std::string whole = testing::read_file(
      make_zip(dir.file("whole.zip"), {{"inspect.json", std::string(kSnapshot)}}));
  for (std::size_t keep : {std::size_t{4}, whole.size() / 2, whole.size() - 1}) {
    const std::string path = write_file(dir.file("cut.zip"), whole.substr(0, keep));
    EXPECT_TRUE(error_of([&] { open(path); })
                    .starts_with(path + ": not a readable zip archive (truncated or corrupt?): "))
        << keep << ": " << error_of([&] { open(path); });
  }
}

TEST(Input, CorruptZipMemberData) {
  TempDir dir;
  std::mt19937 rng(1);
  std::string text(10000, 'a');
  for (char& c : text) c = static_cast<char>('a' + rng() % 26);  // barely compressible
  std::string bytes = testing::read_file(make_zip(dir.file("ok.zip"), {{"inspect.json", text}}));
  bytes[30 + 12 + 100] ^= 0x55;  // inside the compressed data, past the local header
  const std::string path = write_file(dir.file("bad.zip"), bytes);
  EXPECT_TRUE(error_of([&] { open(path); }).starts_with(path + "#inspect.json: cannot read zip member: "))
      << error_of([&] { open(path); });
}

TEST(Input, ZipBomb) {
  TempDir dir;
  const std::string path =
      make_zip(dir.file("bomb.zip"), {{"inspect.json", std::string(4 << 20, ' ')}});
  EXPECT_EQ(error_of([&] { open(path, with_limit(1 << 20)); }),
            path + "#inspect.json: decompressed size exceeds 1 MiB limit (use "
                   "--max-decompressed-size to raise it)");
}

TEST(Input, EncryptedZipMember) {
  TempDir dir;
  zip_uint16_t method = ZIP_EM_NONE;
  for (zip_uint16_t candidate : {zip_uint16_t{ZIP_EM_AES_256}, zip_uint16_t{ZIP_EM_TRAD_PKWARE}}) {
    if (zip_encryption_method_supported(candidate, 1)) method = candidate;
  }
  if (method == ZIP_EM_NONE) GTEST_SKIP() << "libzip cannot write encrypted archives here";
  const std::string path =
      make_zip(dir.file("secret.zip"), {{"inspect.json", std::string(kSnapshot), method}});
  EXPECT_EQ(error_of([&] { open(path); }),
            path + "#inspect.json: zip member is encrypted (not supported; decrypt the archive first)");
}

TEST(Input, ZipMemberNamesAreNeverPaths) {
  TempDir dir;
  const std::string path = make_zip(
      dir.file("evil.zip"), {{"../../escape.json", "[0]"}, {"inspect.json", std::string(kSnapshot)}});
  EXPECT_EQ(open(path).text(), kSnapshot);
  OpenOptions options;
  options.zip_member = "../../escape.json";
  EXPECT_EQ(open(path, options).text(), "[0]");
  EXPECT_FALSE(std::filesystem::exists(dir.path().parent_path().parent_path() / "escape.json"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(Input, FromBytesDecodes) {
  const Input input = Input::from_bytes("mem.gz", gzip("[42]"));
  EXPECT_EQ(input.text(), "[42]");
  EXPECT_EQ(input.compression(), Compression::Gzip);
}

// Reads `bytes` as stdin: fd 0 is pointed at a file for the duration.
Input open_stdin_with(const TempDir& dir, std::string_view bytes, const OpenOptions& options = {}) {
  const std::string path = write_file(dir.file("stdin"), bytes);
  const int saved = ::dup(STDIN_FILENO);
  const int fd = ::open(path.c_str(), O_RDONLY);
  ::dup2(fd, STDIN_FILENO);
  ::close(fd);
  struct Restore {
    int saved;
    ~Restore() {
      ::dup2(saved, STDIN_FILENO);
      ::close(saved);
    }
  } restore{saved};
  return open("-", options);
}

TEST(Input, Stdin) {
  TempDir dir;
  const Input plain = open_stdin_with(dir, kSnapshot);
  EXPECT_EQ(plain.text(), kSnapshot);
  EXPECT_EQ(plain.name(), "<stdin>");
  EXPECT_FALSE(plain.filename().has_value());

  const Input gz = open_stdin_with(dir, gzip(kSnapshot));
  EXPECT_EQ(gz.text(), kSnapshot);
  EXPECT_EQ(gz.compression(), Compression::Gzip);

  const Input zipped = open_stdin_with(
      dir, testing::read_file(make_zip(dir.file("s.zip"), {{"inspect.json", std::string(kSnapshot)}})));
  EXPECT_EQ(zipped.text(), kSnapshot);
  EXPECT_EQ(zipped.name(), "<stdin>#inspect.json");

  EXPECT_TRUE(open_stdin_with(dir, "").text().empty());
}

TEST(Input, PipeIsRead) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "[7]", 3), 3);
  ::close(fds[1]);
  const Input input = open("/dev/fd/" + std::to_string(fds[0]));
  ::close(fds[0]);
  EXPECT_EQ(input.text(), "[7]");
}

TEST(Input, DirectoryOfSnapshotsInNameOrder) {
  TempDir dir;
  write_file(dir.file("b.json"), "[2]");
  write_file(dir.file("a.json.gz"), gzip("[1]"));
  make_zip(dir.file("c.zip"), {{"inspect.json", "[3]"}});
  write_file(dir.file(".hidden.json"), "[0]");
  write_file(dir.file("notes.txt"), "x");
  std::filesystem::create_directory(dir.path() / "sub.json");
  const std::vector<std::string> paths = expand_paths({"-", dir.path().string(), "x.json"});
  EXPECT_EQ(paths, (std::vector<std::string>{"-", dir.file("a.json.gz"), dir.file("b.json"),
                                             dir.file("c.zip"), "x.json"}));

  std::vector<Input> inputs = open_all({dir.path().string()});
  ASSERT_EQ(inputs.size(), 3u);
  EXPECT_EQ(inputs[0].text(), "[1]");
  EXPECT_EQ(inputs[1].text(), "[2]");
  EXPECT_EQ(inputs[2].text(), "[3]");
  EXPECT_EQ(inputs[2].name(), dir.file("c.zip") + "#inspect.json");
}

TEST(Input, UnpackedSnapshotDirectory) {
  TempDir dir;
  write_file(dir.file("inspect.json"), "[1]");
  write_file(dir.file("annotations.json"), "{}");
  EXPECT_EQ(expand_paths({dir.path().string()}), std::vector<std::string>{dir.file("inspect.json")});
}

TEST(Input, DirectoryWithoutSnapshots) {
  TempDir dir;
  write_file(dir.file("notes.txt"), "x");
  EXPECT_EQ(error_of([&] { expand_paths({dir.path().string()}); }),
            dir.path().string() +
                ": no snapshot in directory (expected inspect.json or *.json, *.json.gz, *.zip files)");
}

}  // namespace
}  // namespace netinspect::source

namespace netinspect::source {
namespace {

TEST(Input, TooManyZipMembers) {
  testing::TempDir dir;
  const std::string path =
      testing::make_zip(dir.file("many.zip"), {{"inspect.json", "[]"}, {"a", "1"}, {"b", "2"}});
  OpenOptions options;
  options.limits.max_zip_members = 2;
  try {
    open(path, options);
    ADD_FAILURE() << "no error";
  } catch (const SourceError& e) {
    EXPECT_STREQ(e.what(), (path + ": zip archive has 3 members, more than the limit of 2 (use --max-zip-members to raise it)").c_str());
  }
}

}  // namespace
}  // namespace netinspect::source
