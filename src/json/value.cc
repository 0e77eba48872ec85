#include "json/value.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>
#include <mutex>

#include "json/decimal.h"
#include "json/parse.h"
#include "json/write.h"

namespace netinspect::json {

// Payloads are plain structs sharing an empty base, so one shared_ptr type can
// hold any of them without virtual dispatch (the kind says which it is).
struct Value::Payload {
  // Destroying a container would destroy its children recursively, one C++
  // frame per level: a value built as `reduce range(1e6) as $_ ([]; [.])`
  // would overflow the stack when freed. Instead a dying container takes
  // over the last reference of each child container and frees them in a loop,
  // taking their children first, so every payload dies with no container left.
  using Owned = std::pair<Kind, std::shared_ptr<Payload>>;
  static void take_if_last(Value& child, std::vector<Owned>& work) {
    // An unparsed container's payload is not an Array/ObjectPayload; it frees
    // its parsed value (if any) itself, whose payload then frees iteratively.
    if ((child.kind_ == Kind::Array || child.kind_ == Kind::Object) && child.payload_ && !child.unparsed_ &&
        child.payload_.use_count() == 1) {
      work.emplace_back(child.kind_, std::move(child.payload_));
    }
  }
  static void take_children(Kind kind, Payload& payload, std::vector<Owned>& work);
  static void release(std::vector<Owned>& work) {
    while (!work.empty()) {
      Owned last = std::move(work.back());
      work.pop_back();
      take_children(last.first, *last.second, work);
      last.second.reset();  // has no container children left: no recursion
    }
  }
};

namespace {

struct StringPayload : Value::Payload {
  explicit StringPayload(std::string s) : text(std::move(s)) {}
  std::string text;
};
struct ArrayPayload : Value::Payload {
  explicit ArrayPayload(Array a) : items(std::move(a)) {}
  ~ArrayPayload() {
    std::vector<Owned> work;
    take_children(Kind::Array, *this, work);
    release(work);
  }
  ArrayPayload(const ArrayPayload&) = delete;
  ArrayPayload& operator=(const ArrayPayload&) = delete;
  Array items;
};
struct ObjectPayload : Value::Payload {
  explicit ObjectPayload(Object o) : fields(std::move(o)) {}
  ~ObjectPayload() {
    std::vector<Owned> work;
    take_children(Kind::Object, *this, work);
    release(work);
  }
  ObjectPayload(const ObjectPayload&) = delete;
  ObjectPayload& operator=(const ObjectPayload&) = delete;
  Object fields;
};
struct UnparsedPayload : Value::Payload {
  UnparsedPayload(std::shared_ptr<const void> o, std::string_view t, std::size_t depth)
      : owner(std::move(o)), text(t), max_depth(depth) {}
  std::shared_ptr<const void> owner;
  std::string_view text;
  std::size_t max_depth;
  std::once_flag once;
  std::atomic<bool> done{false};
  Value value;  // set once by Value::parsed()
};

}  // namespace

void Value::Payload::take_children(Kind kind, Payload& payload, std::vector<Owned>& work) {
  if (kind == Kind::Array) {
    for (Value& item : static_cast<ArrayPayload&>(payload).items) take_if_last(item, work);
  } else {
    for (const Object::Entry& entry : static_cast<ObjectPayload&>(payload).fields)
      take_if_last(const_cast<Value&>(entry.second), work);
  }
}

namespace {

const std::string kEmptyString;
const Array kEmptyArray;
const Object kEmptyObject;

}  // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::Null: return "null";
    case Kind::False:
    case Kind::True: return "boolean";
    case Kind::Number: return "number";
    case Kind::String: return "string";
    case Kind::Array: return "array";
    case Kind::Object: return "object";
  }
  return "null";
}

Value Value::number_literal(double d, std::string_view literal) {
  Value v(Kind::Number);
  v.number_ = d;
  v.literal_ = true;
  if (std::isnan(d)) {
    // jq has no literal form for NaN: it prints as null.
    v.literal_ = false;
    return v;
  }
  if (!decimal::is_plain_short_integer(literal)) {
    std::string canonical = decimal::canonical_text(literal);
    if (canonical != format_number(d)) {
      v.payload_ = std::make_shared<StringPayload>(std::move(canonical));
    }
  }
  return v;
}

Value Value::string(std::string s) {
  Value v(Kind::String);
  v.payload_ = std::make_shared<StringPayload>(std::move(s));
  return v;
}

Value Value::array(Array a) {
  Value v(Kind::Array);
  v.payload_ = std::make_shared<ArrayPayload>(std::move(a));
  return v;
}

Value Value::object() { return object(Object{}); }

