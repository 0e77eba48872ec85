#include "netstack/snapshot.h"

#include <algorithm>
#include <string_view>

#include "json/parse.h"

namespace netinspect::netstack {

namespace {

constexpr std::string_view kCurrentMoniker = "core/network/netstack";
constexpr std::string_view kCfv1Moniker = "netstack.cmx";

// The moniker of an entry; pre-2020 "bugreport" entries have only a hub path
// ("/hub/c/netstack.cmx/<koid>/out/diagnostics/...").
std::string entry_moniker(const json::Value& entry) {
  json::Value moniker = entry.get("moniker");
  if (moniker.is_string()) return moniker.as_string();
  json::Value path = entry.get("path");
  if (path.is_string()) {
    std::string_view p = path.as_string();
    if (auto at = p.find("/c/"); at != std::string_view::npos) {
      std::string_view rest = p.substr(at + 3);
      return std::string(rest.substr(0, rest.find('/')));
    }
  }
  return {};
}

// Old archivists wrote `contents` where newer ones write `payload`.
json::Value entry_payload(const json::Value& entry) {
  if (entry.is_object() && entry.as_object().find("payload") != nullptr) return entry.get("payload");
  return entry.get("contents");
}

std::string entry_filename(const json::Value& entry) {
  json::Value metadata = entry.get("metadata");
  for (const char* key : {"filename", "name"}) {
    json::Value v = metadata.get(key);
    if (v.is_string()) return v.as_string();
  }
  json::Value path = entry.get("path");
  if (path.is_string()) {
    std::string_view p = path.as_string();
    if (auto at = p.find("/diagnostics/"); at != std::string_view::npos) return std::string(p.substr(at + 13));
    return std::string(p);
  }
  return {};
}

// The first human-readable message among an entry's errors, whatever its
// shape ([{"message": m}], or a list of pairs as some generators write).
std::string first_message(const json::Value& value) {
  if (value.is_string()) return value.as_string() == "message" ? std::string() : value.as_string();
  if (value.is_object()) {
    if (json::Value m = value.get("message"); m.is_string()) return m.as_string();
    for (const auto& [key, child] : value.as_object()) {
      if (std::string m = first_message(child); !m.empty()) return m;
    }
  }
  if (value.is_array()) {
    for (const json::Value& child : value.as_array()) {
      if (std::string m = first_message(child); !m.empty()) return m;
    }
  }
  return {};
}

void take_tree(json::Value& slot, const json::Value& tree, std::string_view what, Snapshot& out) {
  if (!tree.is_object()) {
    out.surprises.push_back(std::string(what) + " is a " + std::string(tree.type_name()) + ", not an object");
    return;
  }
  if (!slot.is_null()) {
    out.surprises.push_back("a second \"" + std::string(what) + "\" tree; keeping the first");
    return;
  }
  slot = tree;
}

void sort_payload(const json::Value& payload, const std::string& filename, Snapshot& out) {
  for (const auto& [key, tree] : payload.as_object()) {
    if (key == "Socket Info") {
      take_tree(out.sockets, tree, key, out);
      out.flavor = Flavor::Netstack2;
    } else if (key == "NICs") {
      take_tree(out.nics, tree, key, out);
      out.flavor = Flavor::Netstack2;
    } else if (key == "Networking Stat Counters") {
      take_tree(out.counters, tree, key, out);
      out.flavor = Flavor::Netstack2;
    } else if (key == "Routes") {
      take_tree(out.routes, tree, key, out);
      out.flavor = Flavor::Netstack2;
    } else if (key == "Runtime Configuration Flags") {
      take_tree(out.config, tree, key, out);
    } else if (key == "root") {
      if (!tree.is_object()) continue;
      const json::Object& root = tree.as_object();
      if (const json::Value* health = root.find("fuchsia.inspect.Health")) out.health = *health;
      if (const json::Value* pprof = root.find("pprof"); pprof != nullptr && pprof->is_object()) {
        for (const auto& [name, blob] : pprof->as_object()) {
          if (std::find(out.pprof_profiles.begin(), out.pprof_profiles.end(), name) == out.pprof_profiles.end())
            out.pprof_profiles.push_back(name);
        }
        out.pprof_files.push_back(filename);
      }
      // Netstack3: one tree holds everything.
      bool ns3 = false;
      for (auto [name, slot] : {std::pair<const char*, json::Value*>{"Sockets", &out.sockets},
                                {"Devices", &out.nics},
                                {"Counters", &out.counters},
                                {"Routes", &out.routes}}) {
        if (const json::Value* t = root.find(name)) {
          take_tree(*slot, *t, std::string("root/") + name, out);
          ns3 = true;
        }
      }
      if (ns3) out.flavor = Flavor::Netstack3;
    } else if (key != "Networking FIDL Protocol Stats" && key != "memstats") {
      out.surprises.push_back("unknown netstack tree \"" + key + "\"" +
                              (filename.empty() ? std::string() : " in " + filename));
    }
  }
}

}  // namespace

std::string_view flavor_name(Flavor flavor) {
  switch (flavor) {
    case Flavor::Netstack2:
      return "netstack2";
    case Flavor::Netstack3:
      return "netstack3";
    default:
      return "unknown";
  }
}

Snapshot load_entries(const std::vector<json::Value>& entries, std::string label, const LoadOptions& options) {
  Snapshot out;
  out.label = std::move(label);
  out.entries_total = entries.size();
  std::vector<std::string> monikers;
  monikers.reserve(entries.size());
  bool has_current = false, has_cfv1 = false;
  for (const json::Value& entry : entries) {
    monikers.push_back(entry.is_object() ? entry_moniker(entry) : std::string());
    has_current |= monikers.back() == kCurrentMoniker;
    has_cfv1 |= monikers.back() == kCfv1Moniker;
  }
  std::string wanted = !options.moniker.empty() ? options.moniker
                       : has_current            ? std::string(kCurrentMoniker)
                       : has_cfv1               ? std::string(kCfv1Moniker)
                                                : std::string();
  if (wanted.empty()) return out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (monikers[i] != wanted) continue;
    const json::Value& entry = entries[i];
    out.moniker = wanted;
    ++out.netstack_entries;
    json::Value metadata = entry.get("metadata");
    if (out.component_url.empty()) {
      if (json::Value url = metadata.get("component_url"); url.is_string()) out.component_url = url.as_string();
    }
    if (json::Value ts = metadata.get("timestamp"); ts.is_number()) {
      auto ns = static_cast<std::int64_t>(ts.as_number());
      if (const std::string* literal = ts.number_literal_text()) {
        try {
          ns = std::stoll(*literal);
        } catch (...) {
        }
      }
      if (!out.timestamp_ns || ns < *out.timestamp_ns) out.timestamp_ns = ns;
    }
    std::string filename = entry_filename(entry);
    json::Value payload = entry_payload(entry);
    if (payload.is_null()) {
      out.timed_out.push_back({filename, first_message(metadata.get("errors"))});
      continue;
    }
    if (!payload.is_object()) {
      out.surprises.push_back("payload of " + (filename.empty() ? std::string("an entry") : filename) + " is a " +
                              std::string(payload.type_name()));
      continue;
    }
    sort_payload(payload, filename, out);
  }
  return out;
}

