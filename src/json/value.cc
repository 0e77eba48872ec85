#include "json/value.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

#include "json/decimal.h"
#include "json/write.h"

namespace netinspect::json {

// Payloads are plain structs sharing an empty base, so one shared_ptr type can
// hold any of them without virtual dispatch (the kind says which it is).
struct Value::Payload {};

namespace {

struct StringPayload : Value::Payload {
  explicit StringPayload(std::string s) : text(std::move(s)) {}
  std::string text;
};
struct ArrayPayload : Value::Payload {
  explicit ArrayPayload(Array a) : items(std::move(a)) {}
  Array items;
};
struct ObjectPayload : Value::Payload {
  explicit ObjectPayload(Object o) : fields(std::move(o)) {}
  Object fields;
};

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
  return static_cast<const ArrayPayload*>(payload_.get())->items;
}

const Object& Value::as_object() const {
  if (kind_ != Kind::Object || !payload_) return kEmptyObject;
  return static_cast<const ObjectPayload*>(payload_.get())->fields;
}

Array& Value::mutable_array() {
  if (kind_ != Kind::Array) *this = array();
  if (!payload_) {
    payload_ = std::make_shared<ArrayPayload>(Array{});
  } else if (payload_.use_count() > 1) {
    payload_ = std::make_shared<ArrayPayload>(as_array());
  }
  return static_cast<ArrayPayload*>(payload_.get())->items;
}

Object& Value::mutable_object() {
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
// Below this size a linear scan beats hashing.
constexpr std::size_t kIndexThreshold = 8;
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

int compare_objects(const Object& a, const Object& b) {
  std::vector<std::string> ka = a.sorted_keys();
  std::vector<std::string> kb = b.sorted_keys();
  std::size_t n = std::min(ka.size(), kb.size());
  for (std::size_t i = 0; i < n; ++i) {
    int c = compare_strings(ka[i], kb[i]);
    if (c != 0) return c;
  }
  if (ka.size() != kb.size()) return ka.size() < kb.size() ? -1 : 1;
  for (const std::string& key : ka) {
    int c = compare(*a.find(key), *b.find(key));
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace

int compare(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return a.kind() < b.kind() ? -1 : 1;
  switch (a.kind()) {
    case Kind::Null:
    case Kind::False:
    case Kind::True: return 0;
    case Kind::Number: return compare_numbers(a, b);
    case Kind::String: return compare_strings(a.as_string(), b.as_string());
    case Kind::Array: {
      const Array& x = a.as_array();
      const Array& y = b.as_array();
      if (&x == &y) return 0;
      std::size_t n = std::min(x.size(), y.size());
      for (std::size_t i = 0; i < n; ++i) {
        int c = compare(x[i], y[i]);
        if (c != 0) return c;
      }
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
      return 0;
    }
    case Kind::Object: {
      const Object& x = a.as_object();
      const Object& y = b.as_object();
      if (&x == &y) return 0;
      return compare_objects(x, y);
    }
  }
  return 0;
}

}  // namespace netinspect::json
