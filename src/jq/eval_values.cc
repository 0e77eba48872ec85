// Value operations of the language itself: indexing, slicing, arithmetic and
// the path primitives, with jq 1.8's error messages.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <string>

#include "jq/eval.h"
#include "json/write.h"

namespace netinspect::jq::eval {

void throw_error(Value v) { throw JqError{std::move(v)}; }
void throw_message(std::string message) { throw JqError{Value::string(std::move(message))}; }

// ---- resource limits ----
namespace {
thread_local const Limits* active_limits = nullptr;

[[noreturn, gnu::noinline, gnu::cold]] void throw_limit(const char* what, std::size_t size, std::size_t limit,
                                                     const char* option) {
  throw LimitError(Value::string(std::string(what) + " of " + std::to_string(size) + " exceeds the limit of " +
                                 std::to_string(limit) + " (raise it with " + option + ")"));
}
}  // namespace

LimitsScope::LimitsScope(const Limits& limits) : previous_(active_limits) { active_limits = &limits; }
LimitsScope::~LimitsScope() { active_limits = previous_; }

void check_string_size(std::size_t bytes) {
  if (active_limits && bytes > active_limits->max_string_bytes) [[unlikely]]
    throw_limit("String length (bytes)", bytes, active_limits->max_string_bytes, "--max-string-size");
}

void check_array_length(std::size_t length) {
  if (active_limits && length > active_limits->max_array_length) [[unlikely]]
    throw_limit("Array length", length, active_limits->max_array_length, "--max-array-length");
}

void check_built_value(const Value& v) {
  if (v.is_string())
    check_string_size(v.as_string().size());
  else if (v.is_array())
    check_array_length(v.size());
}

namespace {
bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && is_continuation(static_cast<unsigned char>(text[cut]))) --cut;
  return text.substr(0, cut);
}

std::size_t codepoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if (!is_continuation(c)) ++n;
  return n;
}

// Byte offset of codepoint index `cp` (clamped to the end).
std::size_t byte_offset(const std::string& s, std::size_t cp) {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < s.size(); ++i) {
    if (!is_continuation(static_cast<unsigned char>(s[i]))) {
      if (seen == cp) return i;
      ++seen;
    }
  }
  return s.size();
}
}  // namespace

// jq 1.8 dumps operands into a 30-byte buffer: at most 29 bytes are shown; a cut
// string keeps its quotes around the "...", other values end in "...".
std::string truncated_dump(const Value& v) {
  std::string text = json::to_json(v);
  if (text.size() <= 29) return text;
  if (v.is_string()) {
    std::string body = text.substr(1, text.size() - 2);
    return "\"" + cut_utf8(body, 24) + "...\"";
  }
  return cut_utf8(text, 26) + "...";
}

std::string describe(const Value& v) {
  return std::string(v.type_name()) + " (" + truncated_dump(v) + ")";
}

namespace {
[[noreturn]] void binary_error(const Value& a, const Value& b, const char* what) {
  throw_message(describe(a) + " and " + describe(b) + " " + what);
}

// Converts a double index to an integer the way jq does (floor; saturating).
std::int64_t to_index(double d) {
  if (std::isnan(d)) return 0;
  d = std::floor(d);
  if (d >= 9.2e18) return INT64_MAX / 2;
  if (d <= -9.2e18) return INT64_MIN / 2;
  return static_cast<std::int64_t>(d);
}

void slice_bounds(const Value& from, const Value& to, std::size_t len, std::size_t& start, std::size_t& end) {
  if ((!from.is_null() && !from.is_number()) || (!to.is_null() && !to.is_number()))
    throw_message("Start and end indices of an array slice must be numbers");
  const double dlen = static_cast<double>(len);
  double dstart = from.is_null() ? 0 : from.as_number();
  double dend = to.is_null() ? dlen : to.as_number();
  if (std::isnan(dstart)) dstart = 0;
  if (std::isnan(dend)) dend = dlen;
  // jq 1.8: start rounds down, end rounds up, then negative indices count from the end.
  dstart = std::floor(dstart);
  dend = std::ceil(dend);
  if (dstart < 0) dstart += dlen;
  if (dend < 0) dend += dlen;
  if (dstart < 0) dstart = 0;
  if (dstart > dlen) dstart = dlen;
  if (dend > dlen) dend = dlen;
  if (dend < dstart) dend = dstart;
  start = static_cast<std::size_t>(dstart);
  end = static_cast<std::size_t>(dend);
}

Value indices_of(const json::Array& haystack, const json::Array& needle) {
  if (needle.empty()) return Value();
  json::Array out;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    bool match = true;
    for (std::size_t j = 0; j < needle.size() && match; ++j) match = haystack[i + j] == needle[j];
    if (match) out.push_back(Value::number(static_cast<double>(i)));
  }
  return Value::array(std::move(out));
}

