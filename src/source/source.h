// netinspect::source — snapshot inputs: files, stdin, gzip, zip, directories,
// and a fast splitter that hands out the entries of a top-level JSON array one
// at a time, so memory stays bounded by the largest entry rather than the file.
//
// Typical use: for each path of expand_paths(paths), open_entries(path) and
// next() through it; peek_moniker(entry.raw) to skip entries cheaply,
// parse_entry() for the rest. Input/open() hold a whole input in memory, for
// consumers that need all of the text at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "json/parse.h"
#include "json/value.h"

namespace netinspect::source {

namespace detail {
class Buffer;
}

// Every input problem: unreadable file, corrupt archive, size limit, broken
// array. what() is one line that names the input (and position when known).
class SourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The text is not well-formed JSON at the level the splitter checks (a broken
// or unfinished array): the input was read fine but is malformed, which jq
// callers report as a parse error rather than an I/O error.
class StructureError : public SourceError {
 public:
  using SourceError::SourceError;
};

struct Limits {
  // Cap on the bytes a .gz or .zip member may inflate to (zip/gzip bombs).
  std::uint64_t max_decompressed_bytes = 16ULL << 30;
  // Archives listing more members than this are rejected before reading.
  std::uint64_t max_zip_members = 100000;
};

struct OpenOptions {
  std::string zip_member = "inspect.json";  // `--member NAME`
  Limits limits;
  // `--max-depth N`: how every JSON text read from the input is parsed
  // (open_entries hands it to the stream, so parse_entry uses it).
  json::ParseOptions parse;
};

enum class Compression : std::uint8_t { None, Gzip, Zip };

// The whole text of one input, decompressed. Move-only. Plain files are
// memory-mapped; stdin, gzip and zip members live in a heap buffer.
class Input {
 public:
  // text() is always followed by at least this many readable bytes (zeros), so
  // SIMD readers (simdjson's SIMDJSON_PADDING is 64) can use any view into it
  // without copying.
  static constexpr std::size_t kPadding = 64;

  Input();
  ~Input();
  Input(Input&&) noexcept;
  Input& operator=(Input&&) noexcept;

  // Wraps bytes already in memory (tests, `--argfile`-like uses). Copies them.
  static Input from_bytes(std::string name, std::string_view bytes,
                          const OpenOptions& options = {});

  // For messages: "snap.json", "snap.zip#inspect.json", "<stdin>".
  const std::string& name() const { return name_; }
  // For jq's `input_filename`: the path as given; nullopt for stdin (jq: null).
  const std::optional<std::string>& filename() const { return filename_; }
  Compression compression() const { return compression_; }
  std::string_view text() const;

  // Tells the kernel it may drop the pages of a memory-mapped input that lie
  // wholly before `offset` (already consumed), keeping RSS bounded on big
  // files. Views into that range stay valid: pages are re-read on access.
  // No-op for heap-buffered inputs.
  void release_before(std::size_t offset) const;
  // What keeps text() (and its padding) alive: values that point into the
  // input (json::Value::unparsed) hold it beyond the Input's own life.
  std::shared_ptr<const void> text_owner() const { return storage_; }

  struct Storage;  // implementation detail (input.cc)

 private:
  friend Input open(const std::string& path, const OpenOptions& options);
  std::string name_;
  std::optional<std::string> filename_;
  Compression compression_ = Compression::None;
  std::shared_ptr<Storage> storage_;
};

// Opens one path: "-" is stdin; a file is detected as gzip (1f 8b) or zip
// (PK\3\4) by content, whatever its extension. A directory is an error here
// (use expand_paths). The whole decompressed text is held: for big compressed
// inputs prefer open_entries. Throws SourceError.
Input open(const std::string& path, const OpenOptions& options = {});

// A forward-only stream of one input's decompressed bytes, for inputs not
// held in memory whole: gzip is inflated and zip members are read chunk by
// chunk, so memory stays bounded whatever the decompressed size.
class Reader {
 public:
  virtual ~Reader() = default;
  // Reads up to `size` bytes into `buffer`; 0 at the end. Throws SourceError
  // (corrupt or truncated data, decompressed size over the limit).
  virtual std::size_t read(char* buffer, std::size_t size) = 0;
  // The decompressed size when known in advance (a zip member's header), else
  // 0: for presizing and progress only, never trusted.
  virtual std::uint64_t size_hint() const { return 0; }

  std::string name;                     // as Input::name()
  std::optional<std::string> filename;  // as Input::filename()
  Compression compression = Compression::None;
};

// Opens one path as a Reader (same detection and errors as open()).
std::unique_ptr<Reader> open_reader(const std::string& path, const OpenOptions& options = {});

// Replaces each directory by the snapshot inputs in it, in name order: its
// OpenOptions::zip_member file when present (an unpacked snapshot), else every
// regular *.json, *.json.gz, *.gz and *.zip file (hidden files skipped). Other
// paths, "-" included, are kept as given. Throws SourceError for a directory
// that cannot be read or holds no snapshot.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths,
                                      const OpenOptions& options = {});

// expand_paths + open, eagerly. Prefer opening one at a time for big inputs.
std::vector<Input> open_all(const std::vector<std::string>& paths,
                            const OpenOptions& options = {});

// "16 GiB", "1 MiB", "1000 bytes": how limits are spelled in messages.
std::string format_size(std::uint64_t bytes);

struct Position {
  std::size_t line = 1;    // 1-based
  std::size_t column = 1;  // 1-based, in bytes
};
// Line/column of byte `offset` in `text` (counts newlines: for error paths).
Position locate(std::string_view text, std::size_t offset);

// One item of an EntryStream.
struct Entry {
  std::string_view raw;  // the JSON text of the entry, trimmed; a view into the input
  // True for an element of a top-level array, false for a whole top-level
  // value that is not an array (or any value when split_arrays is off).
  bool array_element = false;
  std::size_t index = 0;   // 0-based count of items handed out before this one
  std::size_t offset = 0;  // byte offset of raw.data() in the text
  std::size_t end = 0;     // byte offset just past the entry's text
  // An array element right before its array's ']': the array is complete.
  bool last_element = false;
  std::size_t array_end = 0;  // with last_element: offset just past the ']'
};

// Splits JSON text into entries without parsing them: each top-level array is
// handed out element by element; any other top-level value (jq reads a stream
// of whitespace-separated values) is handed out whole. Only structure is
// checked (strings, escapes, bracket depth, commas): the contents of each
// entry are validated by whoever parses it. Never crashes or hangs on invalid
// input; a structural break throws SourceError naming the line and column,
// after every entry before it was returned.
//
// Over an Input or a string, entry views stay valid as long as the text does.
// Over a Reader, the stream keeps a sliding window (the current entry plus one
// read) and a view is valid only until the next call to next().
class EntryStream {
 public:
  struct Options {
    bool split_arrays = true;
    // Memory-mapped inputs: let the kernel drop consumed pages this often.
    std::size_t release_every = 64u << 20;
    // Reader inputs: bytes asked of the reader per refill (at least; the
    // window doubles while one entry does not fit).
    std::size_t read_size = 4u << 20;
    // Hand out an empty top-level array as one entry (raw "[]", not an array
    // element), for callers that must see every top-level value.
    bool empty_arrays_as_values = false;
    // How parse_entry parses the entries (nesting depth).
    json::ParseOptions parse;
  };