Value Value::object(Object o) {
  Value v(Kind::Object);
  v.payload_ = std::make_shared<ObjectPayload>(std::move(o));
  return v;
}

Value Value::unparsed(std::shared_ptr<const void> owner, std::string_view text, std::size_t max_depth) {
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || (text[start] != '[' && text[start] != '{')) {
    throw std::invalid_argument("json::Value::unparsed needs an array or object");
  }
  Value v(text[start] == '[' ? Kind::Array : Kind::Object);
  v.unparsed_ = true;
  v.payload_ = std::make_shared<UnparsedPayload>(std::move(owner), text, max_depth);
  return v;
}

const Value& Value::parsed() const {
  auto& payload = static_cast<UnparsedPayload&>(*payload_);
  std::call_once(payload.once, [&] {
    payload.value = detail::parse_keeping_unparsed(payload.owner, payload.text, payload.max_depth, {});
    payload.done.store(true, std::memory_order_release);
  });
  return payload.value;
}

Value materialize(const Value& value, std::span<const std::string_view> keep_unparsed) {
  if (!value.unparsed_) return value;
  auto& payload = static_cast<const UnparsedPayload&>(*value.payload_);
  if (payload.done.load(std::memory_order_acquire)) return payload.value;
  return detail::parse_keeping_unparsed(payload.owner, payload.text, payload.max_depth, keep_unparsed);
}

const std::string* Value::number_literal_text() const {
  if (kind_ != Kind::Number || !payload_) return nullptr;
  return &static_cast<const StringPayload*>(payload_.get())->text;
}

const std::string& Value::as_string() const {
  if (kind_ != Kind::String || !payload_) return kEmptyString;
  return static_cast<const StringPayload*>(payload_.get())->text;
}

const Array& Value::as_array() const {
  if (kind_ != Kind::Array || !payload_) return kEmptyArray;
  if (unparsed_) return parsed().as_array();
  return static_cast<const ArrayPayload*>(payload_.get())->items;
}

const Object& Value::as_object() const {
  if (kind_ != Kind::Object || !payload_) return kEmptyObject;
  if (unparsed_) return parsed().as_object();
  return static_cast<const ObjectPayload*>(payload_.get())->fields;
}

Array& Value::mutable_array() {
  if (unparsed_) *this = Value(parsed());  // shares the kept payload: copied below
  if (kind_ != Kind::Array) *this = array();
  if (!payload_) {
    payload_ = std::make_shared<ArrayPayload>(Array{});
  } else if (payload_.use_count() > 1) {
    payload_ = std::make_shared<ArrayPayload>(as_array());
  }
  return static_cast<ArrayPayload*>(payload_.get())->items;
}

Object& Value::mutable_object() {
  if (unparsed_) *this = Value(parsed());
  if (kind_ != Kind::Object) *this = object();
  if (!payload_) {
    payload_ = std::make_shared<ObjectPayload>(Object{});
  } else if (payload_.use_count() > 1) {
    payload_ = std::make_shared<ObjectPayload>(as_object());
  }
  return static_cast<ObjectPayload*>(payload_.get())->fields;
}

std::string& Value::mutable_string() {
  if (kind_ != Kind::String) *this = string(std::string());
  if (!payload_) {
    payload_ = std::make_shared<StringPayload>(std::string());
  } else if (payload_.use_count() > 1) {
    payload_ = std::make_shared<StringPayload>(as_string());
  }
  return static_cast<StringPayload*>(payload_.get())->text;
}

Value Value::get(std::string_view key) const {
  if (kind_ != Kind::Object) return Value();
  const Value* found = as_object().find(key);
  return found ? *found : Value();
}

Value Value::at(std::size_t index) const {
  if (kind_ != Kind::Array) return Value();
  const Array& items = as_array();
  return index < items.size() ? items[index] : Value();
}

std::size_t Value::size() const {
  switch (kind_) {
    case Kind::String: return as_string().size();
    case Kind::Array: return as_array().size();
    case Kind::Object: return as_object().size();
    default: return 0;
  }
}

Value negate_number(const Value& number) {
  if (!number.is_literal_number()) return Value::number(-number.as_number());
  Value v = Value::number(-number.as_number());
  v.literal_ = true;
  if (const std::string* text = number.number_literal_text()) {
    std::string flipped = (*text)[0] == '-' ? text->substr(1) : "-" + *text;
    if (flipped != format_number(v.number_)) {
      v.payload_ = std::make_shared<StringPayload>(std::move(flipped));
    }
  }
  // Without stored text the literal equals format_number(d), and
  // format_number(-d) is its negation, so nothing needs storing.
  return v;
}

// ---------------------------------------------------------------------------
// Object