[[noreturn]] void index_error(const Value& t, const Value& key) {
  throw_message("Cannot index " + std::string(t.type_name()) + " with " + describe(key));
}
}  // namespace

Value slice_value(const Value& t, const Value& from, const Value& to) {
  if (t.is_null()) return Value();
  if (t.is_array()) {
    const json::Array& arr = t.as_array();
    std::size_t start, end;
    slice_bounds(from, to, arr.size(), start, end);
    return Value::array(json::Array(arr.begin() + static_cast<std::ptrdiff_t>(start),
                                    arr.begin() + static_cast<std::ptrdiff_t>(end)));
  }
  if (t.is_string()) {
    const std::string& s = t.as_string();
    std::size_t start, end;
    slice_bounds(from, to, codepoints(s), start, end);
    std::size_t b0 = byte_offset(s, start), b1 = byte_offset(s, end);
    return Value::string(s.substr(b0, b1 - b0));
  }
  throw_message("Cannot index " + std::string(t.type_name()) + " with object");
}

Value index_value(const Value& t, const Value& key) {
  switch (t.kind()) {
    case json::Kind::Object:
      if (key.is_string()) {
        const Value* found = t.as_object().find(key.as_string());
        return found ? *found : Value();
      }
      break;
    case json::Kind::Array:
      if (key.is_number()) {
        const double d = key.as_number();
        if (std::isnan(d)) return Value();
        const json::Array& arr = t.as_array();
        std::int64_t i = to_index(d);
        if (i < 0) i += static_cast<std::int64_t>(arr.size());
        if (i < 0 || i >= static_cast<std::int64_t>(arr.size())) return Value();
        return arr[static_cast<std::size_t>(i)];
      }
      if (key.is_array()) return indices_of(t.as_array(), key.as_array());
      if (key.is_object()) return slice_value(t, key.get("start"), key.get("end"));
      break;
    case json::Kind::String:
      if (key.is_object()) return slice_value(t, key.get("start"), key.get("end"));
      break;
    case json::Kind::Null:
      if (key.is_string() || key.is_number() || key.is_object() || key.is_null()) return Value();
      break;
    default:
      break;
  }
  index_error(t, key);
}

Value negate(const Value& v) {
  if (!v.is_number()) throw_message(describe(v) + " cannot be negated");
  return json::negate_number(v);
}

