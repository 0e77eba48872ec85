// parse_entry_deferred: a big entry split along its top object levels with the
// structural scanner, its deeper containers kept as text (json::Value::unparsed).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "source/scan.h"
#include "source/source.h"

namespace netinspect::source {

namespace {

using detail::is_json_space;
using detail::ScanResult;

// Entries below this size are parsed whole: splitting only pays off when
// there is much to leave unparsed.
constexpr std::size_t kDeferMinEntryBytes = 1u << 20;

// Anything the splitter does not expect: the entry is then parsed whole, which
// reports the exact error (with jq's position) if the text is malformed.
struct NotSplittable {};

class Splitter {
 public:
  // `text` is kept alive, with Value::kUnparsedPadding readable bytes after
  // it, by `owner`.
  Splitter(std::shared_ptr<const void> owner, std::string_view text, std::size_t defer_depth, std::size_t max_depth)
      : owner_(std::move(owner)), text_(text), defer_depth_(defer_depth), max_depth_(max_depth) {}

  json::Value entry() {
    std::size_t pos = 0;
    skip_space(pos);
    json::Value out = object_at(pos, 1);
    skip_space(pos);
    if (pos != text_.size()) throw NotSplittable{};
    return out;
  }

 private:
  void skip_space(std::size_t& pos) const {
    while (pos < text_.size() && is_json_space(text_[pos])) ++pos;
  }

  void expect(std::size_t& pos, char c) const {
    skip_space(pos);
    if (pos >= text_.size() || text_[pos] != c) throw NotSplittable{};
    ++pos;
  }

  // jq counts open containers and pending keys towards its depth limit: a
  // container opened as a member value at `depth` has 2 * (depth - 1) of them
  // above it (each enclosing object with its key).
  std::size_t depth_left(std::size_t depth) const {
    const std::size_t above = 2 * (depth - 1);
    if (above >= max_depth_) throw NotSplittable{};
    return max_depth_ - above;
  }

  std::string key_at(std::size_t& pos) const {
    skip_space(pos);
    if (pos >= text_.size() || text_[pos] != '"') throw NotSplittable{};
    const std::size_t end = detail::end_of_string(text_, pos);
    if (end == ScanResult::kNotFound) throw NotSplittable{};
    std::string_view body = text_.substr(pos + 1, end - pos - 2);
    pos = end;
    bool plain = true;  // printable ASCII without escapes: the key is its text
    for (char c : body) {
      if (c == '\\' || c < 0x20 || c > 0x7E) {
        plain = false;
        break;
      }
    }
    if (plain) return std::string(body);
    json::Value decoded = json::parse(text_.substr(end - body.size() - 2, body.size() + 2));
    return decoded.as_string();
  }

  // The object starting at text_[pos] (its '{'), at `depth` (the entry is 1).
  json::Value object_at(std::size_t& pos, std::size_t depth) {
    expect(pos, '{');
    std::vector<json::Object::Entry> members;
    skip_space(pos);
    if (pos < text_.size() && text_[pos] == '}') {
      ++pos;
      return json::Value::object();
    }
    for (;;) {
      std::string key = key_at(pos);
      expect(pos, ':');
      skip_space(pos);
      if (pos >= text_.size()) throw NotSplittable{};
      json::Value value;
      if (text_[pos] == '{' && depth + 1 < defer_depth_) {
        value = object_at(pos, depth + 1);
      } else {
        const ScanResult scan = detail::scan_to_separator(text_, pos, true);
        if (scan.stop == ScanResult::kNotFound) throw NotSplittable{};
        std::size_t end = scan.stop;
        while (end > pos && is_json_space(text_[end - 1])) --end;
        const std::string_view span = text_.substr(pos, end - pos);
        const bool container = !span.empty() && (span[0] == '{' || span[0] == '[');
        value = container && depth + 1 >= defer_depth_
                    ? json::Value::unparsed(owner_, span, depth_left(depth + 1))
                    : json::parse(span, json::ParseOptions{depth_left(depth + 1)});
        pos = scan.stop;
      }
      members.emplace_back(std::move(key), std::move(value));
      skip_space(pos);
      if (pos >= text_.size()) throw NotSplittable{};
      if (text_[pos] == '}') {
        ++pos;
        break;
      }
      if (text_[pos] != ',') throw NotSplittable{};
      ++pos;
    }
    return json::Value::object(json::Object::from_entries(std::move(members)));
  }

  std::shared_ptr<const void> owner_;
  std::string_view text_;
  std::size_t defer_depth_;
  std::size_t max_depth_;
};

}  // namespace

json::Value parse_entry_deferred(const EntryStream& stream, const Entry& entry, std::size_t defer_depth) {
  const json::ParseOptions& options = stream.parse_options();
  if (entry.raw.size() >= kDeferMinEntryBytes && defer_depth >= 2) {
    try {
      // Unparsed values point into the input itself when it stays put (a
      // mapped file, a decompressed buffer: Input::kPadding bytes follow it);
      // over a stream's moving window they need a copy of the entry, with
      // room after it for the parser to read ahead.
      static_assert(Input::kPadding >= json::Value::kUnparsedPadding);
      std::shared_ptr<const void> owner = stream.text_owner();
      std::string_view text = entry.raw;
      if (!owner) {
        auto copy = std::make_shared<std::string>();
        copy->reserve(entry.raw.size() + json::Value::kUnparsedPadding);
        copy->append(entry.raw).append(json::Value::kUnparsedPadding, ' ');
        text = std::string_view(*copy).substr(0, entry.raw.size());
        owner = std::move(copy);
      }
      Splitter splitter(std::move(owner), text, defer_depth, options.max_depth);
      return splitter.entry();
    } catch (const NotSplittable&) {
    } catch (const json::ParseError&) {
    }
  }
  return parse_entry(stream, entry);
}

}  // namespace netinspect::source
