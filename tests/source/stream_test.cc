// EntryStream over a Reader (sliding window) must behave exactly as over the
// whole text: same entries, same errors at the same line and column.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "fixtures.h"
#include "source/source.h"

namespace netinspect::source {
namespace {

// Hands out `text` in chunks of 1..max_chunk bytes.
class ChunkReader : public Reader {
 public:
  ChunkReader(std::string text, std::size_t max_chunk, unsigned seed)
      : text_(std::move(text)), max_chunk_(max_chunk), rng_(seed) {
    name = "chunks.json";
  }
  std::size_t read(char* buffer, std::size_t size) override {
    const std::size_t n = std::min({size, text_.size() - pos_, 1 + rng_() % max_chunk_});
    std::memcpy(buffer, text_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string text_;
  std::size_t max_chunk_;
  std::size_t pos_ = 0;
  std::mt19937 rng_;
};

struct Outcome {
  std::vector<std::string> raws;
  std::vector<std::size_t> offsets;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

Outcome drain(EntryStream& stream) {
  Outcome outcome;
  Entry entry;
  try {
    while (stream.next(entry)) {
      outcome.raws.emplace_back(entry.raw);
      outcome.offsets.push_back(entry.offset);
      const Position at = stream.locate(entry.offset);
      outcome.raws.back() += " @" + std::to_string(at.line) + ":" + std::to_string(at.column);
    }
  } catch (const SourceError& e) {
    outcome.error = e.what();
  }
  return outcome;
}

Outcome over_text(const std::string& text, bool split_arrays = true) {
  EntryStream::Options options;
  options.split_arrays = split_arrays;
  EntryStream stream(text, "chunks.json", options);
  return drain(stream);
}

Outcome over_reader(const std::string& text, std::size_t max_chunk, std::size_t read_size,
                    bool split_arrays = true) {
  EntryStream::Options options;
  options.split_arrays = split_arrays;
  options.read_size = read_size;
  EntryStream stream(std::make_unique<ChunkReader>(text, max_chunk, 5), options);
  return drain(stream);
}

const std::vector<std::string>& samples() {
  static const std::vector<std::string> kSamples = [] {
    std::vector<std::string> out = {
        "",
        "   \n  ",
        "\xEF\xBB\xBF[1,2]",
        "[\n{\"moniker\":\"a\",\"payload\":null},\n{\"moniker\":\"b\",\"payload\":{\"x\":[1,2,\"]\"]}}\n]\n",
        "[\n  {\n    \"a\": \"x\\\\\\\"y\"\n  },\n  [1, [2, [3]]],\n  \"s,]\"\n]",
        "{\"a\":1}\n2\n\"x\"\n[1,\n2]\ntrue{\"b\":\"}\"}\"c\"-3 12345",
        "[\n{\"a\":1},\n{\"b\":2},\n{\"c\":[3,",
        "[1,\n\"abc",
        "[1,\n]",
        "[1,\n,2]",
        "[1}\n",
        "[1]\n]",
        "{\"a\":\n",
        "\n\n\"abc",
        "[\n" + std::string(5000, ' ') + "{\"long\":\"" + std::string(3000, 'x') + "\"}\n]",
    };
    return out;
  }();
  return kSamples;
}

TEST(ReaderStream, SameEntriesAndErrorsAsWholeText) {
  for (const std::string& text : samples()) {
    const Outcome expected = over_text(text);
    for (std::size_t max_chunk : {1, 2, 3, 7, 64, 1000}) {
      for (std::size_t read_size : {1, 2, 5, 16, 4096}) {
        ASSERT_EQ(over_reader(text, max_chunk, read_size), expected)
            << "chunk " << max_chunk << " read " << read_size << ": " << text;
      }
    }
    ASSERT_EQ(over_reader(text, 3, 4, false), over_text(text, false)) << text;
  }
}

TEST(ReaderStream, GzipStreamEqualsPlain) {
  testing::TempDir dir;
  std::string text = "[\n";
  for (int i = 0; i < 20000; ++i) {
    text += (i ? ",\n" : "") + std::string("{\"moniker\":\"c/") + std::to_string(i) +
            "\",\"payload\":{\"root\":{\"n\":" + std::to_string(i * 7) + ",\"s\":\"a\\\"]\"}}}";
  }
  text += "\n]\n";
  const std::string plain = testing::write_file(dir.file("snap.json"), text);
  const std::string gz = testing::write_file(dir.file("snap.json.gz"), testing::gzip(text));
  const std::string zipped = testing::make_zip(dir.file("snap.zip"), {{"inspect.json", text}});

  EntryStream::Options small;
  small.read_size = 1000;  // many refills
  auto expected = open_entries(plain);
  const Outcome want = drain(*expected);
  ASSERT_TRUE(want.error.empty()) << want.error;
  ASSERT_EQ(want.raws.size(), 20000u);
  for (const std::string& path : {gz, zipped}) {
    auto stream = open_entries(path, {}, small);
    EXPECT_EQ(drain(*stream), want) << path;
    EXPECT_EQ(stream->filename(), path);
  }
  EXPECT_EQ(open_entries(gz)->name(), gz);
  EXPECT_EQ(open_entries(zipped)->name(), zipped + "#inspect.json");
}

TEST(ReaderStream, OpenReaderDetectsAndReports) {
  testing::TempDir dir;
  const auto read_everything = [](Reader& reader) {
    std::string out;
    char chunk[100];
    for (std::size_t got; (got = reader.read(chunk, sizeof chunk)) > 0;) out.append(chunk, got);
    return out;
  };
  const auto error_of = [&](const std::string& path, const OpenOptions& options = {}) -> std::string {
    try {
      auto reader = open_reader(path, options);
      read_everything(*reader);
    } catch (const SourceError& e) {
      return e.what();
    }
    return "";
  };
  const std::string text = "[1,2,3]";
  auto plain = open_reader(testing::write_file(dir.file("a.json"), text));
  EXPECT_EQ(read_everything(*plain), text);
  EXPECT_EQ(plain->compression, Compression::None);
  auto gz = open_reader(testing::write_file(dir.file("a.bin"), testing::gzip(text)));
  EXPECT_EQ(read_everything(*gz), text);
  EXPECT_EQ(gz->compression, Compression::Gzip);
  EXPECT_EQ(*gz->filename, dir.file("a.bin"));

  const std::string compressed = testing::gzip(text);
  const std::string cut = testing::write_file(dir.file("cut.gz"), compressed.substr(0, compressed.size() - 3));
  EXPECT_EQ(error_of(cut), cut + ": truncated gzip data (input ends after " +
                               std::to_string(compressed.size() - 3) + " bytes)");
  const std::string junk = testing::write_file(dir.file("junk.gz"), compressed + "x");
  EXPECT_EQ(error_of(junk), junk + ": unexpected data after the end of the gzip stream at byte " +
                                std::to_string(compressed.size()));
  const std::string two = testing::write_file(dir.file("two.gz"), testing::gzip("[1,") + testing::gzip("2]"));
  auto both = open_reader(two);
  EXPECT_EQ(read_everything(*both), "[1,2]");

  OpenOptions tight;
  tight.limits.max_decompressed_bytes = 1 << 20;
  const std::string bomb = testing::write_file(dir.file("bomb.gz"), testing::gzip(std::string(3 << 20, '\0')));
  EXPECT_EQ(error_of(bomb, tight),
            bomb + ": decompressed size exceeds 1 MiB limit (use --max-decompressed-size to raise it)");
  const std::string zip_bomb = testing::make_zip(dir.file("bomb.zip"), {{"inspect.json", std::string(3 << 20, ' ')}});
  EXPECT_EQ(error_of(zip_bomb, tight), zip_bomb + "#inspect.json: decompressed size exceeds 1 MiB limit "
                                                  "(use --max-decompressed-size to raise it)");
  const std::string no_member = testing::make_zip(dir.file("logs.zip"), {{"log.txt", "x"}});
  EXPECT_EQ(error_of(no_member), no_member + ": no member inspect.json in zip archive (members: log.txt; "
                                             "choose one with --member NAME)");
  const std::string whole = testing::read_file(testing::make_zip(dir.file("w.zip"), {{"inspect.json", text}}));
  const std::string truncated = testing::write_file(dir.file("t.zip"), whole.substr(0, whole.size() / 2));
  EXPECT_TRUE(error_of(truncated).starts_with(truncated + ": not a readable zip archive")) << error_of(truncated);
  EXPECT_EQ(error_of(dir.path().string()), dir.path().string() + ": is a directory");
}

TEST(ReaderStream, ZipFromPipe) {
  testing::TempDir dir;
  const std::string bytes =
      testing::read_file(testing::make_zip(dir.file("s.zip"), {{"inspect.json", "[{\"a\":1}]"}}));
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fds[1]);
  const std::string path = "/dev/fd/" + std::to_string(fds[0]);
  auto stream = open_entries(path);
  Entry entry;
  ASSERT_TRUE(stream->next(entry));
  EXPECT_EQ(entry.raw, "{\"a\":1}");
  EXPECT_FALSE(stream->next(entry));
  EXPECT_EQ(stream->name(), path + "#inspect.json");
  ::close(fds[0]);
}

}  // namespace
}  // namespace netinspect::source
