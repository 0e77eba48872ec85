#include "cli/query_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <utility>

namespace netinspect::cli {

std::string sanitize_utf8(std::string_view text) {
  // Fast path: pure ASCII or valid UTF-8 is returned unchanged.
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  bool changed = false;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < n) {
    const unsigned char first = byte(i);
    std::size_t length = 1;
    bool valid = true;
    if (first < 0x80) {
      length = 1;
    } else if (first < 0xC2 || first > 0xF4) {  // continuation byte, overlong lead, or beyond U+10FFFF
      valid = false;
    } else {
      length = first < 0xE0 ? 2 : first < 0xF0 ? 3 : 4;
      if (i + length > n) {
        // jq replaces a truncated tail with a single U+FFFD.
        valid = false;
        length = n - i;
      } else {
        std::uint32_t codepoint = first & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
        for (std::size_t k = 1; k < length; ++k) {
          const unsigned char c = byte(i + k);
          if ((c & 0xC0) != 0x80) {
            valid = false;
            length = k;
            break;
          }
          codepoint = (codepoint << 6) | (c & 0x3F);
        }
        if (valid) {
          static constexpr std::uint32_t kFirstOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
          if (codepoint < kFirstOfLength[length] || (codepoint >= 0xD800 && codepoint <= 0xDFFF) ||
              codepoint > 0x10FFFF) {
            valid = false;
          }
        }
      }
    }
    if (!valid && !changed) {
      changed = true;
      out.reserve(n + 16);
      out.append(text.substr(0, i));
    }
    if (changed) {
      if (valid) {
        out.append(text.substr(i, length));
      } else {
        out.append(kReplacement);
      }
    }
    i += length;
  }
  return changed ? out : std::string(text);
}

bool read_whole_file(const std::string& path, std::string& out) {
  out.clear();
  int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat info {};
  if (::fstat(fd, &info) == 0) {
    if (S_ISDIR(info.st_mode)) {
      if (fd != STDIN_FILENO) ::close(fd);
      errno = EISDIR;
      return false;
    }
    if (S_ISREG(info.st_mode) && info.st_size > 0) out.reserve(static_cast<std::size_t>(info.st_size) + 1);
  }
  char chunk[1 << 16];
  for (;;) {
    // Read straight into the string when it has room (regular files: one read).
    std::size_t room = out.capacity() - out.size();
    if (room >= sizeof(chunk)) {
      std::size_t old = out.size();
      out.resize(out.capacity());
      ssize_t got = ::read(fd, out.data() + old, room);
      if (got < 0 && errno == EINTR) {
        out.resize(old);
        continue;
      }
      if (got <= 0) {
        int saved = errno;
        out.resize(old);
        if (got < 0) {
          if (fd != STDIN_FILENO) ::close(fd);
          errno = saved;
          return false;
        }
        break;
      }
      out.resize(old + static_cast<std::size_t>(got));
      continue;
    }
    ssize_t got = ::read(fd, chunk, sizeof(chunk));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int saved = errno;
      if (fd != STDIN_FILENO) ::close(fd);
      errno = saved;
      return false;
    }
    if (got == 0) break;
    out.append(chunk, static_cast<std::size_t>(got));
  }
  if (fd != STDIN_FILENO) ::close(fd);
  return true;
}

