// netinspect::jq — `_match_impl(regex; flags; test_only)`, the one regex native
// behind match/test/capture/scan/split/sub/gsub (see prelude.jq). Oniguruma
// with Perl_NG syntax (named groups) over UTF-8, as jq; offsets and lengths count codepoints.
#include <oniguruma.h>

#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "jq/builtins_common.h"

namespace netinspect::jq::builtins_detail {
namespace {

using json::Array;
using json::Object;
using json::Value;

struct RegexFree {
  void operator()(regex_t* regex) const { onig_free(regex); }
};
using RegexPtr = std::unique_ptr<regex_t, RegexFree>;

struct RegionFree {
  void operator()(OnigRegion* region) const { onig_region_free(region, 1); }
};

void initialize_oniguruma() {
  static const bool initialized = [] {
    OnigEncoding encodings[] = {ONIG_ENCODING_UTF8};
    onig_initialize(encodings, 1);
    return true;
  }();
  (void)initialized;
}

// Programs apply the same few patterns to every input: keep compiled ones.
regex_t* compiled_regex(const std::string& pattern, OnigOptionType options) {
  struct Cache {
    std::unordered_map<std::string, RegexPtr> by_key;
    std::list<std::string> order;
  };
  thread_local Cache cache;
  std::string key = std::to_string(options) + ':' + pattern;
  if (auto it = cache.by_key.find(key); it != cache.by_key.end()) return it->second.get();

  initialize_oniguruma();
  regex_t* raw = nullptr;
  OnigErrorInfo info{};
  const auto* begin = reinterpret_cast<const OnigUChar*>(pattern.data());
  int status = onig_new(&raw, begin, begin + pattern.size(), options, ONIG_ENCODING_UTF8,
                        ONIG_SYNTAX_PERL_NG, &info);
  if (status != ONIG_NORMAL) {
    OnigUChar message[ONIG_MAX_ERROR_MESSAGE_LEN];
    onig_error_code_to_str(message, status, &info);
    fail(pattern + " (at offset 0) is not a valid regex: " + reinterpret_cast<char*>(message));
  }
  if (cache.order.size() >= 64) {
    cache.by_key.erase(cache.order.front());
    cache.order.pop_front();
  }
  cache.order.push_back(key);
  return cache.by_key.emplace(key, RegexPtr(raw)).first->second.get();
}

// Converts byte offsets into codepoint offsets, walking forward from the last query.
class CodepointCounter {
 public:
  explicit CodepointCounter(std::string_view text) : text_(text) {}
  std::size_t at(std::size_t byte) {
    if (byte < byte_) byte_ = codepoints_ = 0;
    codepoints_ += codepoint_count(text_.substr(byte_, byte - byte_));
    byte_ = byte;
    return codepoints_;
  }