  EntryStream(const Input& input, Options options);
  explicit EntryStream(const Input& input) : EntryStream(input, Options{}) {}
  EntryStream(Input&& input, Options options);  // owns it
  EntryStream(std::unique_ptr<Reader> reader, Options options);
  explicit EntryStream(std::unique_ptr<Reader> reader) : EntryStream(std::move(reader), Options{}) {}
  // `name` is used in error messages. `text` must outlive the stream.
  EntryStream(std::string_view text, std::string name, Options options);
  EntryStream(std::string_view text, std::string name)
      : EntryStream(text, std::move(name), Options{}) {}
  ~EntryStream();
  EntryStream(const EntryStream&) = delete;
  EntryStream& operator=(const EntryStream&) = delete;

  // Next entry; false at the end. Throws SourceError on a structural break
  // (and, over a Reader, on a read or decompression error).
  bool next(Entry& out);

  // Line/column of a byte offset of the input (for errors inside an entry:
  // entry.offset + offset in entry.raw). Over a Reader, only offsets from the
  // current entry's start onwards can be located.
  Position locate(std::size_t offset) const;
  // The bytes of the input from `offset` to the end of what is in memory (the
  // whole text, or over a Reader the current window); empty when out of range.
  std::string_view available_from(std::size_t offset) const;
  // Decompressed bytes consumed so far (for progress).
  std::size_t bytes_consumed() const { return base_ + pos_; }
  const std::string& name() const { return name_; }
  // For jq's `input_filename`: the path as given; nullopt for stdin or text.
  const std::optional<std::string>& filename() const { return filename_; }
  const json::ParseOptions& parse_options() const { return options_.parse; }
  // What keeps every entry's raw text alive, with Input::kPadding readable
  // bytes after it, for as long as it is held: the Input of a stream over one
  // (a mapped file, a decompressed buffer); null over a Reader, whose window
  // moves on.
  std::shared_ptr<const void> text_owner() const { return input_ ? input_->text_owner() : nullptr; }