Snapshot load_path(const std::string& path, const source::OpenOptions& open_options, const LoadOptions& options) {
  auto stream = source::open_entries(path, open_options);
  std::vector<json::Value> kept;
  std::size_t total = 0;
  source::Entry entry;
  while (stream->next(entry)) {
    ++total;
    if (options.progress) options.progress(stream->bytes_consumed());
    // Skip other components unparsed; keep anything whose moniker cannot be
    // read cheaply (escapes, old `path` entries) and let load_entries decide.
    if (auto moniker = source::peek_moniker(entry.raw)) {
      bool wanted = options.moniker.empty() ? (*moniker == kCurrentMoniker || *moniker == kCfv1Moniker)
                                            : *moniker == options.moniker;
      if (!wanted) continue;
    }
    // Each socket (depth 4: entry, payload, "Socket Info", socket) of a big
    // entry stays unparsed until the sockets view reads it, one at a time.
    kept.push_back(source::parse_entry_deferred(*stream, entry, 4));
  }
  std::string label = path == "-" ? "<stdin>" : path;
  Snapshot snapshot = load_entries(kept, std::move(label), options);
  snapshot.entries_total = total;
  return snapshot;
}

Snapshot load_bundled_sample(const LoadOptions& options) {
  json::Value all = json::parse(bundled_sample_text());
  std::vector<json::Value> entries = all.is_array() ? all.as_array() : std::vector<json::Value>{all};
  return load_entries(entries, "bundled sample", options);
}

}  // namespace netinspect::netstack