std::optional<json::Value> load_file_value(const std::string& path, bool raw, std::string& error,
                                           const json::ParseOptions& parse) {
  std::string text;
  if (!read_whole_file(path, text)) {
    error = "Could not open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (raw) return json::Value::string(sanitize_utf8(text));
  json::Array values;
  try {
    json::ValueReader reader(text, parse);
    json::Value value;
    while (reader.next(value)) values.push_back(std::move(value));
  } catch (const json::ParseError& e) {
    error = source::explain_parse_error(e.what());
    return std::nullopt;
  }
  return json::Value::array(std::move(values));
}

// Replays jq's input reader (util.c: fgets into a 4096-byte buffer, one line
// counted per chunk holding '\n', files opened one after another) over the
// already-loaded text, to know which file and line jq would report.
class QueryInput::ReaderModel {
 public:
  ReaderModel(const std::string& text, const std::vector<File>& files, bool seq)
      : text_(text), files_(files), seq_(seq) {}

  // One jq_util_input_next_input() call in JSON mode: true when a value came out.
  bool next_json() {
    bool is_last = false;
    do {
      if (pos_ == chunk_end_) {
        is_last = read_more();
        pos_ = chunk_begin_;
        final_ = is_last;
      }
      std::size_t trigger = next_trigger();
      if (trigger != kNone && trigger >= pos_ && trigger < chunk_end_) {
        pos_ = trigger + 1;
        consume_trigger();
        return true;
      }
      if (trigger == text_.size() && final_ && chunk_end_ == text_.size()) {
        // A scalar that ends the input is completed when the parser hears EOF.
        pos_ = chunk_end_;
        consume_trigger();
        return true;
      }
      pos_ = chunk_end_;
    } while (!is_last);
    return false;
  }

  // jq's slurp loop (JSON mode): reads until the last chunk is parsed, without
  // the extra read a later next_json() call would make.
  void slurp_json() {
    bool is_last = false;
    bool has_more = false;
    do {
      if (pos_ == chunk_end_) {
        is_last = read_more();
        pos_ = chunk_begin_;
        final_ = is_last;
      }
      std::size_t trigger = next_trigger();
      if (trigger != kNone && trigger >= pos_ && trigger < chunk_end_) {
        pos_ = trigger + 1;
        consume_trigger();
      } else if (trigger == text_.size() && final_ && chunk_end_ == text_.size()) {
        pos_ = chunk_end_;
        consume_trigger();
      } else {
        pos_ = chunk_end_;
      }
      has_more = pos_ != chunk_end_;
    } while (!is_last || has_more);
  }

  // One call in raw mode (-R): the [begin, end) byte range of the line, if any.
  std::optional<std::pair<std::size_t, std::size_t>> next_raw() {
    bool have = false;
    std::size_t start = 0;
    bool is_last = false;
    do {
      is_last = read_more();
      if (chunk_begin_ == chunk_end_) continue;
      if (!have) {
        have = true;
        start = chunk_begin_;
      }
      if (text_[chunk_end_ - 1] == '\n') return std::make_pair(start, chunk_end_ - 1);
    } while (!is_last);
    if (have) return std::make_pair(start, chunk_end_);
    return std::nullopt;
  }

  // Raw slurp: jq reads until the last chunk of the last file.
  void read_all_raw() {
    while (!read_more()) {
    }
  }

  std::size_t line() const { return name_valid_ ? line_ : 0; }
  std::string position() const {
    if (!name_valid_) return "<unknown>";
    return files_[file_].name + ":" + std::to_string(line_);
  }
  json::Value filename() const {
    return name_valid_ ? json::Value::string(files_[file_].name) : json::Value::null();
  }
  std::size_t failures() const { return failures_; }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  static constexpr std::size_t kFgetsChunk = 4095;  // sizeof(buf) - 1

  bool read_more() {
    if (!open_ || eof_) {
      if (open_) {
        open_ = false;
        name_valid_ = false;
        line_ = 0;
      }
      if (static_cast<std::size_t>(file_ + 1) < files_.size()) {
        ++file_;
        const File& file = files_[static_cast<std::size_t>(file_)];
        name_valid_ = true;
        line_ = 0;
        if (!file.readable) {
          std::fprintf(stderr, "jq: error: Could not open file %s: %s\n", file.name.c_str(),
                       file.error.c_str());
          ++failures_;
        } else {
          open_ = true;
          eof_ = false;
          read_pos_ = file.begin;
        }
      }
    }
    chunk_begin_ = chunk_end_ = open_ ? read_pos_ : pos_;
    if (open_) {
      const File& file = files_[static_cast<std::size_t>(file_)];
      if (read_pos_ == file.end) {
        eof_ = true;
      } else {
        std::size_t limit = std::min(file.end, read_pos_ + kFgetsChunk);
        const void* newline = std::memchr(text_.data() + read_pos_, '\n', limit - read_pos_);
        std::size_t end = limit;
        if (newline != nullptr) {
          end = static_cast<std::size_t>(static_cast<const char*>(newline) - text_.data()) + 1;
          ++line_;
        } else if (file.end - read_pos_ < kFgetsChunk) {
          eof_ = true;  // fgets stopped at end of file
        }
        chunk_end_ = end;
        read_pos_ = end;
      }
    }
    return static_cast<std::size_t>(file_ + 1) == files_.size() && (!open_ || eof_);
  }

  bool is_space(char c) const {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || (seq_ && c == '\x1e');
  }
  static bool is_delimiter(char c) {
    switch (c) {
      case ' ': case '\t': case '\n': case '\r': case '[': case ']': case '{': case '}':
      case ',': case ':': case '"': case '\x1e':
        return true;
      default:
        return false;
    }
  }

  // Offset of the byte that completes the next JSON value (its closing quote or
  // bracket, or the delimiter after a scalar; text size for a scalar at EOF).
  std::size_t next_trigger() {
    if (scanned_) return trigger_;
    scanned_ = true;
    trigger_ = kNone;
    std::size_t i = scan_pos_;
    const std::size_t n = text_.size();
    while (i < n && is_space(text_[i])) ++i;
    if (i >= n) return trigger_;
    char c = text_[i];
    if (c == '"') {
      std::size_t end = skip_string(i);
      if (end != kNone) {
        trigger_ = end;
        next_scan_ = end + 1;
      }
    } else if (c == '[' || c == '{') {
      int depth = 0;
      for (std::size_t k = i; k < n; ++k) {
        char d = text_[k];
        if (d == '"') {
          k = skip_string(k);
          if (k == kNone) break;
        } else if (d == '[' || d == '{') {
          ++depth;
        } else if (d == ']' || d == '}') {
          if (--depth == 0) {
            trigger_ = k;
            next_scan_ = k + 1;
            break;
          }
        }
      }
    } else {
      std::size_t k = i;
      while (k < n && !is_delimiter(text_[k])) ++k;
      if (k == i) ++k;  // a stray delimiter: count it as a (bad) token
      trigger_ = k;
      next_scan_ = k;
    }
    return trigger_;
  }

  // Index of the quote closing the string that opens at `open_quote`.
  std::size_t skip_string(std::size_t open_quote) const {
    std::size_t k = open_quote + 1;
    const std::size_t n = text_.size();
    while (k < n) {
      const void* hit = nullptr;
      // Jump to the next quote, then make sure it is not escaped.
      hit = std::memchr(text_.data() + k, '"', n - k);
      if (hit == nullptr) return kNone;
      std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(hit) - text_.data());
      std::size_t backslashes = 0;
      while (quote - backslashes > open_quote + 1 && text_[quote - backslashes - 1] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return quote;
      k = quote + 1;
    }
    return kNone;
  }

  void consume_trigger() {
    scanned_ = false;
    scan_pos_ = next_scan_;
  }

  const std::string& text_;
  const std::vector<File>& files_;
  bool seq_;
  // jq's reader state.
  long file_ = -1;
  bool open_ = false;
  bool eof_ = false;
  bool name_valid_ = false;
  std::size_t line_ = 0;
  std::size_t read_pos_ = 0;
  std::size_t failures_ = 0;
  // jq's parser buffer: the last chunk and how far the parser got in it.
  std::size_t chunk_begin_ = 0, chunk_end_ = 0, pos_ = 0;
  bool final_ = false;
  // Value scanner.
  std::size_t scan_pos_ = 0, next_scan_ = 0, trigger_ = kNone;
  bool scanned_ = false;
};

QueryInput::QueryInput(Settings settings) : settings_(std::move(settings)) {
  if (!settings_.raw && (settings_.seq || settings_.stream || settings_.stream_errors)) {
    QueryReader::Settings reader;
    reader.files = settings_.files;
    reader.slurp = settings_.slurp;
    reader.flags.streaming = settings_.stream || settings_.stream_errors;
    reader.flags.stream_errors = settings_.stream_errors;
    reader.flags.seq = settings_.seq;
    reader.open = settings_.open;
    reader.live_text = settings_.live_text;
    jq_reader_ = std::make_unique<QueryReader>(std::move(reader));
    return;
  }
  if (settings_.files.empty() && !settings_.live_text) settings_.files.emplace_back("-");
}

QueryInput::~QueryInput() = default;

void QueryInput::load() {
  loaded_ = true;
  bool stdin_used = false;
  if (settings_.live_text) {
    File file;
    file.name = "<live>";
    file.begin = text_.size();
    text_.append(*settings_.live_text);
    file.end = text_.size();
    files_.push_back(std::move(file));
  }
  for (const std::string& given : settings_.files) {
    // A directory stands for the snapshots in it; one that holds none is
    // reported like a file that cannot be opened.
    std::vector<std::string> paths;
    std::string expand_error;
    try {
      paths = source::expand_paths({given}, settings_.open);
    } catch (const source::SourceError& error) {
      paths = {given};
      expand_error = error.what();
    }
    for (const std::string& path : paths) {
      File file;
      file.name = path == "-" ? "<stdin>" : path;
      file.begin = text_.size();
      if (path == "-" && stdin_used) {
        // stdin is read once; later "-" arguments see its end.
      } else if (!expand_error.empty()) {
        file.readable = false;
        file.error = expand_error;
      } else {
        try {
          source::Input input = source::open(path, settings_.open);
          if (path == "-") stdin_used = true;
          text_.append(input.text());
        } catch (const source::SourceError& error) {
          file.readable = false;
          file.error = error.what();
        } catch (const std::bad_alloc&) {
          file.readable = false;
          file.error = "out of memory while reading it";
        }
      }
      if (!file.readable) {
        // SourceError texts start with the path; jq's line names it already.
        const std::string prefix = path + ": ";
        if (file.error.starts_with(prefix)) file.error.erase(0, prefix.size());
        any_unreadable_ = true;
      }
      file.end = text_.size();
      files_.push_back(std::move(file));
    }
  }
  model_ = std::make_unique<ReaderModel>(text_, files_, settings_.seq);
  if (!settings_.raw) reader_ = std::make_unique<json::ValueReader>(text_, settings_.open.parse);
}

void QueryInput::sync_model() {
  if (!loaded_ || settings_.raw) return;
  // Replay the values and end-of-input calls the real reader has served.
  if (slurp_done_ && !model_slurped_) {
    model_slurped_ = true;
    model_->slurp_json();
    model_values_ = values_delivered_;
    model_end_calls_ = 1;  // the slurp loop stands for the first end of input
  }
  while (model_values_ < values_delivered_) {
    if (!model_->next_json()) {
      model_values_ = values_delivered_;  // scanner and parser disagree; stop replaying
      break;
    }
    ++model_values_;
  }
  while (model_end_calls_ < end_calls_) {
    model_->next_json();
    ++model_end_calls_;
  }
}

std::optional<json::Value> QueryInput::next() {
  try {
    return next_value();
  } catch (const json::ParseError& error) {
    std::string message = source::explain_parse_error(error.what());
    if (message.size() == std::strlen(error.what())) throw;
    throw json::ParseError(message, error.line(), error.column());
  }
}

std::optional<json::Value> QueryInput::next_value() {
  if (jq_reader_) return jq_reader_->next();
  if (!loaded_) load();
  if (settings_.raw) {
    if (settings_.slurp && !slurp_done_) {
      slurp_done_ = true;
      model_->read_all_raw();
      return json::Value::string(sanitize_utf8(text_));
    }
    auto line = model_->next_raw();
    if (!line) return std::nullopt;
    return json::Value::string(sanitize_utf8(std::string_view(text_).substr(line->first, line->second - line->first)));
  }

  std::optional<json::Value> result;
  if (finished_) {
    ++end_calls_;
  } else if (settings_.slurp && !slurp_done_) {
    slurp_done_ = true;
    json::Array values;
    json::Value value;
    try {
      while (reader_->next(value)) {
        values.push_back(std::move(value));
        ++values_delivered_;
      }
    } catch (...) {
      finished_ = true;
      throw;
    }
    ++end_calls_;
    finished_ = true;
    result = json::Value::array(std::move(values));
  } else {
    json::Value value;
    bool got = false;
    try {
      got = reader_->next(value);
    } catch (const json::ParseError&) {
      // jq's parser drops the rest of the chunk holding the error and goes on
      // with the next one, which `try input catch .` can observe: from here on
      // its reader is emulated exactly (the fast reader cannot resume).
      switch_to_jq_reader();
      return jq_reader_->next();  // the same error, then what jq reads next
    } catch (...) {
      finished_ = true;
      throw;
    }
    if (got) {
      ++values_delivered_;
      result = std::move(value);
    } else {
      ++end_calls_;
      finished_ = true;
    }
  }
  // Missing files are reported when jq's reader reaches them.
  if (any_unreadable_) sync_model();
  return result;
}

void QueryInput::switch_to_jq_reader() {
  QueryReader::Settings reader;
  reader.open = settings_.open;
  for (const File& file : files_) {
    reader.loaded.push_back({file.name, std::string_view(text_).substr(file.begin, file.end - file.begin),
                             file.readable ? std::string() : file.error});
  }
  if (reader.loaded.empty()) reader.loaded.push_back({"<stdin>", std::string_view(), std::string()});
  jq_reader_ = std::make_unique<QueryReader>(std::move(reader));
  jq_reader_->set_quiet(true);
  try {
    for (std::size_t i = 0; i < values_delivered_; ++i) {
      if (!jq_reader_->next()) break;
    }
  } catch (const json::ParseError&) {
    // The two readers disagree before the error: report what jq's reader says.
  }
  jq_reader_->set_quiet(false);
}

std::string QueryInput::position() {
  if (jq_reader_) return jq_reader_->position();
  if (!loaded_ || !model_) return "<unknown>";
  sync_model();
  return model_->position();
}

std::size_t QueryInput::input_line_number() {
  if (jq_reader_) return jq_reader_->input_line_number();
  if (!loaded_ || !model_) return 0;
  sync_model();
  return model_->line();
}

json::Value QueryInput::current_filename() {
  if (jq_reader_) return jq_reader_->current_filename();
  if (!loaded_ || !model_) return json::Value::null();
  sync_model();
  return model_->filename();
}

std::size_t QueryInput::failures() {
  if (jq_reader_) return jq_reader_->failures();
  if (!loaded_ || !model_ || !any_unreadable_) return 0;
  sync_model();
  return model_->failures();
}

}  // namespace netinspect::cli
