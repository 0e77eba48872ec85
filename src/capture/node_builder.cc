#include "capture/node_builder.h"

namespace netinspect::capture {

void NodeBuilder::set(std::string_view key, json::Value value) {
  for (auto& [name, existing] : properties_) {
    if (name == key) {
      existing = std::move(value);
      return;
    }
  }
  properties_.emplace_back(std::string(key), std::move(value));
}

NodeBuilder& NodeBuilder::child(std::string_view key) {
  constexpr std::size_t kIndexFrom = 16;
  if (children_.size() < kIndexFrom) {
    for (auto& [name, node] : children_) {
      if (name == key) return *node;
    }
  } else {
    if (child_index_.empty()) {
      for (std::size_t i = 0; i < children_.size(); ++i) child_index_.emplace(children_[i].first, i);
    }
    if (auto found = child_index_.find(std::string(key)); found != child_index_.end()) return *children_[found->second].second;
  }
  children_.emplace_back(std::string(key), std::make_unique<NodeBuilder>());
  if (!child_index_.empty()) child_index_.emplace(children_.back().first, children_.size() - 1);
  return *children_.back().second;
}

NodeBuilder& NodeBuilder::path(std::string_view dotted) {
  NodeBuilder* node = this;
  while (!dotted.empty()) {
    std::size_t dot = dotted.find('.');
    node = &node->child(dotted.substr(0, dot));
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  return *node;
}

json::Value NodeBuilder::build() const {
  if (prebuilt_) return *prebuilt_;
  json::Object object;
  object.reserve(properties_.size() + children_.size());
  for (const auto& [name, value] : properties_) object.set(name, value);
  for (const auto& [name, node] : children_) object.set(name, node->build());
  return json::Value::object(std::move(object));
}

}  // namespace netinspect::capture