namespace {
Value deep_merge(const Value& a, const Value& b, int depth = 0) {
  if (depth > 10000) throw_message("Object merge too deep");
  Value result = a;
  json::Object& out = result.mutable_object();
  for (const auto& [key, value] : b.as_object()) {
    const Value* existing = out.find(key);
    if (existing && existing->is_object() && value.is_object())
      out.set(key, deep_merge(*existing, value, depth + 1));
    else
      out.set(key, value);
  }
  return result;
}

Value repeat_string(const std::string& s, double n) {
  if (std::isnan(n) || n < 0) return Value();
  double count = std::floor(n);
  if (count <= 0 || s.empty()) return Value::string(std::string());
  if (count * static_cast<double>(s.size()) > INT_MAX) throw_message("Repeat string result too long");
  check_string_size(static_cast<std::size_t>(count * static_cast<double>(s.size())));
  std::string out;
  const auto times = static_cast<std::size_t>(count);
  out.reserve(s.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += s;
  return Value::string(std::move(out));
}

Value split_string(const std::string& s, const std::string& sep) {
  json::Array out;
  if (s.empty()) return Value::array();
  if (sep.empty()) {
    // jq splits into single characters when the separator is empty.
    for (std::size_t i = 0; i < s.size();) {
      std::size_t j = i + 1;
      while (j < s.size() && is_continuation(static_cast<unsigned char>(s[j]))) ++j;
      out.push_back(Value::string(s.substr(i, j - i)));
      i = j;
    }
    return Value::array(std::move(out));
  }
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    if (pos == std::string::npos) {
      out.push_back(Value::string(s.substr(start)));
      break;
    }
    out.push_back(Value::string(s.substr(start, pos - start)));
    start = pos + sep.size();
  }
  return Value::array(std::move(out));
}

// jq 1.8 `%`: both operands truncated to integers (saturating), sign of the dividend.
std::int64_t mod_operand(double d) {
  if (d >= 9223372036854775807.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<std::int64_t>(d);
}
}  // namespace

Value arith(BinaryOp op, const Value& a, const Value& b) {
  using json::Kind;
  switch (op) {
    case BinaryOp::Add:
      if (a.is_null()) return b;
      if (b.is_null()) return a;
      if (a.kind() == b.kind()) {
        switch (a.kind()) {
          case Kind::Number:
            return Value::number(a.as_number() + b.as_number());
          case Kind::String:
            check_string_size(a.as_string().size() + b.as_string().size());
            return Value::string(a.as_string() + b.as_string());
          case Kind::Array: {
            check_array_length(a.size() + b.size());
            json::Array out;
            out.reserve(a.size() + b.size());
            out.insert(out.end(), a.as_array().begin(), a.as_array().end());
            out.insert(out.end(), b.as_array().begin(), b.as_array().end());
            return Value::array(std::move(out));
          }
          case Kind::Object: {
            Value result = a;
            json::Object& out = result.mutable_object();
            for (const auto& [key, value] : b.as_object()) out.set(key, value);
            return result;
          }
          default:
            break;
        }
      }
      binary_error(a, b, "cannot be added");
    case BinaryOp::Sub:
      if (a.is_number() && b.is_number()) return Value::number(a.as_number() - b.as_number());
      if (a.is_array() && b.is_array()) {
        json::Array out;
        for (const Value& x : a.as_array()) {
          bool drop = false;
          for (const Value& y : b.as_array())
            if (x == y) {
              drop = true;
              break;
            }
          if (!drop) out.push_back(x);
        }
        return Value::array(std::move(out));
      }
      binary_error(a, b, "cannot be subtracted");
    case BinaryOp::Mul:
      if (a.is_number() && b.is_number()) return Value::number(a.as_number() * b.as_number());
      if (a.is_string() && b.is_number()) return repeat_string(a.as_string(), b.as_number());
      if (a.is_number() && b.is_string()) return repeat_string(b.as_string(), a.as_number());
      if (a.is_object() && b.is_object()) return deep_merge(a, b);
      binary_error(a, b, "cannot be multiplied");
    case BinaryOp::Div:
      if (a.is_number() && b.is_number()) {
        if (b.as_number() == 0) binary_error(a, b, "cannot be divided because the divisor is zero");
        return Value::number(a.as_number() / b.as_number());
      }
      if (a.is_string() && b.is_string()) return split_string(a.as_string(), b.as_string());
      binary_error(a, b, "cannot be divided");
    case BinaryOp::Mod:
      if (a.is_number() && b.is_number()) {
        const double x = a.as_number(), y = b.as_number();
        if (std::isnan(x) || std::isnan(y)) return Value::number(std::nan(""));
        const std::int64_t bi = mod_operand(y);
        if (bi == 0) binary_error(a, b, "cannot be divided (remainder) because the divisor is zero");
        const std::int64_t ai = mod_operand(x);
        if (bi == -1) return Value::number(0);
        return Value::number(static_cast<double>(ai % bi));
      }
      binary_error(a, b, "cannot be divided");
    default:
      break;
  }
  throw_message("unsupported arithmetic");
}

// ---- paths ----

Path path_from_value(const Value& v) {
  if (!v.is_array()) throw_message("Path must be specified as an array");
  return Path(v.as_array().begin(), v.as_array().end());
}

Value path_to_value(const Path& p) { return Value::array(json::Array(p.begin(), p.end())); }

Value getpath(const Value& root, const Path& path, std::size_t from) {
  Value cur = root;
  for (std::size_t i = from; i < path.size(); ++i) {
    if (cur.is_null()) return Value();
    cur = index_value(cur, path[i]);
  }
  return cur;
}

namespace {
constexpr std::int64_t kMaxArrayIndex = 536870912;  // jq refuses to grow arrays beyond this

Value set_slice(Value root, const Value& key, std::size_t depth, const Path& path, Value new_value) {
  if (root.is_string()) throw_message("Cannot update string slices");
  if (!root.is_null() && !root.is_array())
    throw_message("Cannot update field at object index of " + std::string(root.type_name()));
  if (root.is_null()) root = Value::array();
  std::size_t start, end;
  slice_bounds(key.get("start"), key.get("end"), root.size(), start, end);
  Value current = slice_value(root, key.get("start"), key.get("end"));
  Value replacement = setpath(std::move(current), path, depth + 1, std::move(new_value));
  if (!replacement.is_array()) throw_message("A slice of an array can only be assigned another array");
  json::Array& arr = root.mutable_array();
  arr.erase(arr.begin() + static_cast<std::ptrdiff_t>(start), arr.begin() + static_cast<std::ptrdiff_t>(end));
  arr.insert(arr.begin() + static_cast<std::ptrdiff_t>(start), replacement.as_array().begin(),
             replacement.as_array().end());
  return root;
}
}  // namespace

Value setpath(Value root, const Path& path, std::size_t depth, Value new_value) {
  if (depth == 0 && path.size() > 10000) throw_message("Path too deep");
  // Iterative, so long paths cannot exhaust the stack: walk down moving each
  // child out of its parent (keeping it uniquely owned, so updates happen in
  // place), then put the updated children back on the way up.
  struct Step {
    Value container;
    std::size_t index;  // array position, or SIZE_MAX for an object key
    const Value* key;
  };
  std::vector<Step> chain;
  Value current = std::move(root);
  std::size_t i = depth;
  bool sliced = false;
  for (; i < path.size(); ++i) {
    const Value& key = path[i];
    if (key.is_string()) {
      if (current.is_null()) current = Value::object();
      if (!current.is_object()) index_error(current, key);
      json::Object& obj = current.mutable_object();
      const Value* existing = obj.find(key.as_string());
      Value child = existing ? *existing : Value();
      if (existing) obj.set(key.as_string(), Value());
      chain.push_back(Step{std::move(current), SIZE_MAX, &key});
      current = std::move(child);
    } else if (key.is_number()) {
      if (current.is_null()) current = Value::array();
      if (!current.is_array()) index_error(current, key);
      const double d = key.as_number();
      if (std::isnan(d)) throw_message("Cannot set array element at NaN index");
      std::int64_t index = to_index(d);
      const auto size = static_cast<std::int64_t>(current.size());
      if (index < 0) {
        index += size;
        if (index < 0) throw_message("Out of bounds negative array index");
      }
      if (index >= kMaxArrayIndex) throw_message("Array index too large");
      if (static_cast<std::uint64_t>(index) >= current.size()) check_array_length(static_cast<std::size_t>(index) + 1);
      json::Array& arr = current.mutable_array();
      const auto at = static_cast<std::size_t>(index);
      if (at >= arr.size()) arr.resize(at + 1);
      Value child = std::move(arr[at]);
      arr[at] = Value();
      chain.push_back(Step{std::move(current), at, &key});
      current = std::move(child);
    } else if (key.is_object()) {
      current = set_slice(std::move(current), key, i, path, std::move(new_value));
      sliced = true;
      break;
    } else {
      if (key.is_array() && (current.is_array() || current.is_null()))
        throw_message("Cannot update field at array index of array");
      index_error(current, key);
    }
  }
  if (!sliced) current = std::move(new_value);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (it->index == SIZE_MAX)
      it->container.mutable_object().set(it->key->as_string(), std::move(current));
    else
      it->container.mutable_array()[it->index] = std::move(current);
    current = std::move(it->container);
  }
  return current;
}