 private:
  enum class State : std::uint8_t { Start, TopLevel, ArrayFirst, ArrayNext, Done };
  [[noreturn]] void fail(std::size_t relative, std::string_view what) const;
  bool refill(std::size_t& keep_from);
  bool skip_whitespace(std::size_t& pos);
  std::size_t end_of_value(std::size_t& start);  // a top-level value that is not split; may refill
  std::string entries_so_far() const;

  std::string name_;
  std::optional<std::string> filename_;
  Options options_;
  std::unique_ptr<Input> owned_input_;
  const Input* input_ = nullptr;  // for release_before; null for text and readers
  std::unique_ptr<Reader> reader_;
  std::unique_ptr<detail::Buffer> buffer_;  // reader mode only
  std::string_view window_;  // the bytes in memory: the whole text, or the reader's window
  std::size_t base_ = 0;     // input offset of window_[0]
  std::size_t pos_ = 0;      // in window_
  bool eof_ = true;          // nothing more to read into the window
  std::size_t newlines_before_ = 0;    // newlines in the input before window_
  std::size_t line_start_before_ = 0;  // input offset where the line at window_[0] starts
  std::size_t released_ = 0;
  std::size_t count_ = 0;
  std::size_t array_open_ = 0;  // input offset of the current top-level array's '['
  State state_ = State::Start;
};

// An EntryStream over any path, the cheapest bounded-memory way: plain regular
// files are memory-mapped (pages dropped as consumed); stdin, pipes, gzip and
// zip are streamed through a Reader. `options.parse` replaces
// `stream_options.parse`. Throws SourceError.
std::unique_ptr<EntryStream> open_entries(const std::string& path, const OpenOptions& options = {},
                                          EntryStream::Options stream_options = {});

// Parses one entry with the stream's parse options (or `options`). A
// json::ParseError is rethrown with its "at line L, column C" (message and
// fields) made relative to the whole input, as jq would report it when
// reading the file, and with explain_parse_error applied.
json::Value parse_entry(const EntryStream& stream, const Entry& entry);
json::Value parse_entry(const EntryStream& stream, const Entry& entry, const json::ParseOptions& options);

// A parse error's message with, when a limit caused it, the option that
// raises it: "Exceeds depth limit for parsing at line 1, column 10001 (raise
// it with --max-depth)". Other messages are returned unchanged.
std::string explain_parse_error(std::string message);

// As parse_entry (with the stream's parse options), except that in a big
// entry (1 MiB or more) the containers at `defer_depth` (the entry object is
// depth 1, so 4 is each socket of an NS2 `payload."Socket Info"`) are left
// unparsed (json::Value::unparsed, over one copy of the entry's text) until
// read. Whatever the splitter does not expect makes it parse the entry
// whole, so errors are parse_entry's; text inside an unparsed container is
// only checked when it is read.
json::Value parse_entry_deferred(const EntryStream& stream, const Entry& entry, std::size_t defer_depth);

// The "moniker" string of an entry object, read from its raw text without
// building the payload, so an entry that a `select(.moniker == "...")` rules
// out can be skipped unparsed. nullopt whenever the cheap answer might differ
// from what a full parse gives (no such key, non-string value, escapes or
// invalid UTF-8 in it, a second "moniker" key): callers then parse the entry.
std::optional<std::string_view> peek_moniker(std::string_view raw_entry);

// What an inventory of a snapshot (`netinspect list`) needs of one entry.
struct EntrySummary {
  std::string moniker;
  std::optional<std::string> metadata_name;      // metadata.name, when a string
  std::optional<std::string> metadata_filename;  // metadata.filename, when a string
  bool payload_null = true;                      // payload is null or absent
  // The Inspect tree the entry holds: metadata.name, else metadata.filename,
  // else "" (as inspect::tree_name).
  const std::string& tree() const;
};

// The summary of a parsed entry; nullopt unless it is an object with a string
// "moniker" (anything else is not an Inspect entry).
std::optional<EntrySummary> summarize_entry(const json::Value& entry);

// The same summary read from an entry's raw text without building its
// payload: every key of the entry and of its metadata is walked (duplicates:
// the last wins, as when parsing; escapes decoded by the JSON parser), other
// values are skipped by bracket matching, so the payload's contents are not
// validated. nullopt whenever the text is not a well-formed object at that
// level or has no string "moniker": callers then parse the entry and use
// summarize_entry, which gives the same answer for every entry both accept.
std::optional<EntrySummary> peek_entry_summary(std::string_view raw_entry);

// The size in bytes of a plain (uncompressed) regular file, for a progress
// bar's ETA; 0 for "-", directories, pipes, .gz/.zip content and errors.
std::uint64_t plain_file_size(const std::string& path);

}  // namespace netinspect::source