// Open-addressing table of indices into entries_; it hashes the keys stored in
// entries_ so vector reallocation never invalidates it.
struct Object::Index {
  static constexpr std::uint32_t kEmpty = 0xffffffffu;
  std::vector<std::uint32_t> slots;  // size is a power of two, load <= 1/2

  static std::size_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  void insert(const std::vector<Entry>& entries, std::uint32_t position) {
    std::size_t mask = slots.size() - 1;
    std::size_t slot = hash(entries[position].first) & mask;
    while (slots[slot] != kEmpty) slot = (slot + 1) & mask;
    slots[slot] = position;
  }

  void rebuild(const std::vector<Entry>& entries) {
    std::size_t capacity = 16;
    while (capacity < entries.size() * 2 + 2) capacity *= 2;
    slots.assign(capacity, kEmpty);
    for (std::uint32_t i = 0; i < entries.size(); ++i) insert(entries, i);
  }

  std::uint32_t find(const std::vector<Entry>& entries, std::string_view key) const {
    std::size_t mask = slots.size() - 1;
    std::size_t slot = hash(key) & mask;
    while (slots[slot] != kEmpty) {
      if (entries[slots[slot]].first == key) return slots[slot];
      slot = (slot + 1) & mask;
    }
    return kEmpty;
  }
};

namespace {
// Below this size a linear scan (lengths first) is as fast as hashing and
// spares objects that are looked up a few times an index allocation.
constexpr std::size_t kIndexThreshold = 16;
}  // namespace

const Value* Object::find(std::string_view key) const {
  if (entries_.size() <= kIndexThreshold) {
    for (const Entry& e : entries_) {
      if (e.first == key) return &e.second;
    }
    return nullptr;
  }
  if (!index_) {
    auto index = std::make_shared<Index>();
    index->rebuild(entries_);
    index_ = std::move(index);
  }
  std::uint32_t position = index_->find(entries_, key);
  return position == Index::kEmpty ? nullptr : &entries_[position].second;
}

void Object::set(std::string key, Value value) {
  if (const Value* existing = find(key)) {
    const_cast<Value&>(*existing) = std::move(value);
    return;
  }
  entries_.emplace_back(std::move(key), std::move(value));
  if (!index_) return;
  // The index may be shared with a copy of this object: never mutate it then.
  if (index_.use_count() > 1) {
    index_.reset();
    return;
  }
  if (entries_.size() * 2 + 2 > index_->slots.size()) {
    index_->rebuild(entries_);
  } else {
    index_->insert(entries_, static_cast<std::uint32_t>(entries_.size() - 1));
  }
}

bool Object::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      index_.reset();  // positions shifted
      return true;
    }
  }
  return false;
}

namespace {

// True when two entries share a key. Small objects compare pairwise; larger
// ones go through a probe table kept per thread, so checking the millions of
// objects of a big snapshot allocates nothing.
bool has_duplicate_keys(const std::vector<Object::Entry>& entries) {
  const std::size_t n = entries.size();
  if (n <= 16) {
    for (std::size_t i = 1; i < n; ++i) {
      const std::string& key = entries[i].first;
      for (std::size_t j = 0; j < i; ++j) {
        if (entries[j].first == key) return true;
      }
    }
    return false;
  }
  constexpr std::uint32_t kEmpty = 0xffffffffu;
  thread_local std::vector<std::uint32_t> slots;
  std::size_t capacity = 64;
  while (capacity < n * 2) capacity *= 2;
  slots.assign(capacity, kEmpty);
  const std::size_t mask = capacity - 1;
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string_view key = entries[i].first;
    std::size_t slot = std::hash<std::string_view>{}(key) & mask;
    while (slots[slot] != kEmpty) {
      if (entries[slots[slot]].first == key) return true;
      slot = (slot + 1) & mask;
    }
    slots[slot] = i;
  }
  if (capacity > (std::size_t{1} << 16)) std::vector<std::uint32_t>().swap(slots);  // do not keep a huge table
  return false;
}

}  // namespace

Object Object::from_entries(std::vector<Entry> entries) {
  Object out;
  if (!has_duplicate_keys(entries)) {
    out.entries_ = std::move(entries);
    return out;
  }
  out.reserve(entries.size());
  for (Entry& entry : entries) out.set(std::move(entry.first), std::move(entry.second));
  return out;
}

