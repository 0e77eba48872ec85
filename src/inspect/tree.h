// netinspect::inspect — an entry's payload seen as an Inspect hierarchy, as
// archivist's JSON deserializer sees it: an object value is a child node,
// except a histogram ({"buckets": [...]}); everything else is a property.
// Selection prunes a payload to what selectors pick; sorting follows
// diagnostics_hierarchy's sort() (names compared as numbers when both are).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inspect/selector.h"
#include "json/value.h"

namespace netinspect::inspect {

bool is_histogram(const json::Value& value);
inline bool is_node(const json::Value& value) { return value.is_object() && !is_histogram(value); }

// diagnostics_hierarchy's name order: numeric when both names are u64, else bytewise.
bool name_less(std::string_view a, std::string_view b);

// The payload pruned to the union of what `selectors` select (a selector
// without node path selects everything), or nullopt when nothing is
// selected. Moniker and tree-name filters are the caller's business. A null
// or non-object payload selects nothing, unless a selector has no node path.
std::optional<json::Value> select_payload(const json::Value& payload, const std::vector<const Selector*>& selectors);

// Calls `visit(path, property_name)` for every property under `payload`
// (path = node names from the root name down), in hierarchy-sorted order.
void for_each_property(const json::Value& payload,
                       const std::function<void(const std::vector<std::string>& path, const std::string& name)>& visit);

// The metadata's inspect source: metadata.name, else metadata.filename, else "".
std::string tree_name(const json::Value& entry);

}  // namespace netinspect::inspect