namespace {
// Deletes `keys` from `t` all at once, so indices refer to the original array.
Value delete_keys(Value t, const std::vector<Value>& keys) {
  if (t.is_null() || keys.empty()) return t;
  if (t.is_array()) {
    const std::int64_t len = static_cast<std::int64_t>(t.size());
    std::vector<bool> drop(static_cast<std::size_t>(len), false);
    for (const Value& key : keys) {
      if (key.is_number()) {
        if (std::isnan(key.as_number())) continue;
        std::int64_t i = to_index(key.as_number());
        if (i < 0) i += len;
        if (i >= 0 && i < len) drop[static_cast<std::size_t>(i)] = true;
      } else if (key.is_object()) {
        std::size_t start, end;
        slice_bounds(key.get("start"), key.get("end"), static_cast<std::size_t>(len), start, end);
        for (std::size_t i = start; i < end; ++i) drop[i] = true;
      } else {
        throw_message("Cannot delete field at " + std::string(key.is_string() ? "object " : "") + "index of array");
      }
    }
    json::Array out;
    const json::Array& arr = t.as_array();
    for (std::size_t i = 0; i < arr.size(); ++i)
      if (!drop[i]) out.push_back(arr[i]);
    return Value::array(std::move(out));
  }
  if (t.is_object()) {
    for (const Value& key : keys) {
      if (!key.is_string()) throw_message("Cannot delete field at index of object");
      t.mutable_object().erase(key.as_string());
    }
    return t;
  }
  throw_message("Cannot delete fields from " + std::string(t.type_name()));
}

// `paths` are sorted and all longer than `depth`.
Value delete_sorted(Value object, const std::vector<Value>& paths, std::size_t begin, std::size_t end,
                    std::size_t depth) {
  std::vector<Value> keys;
  for (std::size_t i = begin; i < end;) {
    const json::Array& first = paths[i].as_array();
    const Value& key = first[depth];
    std::size_t j = i + 1;  // (NaN keys never compare equal, not even to themselves)
    while (j < end && paths[j].as_array()[depth] == key) ++j;
    if (first.size() == depth + 1) {
      keys.push_back(key);  // the whole entry goes; deeper deletions inside it do not matter
    } else {
      Value sub = index_value(object, key);
      if (!sub.is_null()) object = setpath(std::move(object), Path{key}, 0, delete_sorted(std::move(sub), paths, i, j, depth + 1));
    }
    i = j;
  }
  return delete_keys(std::move(object), keys);
}
}  // namespace

Value delpaths(Value root, std::vector<Path> paths) {
  std::vector<Value> sorted;
  sorted.reserve(paths.size());
  for (auto& p : paths) {
    if (p.size() > 10000) throw_message("Path too deep");
    sorted.push_back(path_to_value(p));
  }
  // A strict weak order even with NaN inside paths (compare says nan < nan).
  std::stable_sort(sorted.begin(), sorted.end(), [](const Value& a, const Value& b) {
    return json::compare(a, b) < 0 && json::compare(b, a) >= 0;
  });
  if (sorted.empty()) return root;
  if (sorted.front().size() == 0) return Value();
  return delete_sorted(std::move(root), sorted, 0, sorted.size(), 0);
}

}  // namespace netinspect::jq::eval