std::vector<std::string> Object::sorted_keys() const {
  std::vector<std::string> keys;
  keys.reserve(entries_.size());
  for (const Entry& e : entries_) keys.push_back(e.first);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// ---------------------------------------------------------------------------
// Ordering

namespace {

int compare_numbers(const Value& a, const Value& b) {
  double x = a.as_number(), y = b.as_number();
  // jq orders NaN as if it were below every number, itself included.
  if (std::isnan(x)) return -1;
  if (std::isnan(y)) return 1;
  if (a.is_literal_number() && b.is_literal_number()) {
    const std::string* ta = a.number_literal_text();
    const std::string* tb = b.number_literal_text();
    if (ta || tb) {
      // At least one literal carries digits a double cannot hold.
      std::string fa = ta ? std::string() : format_number(x);
      std::string fb = tb ? std::string() : format_number(y);
      return decimal::compare(ta ? *ta : fa, tb ? *tb : fb);
    }
  }
  return x < y ? -1 : (x == y ? 0 : 1);
}

int compare_strings(const std::string& a, const std::string& b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// jq's order, walked with an explicit stack so nesting depth never costs C++
// stack. `equality` only picks the message and allows the identity shortcut
// (jq's jv_equal checks identity first; jv_cmp always walks).
class Comparison {
 public:
  explicit Comparison(bool equality) : equality_(equality) {}

  int run(const Value& a, const Value& b) {
    int result = 0;
    if (!enter(a, b, result)) return result;
    while (!stack_.empty()) {
      Level& top = stack_.back();
      const Value* x;
      const Value* y;
      if (top.a->kind() == Kind::Array) {
        const Array& xs = top.a->as_array();
        const Array& ys = top.b->as_array();
        if (top.next == std::min(xs.size(), ys.size())) {
          if (xs.size() != ys.size()) return xs.size() < ys.size() ? -1 : 1;
          stack_.pop_back();
          continue;
        }
        x = &xs[top.next];
        y = &ys[top.next];
      } else {
        if (top.next == top.keys.size()) {
          stack_.pop_back();
          continue;
        }
        x = top.a->as_object().find(top.keys[top.next]);
        y = top.b->as_object().find(top.keys[top.next]);
      }
      ++top.next;
      if (!enter(*x, *y, result) && result != 0) return result;
    }
    return 0;
  }

 private:
  struct Level {
    const Value* a;
    const Value* b;
    std::size_t next = 0;
    std::vector<std::string> keys;  // objects: the (equal) sorted key sets
  };

  // Compares scalars (and settles containers early) into `result` and returns
  // false; returns true when a container pair was pushed for a walk.
  bool enter(const Value& a, const Value& b, int& result) {
    result = 0;
    if (a.kind() != b.kind()) {
      result = a.kind() < b.kind() ? -1 : 1;
      return false;
    }
    switch (a.kind()) {
      case Kind::Null:
      case Kind::False:
      case Kind::True: return false;
      case Kind::Number: result = compare_numbers(a, b); return false;
      case Kind::String: result = compare_strings(a.as_string(), b.as_string()); return false;
      case Kind::Array:
      case Kind::Object: break;
    }
    if (stack_.size() > static_cast<std::size_t>(kMaxCompareDepth))
      throw TooDeepError(equality_ ? "Equality check too deep" : "Comparison too deep");
    if (a.kind() == Kind::Array) {
      if (equality_ && &a.as_array() == &b.as_array()) return false;
      stack_.push_back(Level{&a, &b, 0, {}});
      return true;
    }
    const Object& x = a.as_object();
    const Object& y = b.as_object();
    if (equality_ && &x == &y) return false;
    // Objects order by their sorted key sets first, then by values key by key.
    std::vector<std::string> ka = x.sorted_keys();
    std::vector<std::string> kb = y.sorted_keys();
    std::size_t n = std::min(ka.size(), kb.size());
    for (std::size_t i = 0; i < n; ++i) {
      result = compare_strings(ka[i], kb[i]);
      if (result != 0) return false;
    }
    if (ka.size() != kb.size()) {
      result = ka.size() < kb.size() ? -1 : 1;
      return false;
    }
    stack_.push_back(Level{&a, &b, 0, std::move(ka)});
    return true;
  }

  bool equality_;
  std::vector<Level> stack_;
};

}  // namespace

int compare(const Value& a, const Value& b) {
  // Scalars (the common case in sorts and `==`) need no walk state.
  if (a.kind() != b.kind() || a.kind() < Kind::Array) {
    if (a.kind() != b.kind()) return a.kind() < b.kind() ? -1 : 1;
    if (a.kind() == Kind::Number) return compare_numbers(a, b);
    if (a.kind() == Kind::String) return compare_strings(a.as_string(), b.as_string());
    return 0;
  }
  return Comparison(false).run(a, b);
}

bool equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.kind() == Kind::Number) return compare_numbers(a, b) == 0;
  if (a.kind() == Kind::String) return a.as_string() == b.as_string();
  if (a.kind() < Kind::Number) return true;
  return Comparison(true).run(a, b) == 0;
}

}  // namespace netinspect::json
