#include "inspect/tree.h"

#include <algorithm>
#include <charconv>

namespace netinspect::inspect {
namespace {

std::optional<std::uint64_t> as_u64(std::string_view s) {
  std::uint64_t value = 0;
  auto result = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || result.ec != std::errc() || result.ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

// Deep union of two pruned nodes.
json::Value merge(const json::Value& a, const json::Value& b) {
  json::Object out = a.as_object();
  for (const auto& [key, value] : b.as_object()) {
    const json::Value* mine = out.find(key);
    if (mine != nullptr && is_node(*mine) && is_node(value)) {
      out.set(key, merge(*mine, value));
    } else {
      out.set(key, value);
    }
  }
  return json::Value::object(std::move(out));
}

std::optional<json::Value> prune(const json::Value& node, const Selector& selector, std::size_t depth) {
  if (depth == selector.node_path.size()) {
    if (!selector.property) return node;
    json::Object kept;
    for (const auto& [key, value] : node.as_object()) {
      if (!is_node(value) && selector.property->matches(key)) kept.set(key, value);
    }
    if (kept.empty()) return std::nullopt;
    return json::Value::object(std::move(kept));
  }
  json::Object kept;
  for (const auto& [key, value] : node.as_object()) {
    if (!is_node(value) || !selector.node_path[depth].matches(key)) continue;
    if (auto child = prune(value, selector, depth + 1)) kept.set(key, std::move(*child));
  }
  if (kept.empty()) return std::nullopt;
  return json::Value::object(std::move(kept));
}

void walk(const json::Value& node, std::vector<std::string>& path,
          const std::function<void(const std::vector<std::string>&, const std::string&)>& visit) {
  std::vector<const std::string*> properties, children;
  for (const auto& [key, value] : node.as_object()) (is_node(value) ? children : properties).push_back(&key);
  auto by_name = [](const std::string* a, const std::string* b) { return name_less(*a, *b); };
  std::stable_sort(properties.begin(), properties.end(), by_name);
  std::stable_sort(children.begin(), children.end(), by_name);
  if (!path.empty()) {
    for (const std::string* name : properties) visit(path, *name);
  }
  for (const std::string* name : children) {
    path.push_back(*name);
    walk(*node.as_object().find(*name), path, visit);
    path.pop_back();
  }
}

}  // namespace

bool is_histogram(const json::Value& value) {
  if (!value.is_object() || value.size() != 1) return false;
  const json::Value* buckets = value.as_object().find("buckets");
  if (buckets == nullptr || !buckets->is_array()) return false;
  for (const json::Value& bucket : buckets->as_array()) {
    if (!bucket.is_object() || bucket.as_object().find("count") == nullptr) return false;
  }
  return true;
}

bool name_less(std::string_view a, std::string_view b) {
  auto x = as_u64(a), y = as_u64(b);
  if (x && y) return *x < *y;
  return a < b;
}

std::optional<json::Value> select_payload(const json::Value& payload, const std::vector<const Selector*>& selectors) {
  std::optional<json::Value> result;
  for (const Selector* selector : selectors) {
    std::optional<json::Value> picked;
    if (selector->node_path.empty()) {
      picked = payload;
    } else if (payload.is_object()) {
      picked = prune(payload, *selector, 0);
    }
    if (!picked) continue;
    if (!result) {
      result = std::move(picked);
    } else if (result->is_object() && picked->is_object()) {
      result = merge(*result, *picked);
    }
  }
  return result;
}

void for_each_property(const json::Value& payload,
                       const std::function<void(const std::vector<std::string>&, const std::string&)>& visit) {
  if (!payload.is_object()) return;
  std::vector<std::string> path;
  walk(payload, path, visit);
}

std::string tree_name(const json::Value& entry) {
  json::Value metadata = entry.get("metadata");
  json::Value name = metadata.get("name");
  if (name.is_string()) return name.as_string();
  json::Value filename = metadata.get("filename");
  if (filename.is_string()) return filename.as_string();
  return "";
}

}  // namespace netinspect::inspect
