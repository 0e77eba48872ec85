#include "cli/query_stream.h"

#include <cstdio>

namespace netinspect::cli {
namespace {

// Sum of the files' sizes, for the progress bar's ETA; 0 when some input's
// size is unknown (stdin, compressed, directories).
std::uint64_t known_total(const std::vector<std::string>& files) {
  std::uint64_t total = 0;
  for (const std::string& path : files) {
    const std::uint64_t size = source::plain_file_size(path);
    if (size == 0) return 0;
    total += size;
  }
  return total;
}

}  // namespace

EntryInput::EntryInput(std::vector<std::string> files, const InputOptions& options)
    : files_(std::move(files)), options_(options) {
  if (files_.empty()) files_.emplace_back("-");
  progress_ = std::make_unique<Progress>(options_.progress, known_total(files_));
}

bool EntryInput::open_next() {
  if (stream_) done_before_ += stream_->bytes_consumed();
  stream_.reset();
  display_name_.clear();
  while (next_file_ < files_.size()) {
    const std::string given = files_[next_file_++];
    std::vector<std::string> paths;
    try {
      paths = source::expand_paths({given}, options_.open);
    } catch (const source::SourceError& error) {
      std::fprintf(stderr, "jq: error: Could not open file %s\n", error.what());
      ++failures_;
      continue;
    }
    if (paths.size() != 1 || paths[0] != given) {
      // A directory: its files take its place in the queue.
      files_.erase(files_.begin() + static_cast<std::ptrdiff_t>(next_file_ - 1));
      files_.insert(files_.begin() + static_cast<std::ptrdiff_t>(next_file_ - 1), paths.begin(), paths.end());
      --next_file_;
      continue;
    }
    if (given == "-" && stdin_used_) continue;  // read once; later "-" see its end
    source::EntryStream::Options stream_options;
    stream_options.empty_arrays_as_values = true;
    try {
      stream_ = source::open_entries(given, options_.open, stream_options);
    } catch (const source::SourceError& error) {
      std::fprintf(stderr, "jq: error: Could not open file %s\n", error.what());
      ++failures_;
      continue;
    }
    if (given == "-") stdin_used_ = true;
    display_name_ = given == "-" ? "<stdin>" : given;
    return true;
  }
  progress_->finish();
  return false;
}

bool EntryInput::next(source::Entry& entry) {
  for (;;) {
    if (stream_ && stream_->next(entry)) {
      progress_->update(done_before_ + stream_->bytes_consumed());
      return true;
    }
    if (!open_next()) return false;
  }
}

json::Value EntryInput::parse(const source::Entry& entry) const { return source::parse_entry(*stream_, entry); }

std::string EntryInput::position_after(std::size_t trigger) const {
  if (!stream_) return "<unknown>";
  // jq's line count: every chunk read so far that held a newline. Chunks are
  // lines cut every 4095 bytes, so the chunk holding `trigger` ends at the first
  // newline after it unless a 4095-byte boundary of its line comes first.
  constexpr std::size_t kChunk = 4095;
  const source::Position at = stream_->locate(trigger);
  const std::size_t chunk_left = kChunk - (at.column - 1) % kChunk;
  const std::string_view after = stream_->available_from(trigger).substr(0, chunk_left);
  // (Over a streamed input only the window is known: past it counts as no newline.)
  const bool newline = after.find('\n') != std::string_view::npos;
  return display_name_ + ":" + std::to_string(at.line - 1 + (newline ? 1 : 0));
}

json::Value EntryInput::current_filename() const {
  if (!stream_) return json::Value::null();
  return json::Value::string(display_name_);
}

}  // namespace netinspect::cli
