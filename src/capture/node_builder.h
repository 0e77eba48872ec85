// netinspect::capture — builds an Inspect node as netstack's deprecated-FIDL
// export orders it: properties first (in insertion order), then child nodes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "json/value.h"

namespace netinspect::capture {

class NodeBuilder {
 public:
  // Adds a property, or replaces it in place when the key exists.
  void set(std::string_view key, json::Value value);
  void set_string(std::string_view key, std::string_view value) { set(key, json::Value::string(value)); }
  // The child node `key`, created empty at the end when missing.
  NodeBuilder& child(std::string_view key);
  // A child node given whole (an object built elsewhere), kept in child order.
  void set_node(std::string_view key, json::Value node) { child(key).prebuilt_ = std::move(node); }
  // The child at a '.'-separated path below this node ("ICMP.V4.PacketsSent").
  NodeBuilder& path(std::string_view dotted);
  bool empty() const { return properties_.empty() && children_.empty(); }
  json::Value build() const;

 private:
  std::vector<std::pair<std::string, json::Value>> properties_;
  std::vector<std::pair<std::string, std::unique_ptr<NodeBuilder>>> children_;
  // Name -> position in children_, built once a node has many children (the
  // 10,000 sockets of a busy host): keeps child() O(1) there.
  std::unordered_map<std::string, std::size_t> child_index_;
  std::optional<json::Value> prebuilt_;  // set_node: replaces this node's contents
};

}  // namespace netinspect::capture
