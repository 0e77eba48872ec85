#include "cli/query_reader.h"

#include <cstdio>
#include <cstring>
#include <utility>

#include "json/parse.h"

namespace netinspect::cli {
namespace {

constexpr std::size_t kFgetsChunk = 4095;  // jq's 4096-byte buffer minus the NUL
constexpr std::size_t kReadSize = 64 * 1024;

// SourceError texts start with the path; jq's line names it already.
std::string without_path(std::string message, const std::string& path) {
  const std::string prefix = path + ": ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

}  // namespace

struct QueryReader::Current {
  std::unique_ptr<source::Reader> reader;  // null for live text or a second "-"
  std::string_view text;                   // live text
  std::string buffer;
  std::size_t position = 0;
  bool eof = false;    // jq's feof(): a read met the end
  bool error = false;  // jq's ferror()

  // Makes unread bytes available; false at the end (or on a read error).
  bool refill(const std::string& name, std::size_t& failures) {
    if (position < buffer.size()) return true;
    buffer.clear();
    position = 0;
    if (reader == nullptr) {
      // In-memory text: served in read-sized pieces, like a file.
      if (text.empty()) return false;
      const std::size_t take = std::min(text.size(), kReadSize);
      buffer.assign(text.substr(0, take));
      text.remove_prefix(take);
      return true;
    }
    buffer.resize(kReadSize);
    std::size_t got = 0;
    try {
      got = reader->read(buffer.data(), buffer.size());
    } catch (const source::SourceError& read_error) {
      std::fprintf(stderr, "jq: error: %s\n", without_path(read_error.what(), name).c_str());
      ++failures;
      buffer.clear();
      error = true;
      return false;
    }
    buffer.resize(got);
    return got != 0;
  }
};

namespace {

JvParser::Flags with_depth(JvParser::Flags flags, const source::OpenOptions& open) {
  flags.max_depth = open.parse.max_depth;
  return flags;
}

}  // namespace

QueryReader::QueryReader(Settings settings)
    : settings_(std::move(settings)), parser_(with_depth(settings_.flags, settings_.open)) {
  if (!settings_.loaded.empty()) {
    for (const Settings::Loaded& file : settings_.loaded) files_.push_back({file.name, "", file.error, file.text});
    settings_.files.clear();
  } else if (settings_.live_text) {
    files_.push_back({"<live>", "", "", std::string_view(*settings_.live_text)});
  } else if (settings_.files.empty()) {
    settings_.files.emplace_back("-");
  }
  for (const std::string& given : settings_.files) {
    // A directory stands for the snapshots in it; one holding none is
    // reported like a file that cannot be opened.
    try {
      for (const std::string& path : source::expand_paths({given}, settings_.open)) {
        files_.push_back({path == "-" ? "<stdin>" : path, path, "", std::nullopt});
      }
    } catch (const source::SourceError& error) {
      files_.push_back({given, given, without_path(error.what(), given), std::nullopt});
    }
  }
  if (settings_.slurp) slurped_.emplace();
}

QueryReader::~QueryReader() = default;

// One fgets() call into chunk_: a line, or 4095 bytes of one.
bool QueryReader::fill_chunk() {
  chunk_.clear();
  Current& in = *current_;
  if (in.eof || in.error) return false;
  while (chunk_.size() < kFgetsChunk) {
    if (!in.refill(filename_.value_or(""), failures_)) {
      if (!in.error) in.eof = true;
      break;
    }
    const std::size_t want = std::min(kFgetsChunk - chunk_.size(), in.buffer.size() - in.position);
    const char* begin = in.buffer.data() + in.position;
    const void* newline = std::memchr(begin, '\n', want);
    const std::size_t take = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - begin) + 1 : want;
    chunk_.append(begin, take);
    in.position += take;
    if (newline) break;
  }
  return !chunk_.empty();
}

bool QueryReader::read_more() {
  if (!current_ || current_->eof || current_->error) {
    if (current_) {
      current_.reset();
      filename_.reset();
      line_ = 0;
    }
    if (next_file_ < files_.size()) {
      const Pending& file = files_[next_file_++];
      filename_ = file.name;
      line_ = 0;
      auto opened = std::make_unique<Current>();
      std::string error = file.error;
      if (file.text) {
        opened->text = *file.text;
      } else if (error.empty() && !(file.path == "-" && stdin_used_)) {
        try {
          opened->reader = source::open_reader(file.path, settings_.open);
          if (file.path == "-") stdin_used_ = true;
        } catch (const source::SourceError& open_error) {
          error = without_path(open_error.what(), file.path);
        }
      }
      if (!error.empty()) {
        if (!quiet_) std::fprintf(stderr, "jq: error: Could not open file %s: %s\n", file.name.c_str(), error.c_str());
        ++failures_;
      } else {
        current_ = std::move(opened);
      }
    }
  }
  chunk_.clear();
  // jq 1.8 takes strlen() of a chunk without a newline, so a NUL byte silently
  // drops the rest of that chunk; netinspect keeps the NUL and reports it as the
  // parse error it is (as gojq does) rather than lose input without a word.
  if (current_ && fill_chunk() && chunk_.find('\n') != std::string::npos) ++line_;
  return next_file_ == files_.size() && (!current_ || current_->eof || current_->error);
}

std::optional<json::Value> QueryReader::next() {
  bool is_last = false;
  bool has_more = false;
  json::Value value;
  std::string error;
  do {
    if (parser_.remaining() == 0) {
      is_last = read_more();
      parser_.set_buffer(chunk_, !is_last);
    }
    const JvParser::Status status = parser_.next(value, error);
    if (status == JvParser::Status::Error) throw json::ParseError(source::explain_parse_error(std::move(error)), 0, 0);
    if (slurped_) {
      has_more = parser_.remaining() != 0;
      if (status == JvParser::Status::Value) slurped_->push_back(std::move(value));
    } else if (status == JvParser::Status::Value) {
      return value;
    }
  } while (!is_last || has_more);
  if (slurped_) {
    json::Value all = json::Value::array(std::move(*slurped_));
    slurped_.reset();
    return all;
  }
  return std::nullopt;
}

std::string QueryReader::position() const {
  if (!filename_) return "<unknown>";
  return *filename_ + ":" + std::to_string(line_);
}

json::Value QueryReader::current_filename() const {
  return filename_ ? json::Value::string(*filename_) : json::Value::null();
}

}  // namespace netinspect::cli