 private:
  std::string_view text_;
  std::size_t byte_ = 0, codepoints_ = 0;
};

struct NameCollector {
  std::vector<Value>* names;
};

int collect_name(const OnigUChar* name, const OnigUChar* name_end, int group_count, int* groups,
                 regex_t*, void* arg) {
  auto* names = static_cast<NameCollector*>(arg)->names;
  std::string text(reinterpret_cast<const char*>(name), reinterpret_cast<const char*>(name_end));
  for (int i = 0; i < group_count; ++i) {
    if (groups[i] > 0 && static_cast<std::size_t>(groups[i]) < names->size()) {
      (*names)[groups[i]] = Value::string(text);
    }
  }
  return 0;
}

Value capture_object(const std::string& text, CodepointCounter& counter, int begin, int end,
                     const Value& name) {
  Object capture;
  if (begin == end) {
    // jq lists empty and non-participating groups in this key order.
    bool participated = begin >= 0;
    capture.set("offset", participated ? number_of(counter.at(begin)) : Value::number(-1));
    capture.set("string", participated ? Value::string("") : Value());
    capture.set("length", Value::number(0));
  } else {
    std::size_t offset = counter.at(begin);
    capture.set("offset", number_of(offset));
    capture.set("length", number_of(counter.at(end) - offset));
    capture.set("string", Value::string(text.substr(begin, end - begin)));
  }
  capture.set("name", name);
  return Value::object(std::move(capture));
}

Value match_impl(const Value& input, std::span<const Value> args) {
  const Value& regex = args[0];
  const Value& flags = args[1];
  bool test_only = args[2].truthy();
  if (!input.is_string()) type_error(input, "cannot be matched, as it is not a string");
  if (!regex.is_string()) type_error(regex, "is not a string");

  OnigOptionType options = ONIG_OPTION_CAPTURE_GROUP;
  bool global = false;
  if (flags.is_string()) {
    for (char flag : flags.as_string()) {
      switch (flag) {
        case 'g': global = true; break;
        case 'i': options |= ONIG_OPTION_IGNORECASE; break;
        case 'x': options |= ONIG_OPTION_EXTEND; break;
        case 'n': options |= ONIG_OPTION_FIND_NOT_EMPTY; break;
        case 's': options |= ONIG_OPTION_SINGLELINE; break;
        case 'p': options |= ONIG_OPTION_MULTILINE | ONIG_OPTION_SINGLELINE; break;
        case 'l': options |= ONIG_OPTION_FIND_LONGEST; break;
        default: fail(flags.as_string() + " is not a valid modifier string");
      }
    }
  } else if (!flags.is_null()) {
    type_error(flags, "is not a string");
  }

  regex_t* compiled = compiled_regex(regex.as_string(), options);
  const std::string& text = input.as_string();
  const auto* subject = reinterpret_cast<const OnigUChar*>(text.data());
  const auto* subject_end = subject + text.size();
  std::unique_ptr<OnigRegion, RegionFree> region(onig_region_new());

  std::vector<Value> names(static_cast<std::size_t>(onig_number_of_captures(compiled)) + 1);
  NameCollector collector{&names};
  onig_foreach_name(compiled, collect_name, &collector);

  CodepointCounter counter(text);
  Array matches;
  std::size_t start = 0;
  while (start <= text.size()) {
    int status = onig_search(compiled, subject, subject_end, subject + start, subject_end,
                             region.get(), ONIG_OPTION_NONE);
    if (status == ONIG_MISMATCH) break;
    if (status < 0) {
      OnigUChar message[ONIG_MAX_ERROR_MESSAGE_LEN];
      onig_error_code_to_str(message, status);
      fail(std::string("Regex failure: ") + reinterpret_cast<char*>(message));
    }
    if (test_only) return Value::boolean(true);

    int begin = region->beg[0], end = region->end[0];
    Object match;
    std::size_t offset = counter.at(begin);
    match.set("offset", number_of(offset));
    match.set("length", number_of(counter.at(end) - offset));
    match.set("string", Value::string(text.substr(begin, end - begin)));
    Array captures;
    for (int group = 1; group < region->num_regs; ++group) {
      captures.push_back(capture_object(text, counter, region->beg[group], region->end[group], names[group]));
    }
    match.set("captures", Value::array(std::move(captures)));
    matches.push_back(Value::object(std::move(match)));

    if (!global) break;
    if (end == begin) {
      // Step over one codepoint so an empty match is not found again.
      std::size_t next = static_cast<std::size_t>(end);
      if (next < text.size()) {
        next_codepoint(text, next);
      } else {
        ++next;
      }
      start = next;
    } else {
      start = static_cast<std::size_t>(end);
    }
  }
  if (test_only) return Value::boolean(false);
  return Value::array(std::move(matches));
}

constexpr NativeFunction kRegexNatives[] = {
    {"_match_impl", 3, match_impl},
};

}  // namespace

std::span<const NativeFunction> regex_natives() { return kRegexNatives; }

}  // namespace netinspect::jq::builtins_detail
