// netinspect::json — the JSON value type shared by every module.
//
// A Value is immutable and cheap to copy (one pointer + refcount). Objects keep
// insertion order, as jq prints them; a key set twice keeps its first position
// and its last value, as jq does. Numbers remember the literal they were parsed
// from, so a number that passes through a program unchanged prints as written
// (jq 1.8 keeps e.g. 100000000000000000000001 intact).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netinspect::json {

// Declared in jq's type order: null < false < true < number < string < array < object.
enum class Kind : std::uint8_t { Null, False, True, Number, String, Array, Object };

// "null", "boolean", "number", "string", "array", "object" — jq's `type` names.
std::string_view kind_name(Kind kind);

class Value;
class Object;
using Array = std::vector<Value>;

class Value {
 public:
  Value() = default;  // null
  static Value null() { return Value(); }
  static Value boolean(bool b) { return Value(b ? Kind::True : Kind::False); }
  static Value number(double d) {
    Value v(Kind::Number);
    v.number_ = d;
    return v;
  }
  // A number parsed from text (JSON or a program literal): it stays a literal
  // and prints in decNumber's canonical form of `literal` (e.g. "1.000",
  // "1E+2", "100000000000000000000001") while unchanged, as jq 1.8 does.
  // `literal` must be valid number syntax (leading zeros, "1.", ".5" tolerated).
  static Value number_literal(double d, std::string_view literal);
  static Value string(std::string s);
  static Value string(std::string_view s) { return string(std::string(s)); }
  static Value string(const char* s) { return string(std::string(s)); }
  static Value array(Array a = {});
  static Value object();  // {} (Object is incomplete here, so no default argument)
  static Value object(Object o);
  // An array or object kept as its JSON text (`text`, inside `owner`) until
  // first read: as_array()/as_object() parse it then and keep the result.
  // Big snapshots are read this way so that a view can parse one socket at a
  // time (see materialize()). The text is not checked here: reading a
  // malformed one throws json::ParseError. `owner` keeps `text` and at least
  // kUnparsedPadding readable bytes after it alive (the parser reads ahead, in
  // place); `text` must start with '[' or '{'.
  static constexpr std::size_t kUnparsedPadding = 64;
  static Value unparsed(std::shared_ptr<const void> owner, std::string_view text, std::size_t max_depth);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_bool() const { return kind_ == Kind::False || kind_ == Kind::True; }
  bool is_number() const { return kind_ == Kind::Number; }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_array() const { return kind_ == Kind::Array; }
  bool is_object() const { return kind_ == Kind::Object; }
  // jq truthiness: everything except null and false.
  bool truthy() const { return kind_ != Kind::Null && kind_ != Kind::False; }
  bool is_unparsed() const { return unparsed_; }  // made by unparsed()
  std::string_view type_name() const { return kind_name(kind_); }

  double as_number() const { return number_; }  // precondition: is_number()
  // True for numbers made by number_literal (jq 1.8's "literal numbers").
  bool is_literal_number() const { return literal_; }
  // The canonical literal text when it differs from format_number(as_number()),
  // else nullptr (also for computed numbers). Prefer number_text() in write.h.
  const std::string* number_literal_text() const;
  const std::string& as_string() const;  // precondition: is_string()
  const Array& as_array() const;         // precondition: is_array()
  const Object& as_object() const;       // precondition: is_object()

  // Copy-on-write access for builders: copies the payload if it is shared.
  Array& mutable_array();
  Object& mutable_object();
  std::string& mutable_string();

  // Convenience lookups; return null Value when absent or of the wrong kind.
  Value get(std::string_view key) const;
  Value at(std::size_t index) const;
  std::size_t size() const;  // array/object element count, string byte count; 0 otherwise

  struct Payload;  // implementation detail, defined in value.cc

 private:
  explicit Value(Kind kind) : kind_(kind) {}
  friend Value negate_number(const Value& number);
  friend Value materialize(const Value& value, std::span<const std::string_view> keep_unparsed);
  const Value& parsed() const;  // of an unparsed container: parses once, keeps it
  Kind kind_ = Kind::Null;
  bool literal_ = false;  // number parsed from text
  bool unparsed_ = false;  // payload_ is the JSON text of a container
  double number_ = 0;     // kept inline: computed numbers never allocate
  std::shared_ptr<Payload> payload_;
};

// `-x` for a number: a literal keeps its precision and stays a literal
// (jq 1.8: `-.` on 13911860366432393 gives -13911860366432393); a computed
// number is simply negated.
Value negate_number(const Value& number);

// The value itself, except that an unparsed container is parsed now and the
// result is not kept (unless an earlier access kept one): for code that reads
// many big unparsed subtrees once each and must not hold them all at once.
// Members of the parsed object named in `keep_unparsed` stay unparsed
// themselves (a socket's "Socket Option Stats", read only on request).
// Throws json::ParseError when the text is malformed.
Value materialize(const Value& value, std::span<const std::string_view> keep_unparsed = {});

// Insertion-ordered map from string keys to values with O(1) average lookup.
class Object {
 public:
  using Entry = std::pair<std::string, Value>;

  Object() = default;
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const Value* find(std::string_view key) const;  // nullptr when absent
  // Inserts at the end, or replaces the value in place when the key exists.
  void set(std::string key, Value value);
  bool erase(std::string_view key);  // true when something was removed
  const std::vector<Entry>& entries() const { return entries_; }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }
  std::vector<std::string> sorted_keys() const;  // by codepoint, as jq's `keys`
  void reserve(std::size_t n) { entries_.reserve(n); }

  // An object holding `entries` in order, as if each were set() in turn (a key
  // given twice keeps its first position and its last value), without a
  // lookup per key: what parsers and row builders use to make many objects.
  static Object from_entries(std::vector<Entry> entries);

 private:
  std::vector<Entry> entries_;
  // Built lazily once the object grows beyond a few keys; maps key -> index.
  struct Index;
  mutable std::shared_ptr<Index> index_;
};

// jq's total order (`sort`, `<`, `==`): returns <0, 0, >0.
// Numbers compare by double value, except two literals, which compare as exact
// decimals (jq 1.8: 13911860366432393 != 13911860366432392); NaN sorts below
// every number (itself included, so nan < nan); strings by bytes (= codepoints for UTF-8);
// arrays lexicographically; objects by sorted key sets first, then values key by key.
//
// Both walk at most kMaxCompareDepth levels into nested containers, as jq 1.8
// does, and throw TooDeepError beyond: compare with "Comparison too deep",
// equal with "Equality check too deep" (jq's messages).
int compare(const Value& a, const Value& b);
// compare(a, b) == 0, except that a value is equal to itself without a walk.
bool equal(const Value& a, const Value& b);
inline bool operator==(const Value& a, const Value& b) { return equal(a, b); }
inline bool operator<(const Value& a, const Value& b) { return compare(a, b) < 0; }

constexpr int kMaxCompareDepth = 10000;

class TooDeepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace netinspect::json
