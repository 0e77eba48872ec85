// One snapshot -> the rows of every export table. The rows are the views'
// own to_json objects (netstack, diagnose) behind the key columns, so an
// export holds exactly what `sockets --json`, `triage --json`... print.
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include "diagnose/triage.h"
#include "export/export.h"
#include "json/parse.h"
#include "netstack/address.h"
#include "netstack/views.h"
#include "pprof/profile.h"
#include "pprof/snapshot.h"

namespace netinspect::exporter {

namespace {

json::Value count(std::size_t n) { return json::Value::number(static_cast<double>(n)); }

std::vector<std::string> keys_of(const json::Value& row) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : row.as_object()) keys.push_back(key);
  return keys;
}

Table make_table(std::string name, const std::vector<std::string>& own_columns) {
  Table table{std::move(name), {}};
  for (std::string_view key : kKeyColumns) table.columns.emplace_back(key);
  table.columns.insert(table.columns.end(), own_columns.begin(), own_columns.end());
  return table;
}

enum TableIndex : std::size_t { kSnapshots, kSockets, kNics, kAddresses, kRoutes, kCounters, kPprof, kTriage };

// The FNV-1a 64 of the file's bytes, read in chunks (constant memory), and
// whether it starts like a zip.
struct FileFacts {
  std::string id;
  bool zip = false;
  std::int64_t mtime_s = 0;
};

FileFacts file_facts(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) throw SnapshotError(path + ": cannot open");
  struct stat info {};
  if (fstat(fileno(file.get()), &info) != 0 || !S_ISREG(info.st_mode))
    throw SnapshotError(path + ": not a regular file");
  FileFacts facts;
  facts.mtime_s = static_cast<std::int64_t>(info.st_mtim.tv_sec);
  std::uint64_t hash = kFnvOffset;
  std::vector<char> buffer(1 << 20);
  bool first = true;
  while (std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file.get())) {
    if (first) facts.zip = got >= 4 && std::string_view(buffer.data(), 4) == std::string_view("PK\3\4", 4);
    first = false;
    hash = fnv1a64(hash, std::string_view(buffer.data(), got));
  }
  if (std::ferror(file.get())) throw SnapshotError(path + ": read error");
  facts.id = hex16(hash);
  return facts;
}

// annotations.json of the snapshot: the zip member, or next to an unpacked
// inspect.json. Null when absent or not a JSON object (never an error: most
// inputs have none).
json::Value read_annotations(const std::string& path, bool zip, const Options& options) {
  std::string text;
  if (zip) {
    source::OpenOptions open = options.open;
    open.zip_member = "annotations.json";
    try {
      source::Input input = source::open(path, open);
      text = std::string(input.text());
    } catch (const source::SourceError&) {
      return {};
    }
  } else {
    std::filesystem::path file(path);
    if (file.filename() != options.open.zip_member) return {};
    std::ifstream in(file.parent_path() / "annotations.json", std::ios::binary);
    if (!in) return {};
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  try {
    json::Value value = json::parse(text);
    return value.is_object() ? value : json::Value();
  } catch (const json::ParseError&) {
    return {};
  }
}

Identity identify(const std::string& path, const Options& options) {
  FileFacts facts = file_facts(path);
  Identity identity;
  identity.id = facts.id;
  identity.source = path;
  identity.annotations = read_annotations(path, facts.zip, options);
  json::Value device = identity.annotations.get("device.feedback-id");
  if (device.is_string() && !device.as_string().empty()) identity.device_id = device;
  json::Value utc = identity.annotations.get("device.utc-time");
  std::optional<std::int64_t> time = utc.is_string() ? parse_utc_time(utc.as_string()) : std::nullopt;
  identity.time_s = time ? *time : facts.mtime_s;
  identity.time_source = time ? "annotations" : "mtime";
  return identity;
}

const std::vector<diagnose::Config>& builtin_rules() {
  static const std::vector<diagnose::Config> rules = diagnose::load_builtin_configs();
  return rules;
}

// What `pprof list --json` says of one profile (same field names).
json::Object pprof_summary(const pprof::EmbeddedProfile& embedded) {
  json::Object row;
  row.set("entry", json::Value::string(embedded.entry));
  row.set("profile", json::Value::string(embedded.name));
  std::string_view text = embedded.value.is_string() ? std::string_view(embedded.value.as_string()) : "";
  row.set("encoded_bytes", count(text.size()));
  json::Value gzip_bytes, decoded_bytes, time, types, default_type, total, unit, samples, error;
  try {
    if (!embedded.value.is_string()) throw pprof::PprofError("not a string");
    std::string bytes = pprof::decode_inspect_value(text);
    gzip_bytes = count(bytes.size());
    std::size_t decoded = 0;
    pprof::Profile profile = pprof::decode_profile(bytes, {}, &decoded);
    std::size_t index = pprof::default_sample_index(profile);
    std::int64_t sum = 0;
    for (const pprof::Sample& sample : profile.samples) sum += sample.values[index];
    json::Array type_list;
    for (const pprof::ValueType& type : profile.sample_types) {
      json::Object item;
      item.set("type", json::Value::string(type.type));
      item.set("unit", json::Value::string(type.unit));
      type_list.push_back(json::Value::object(std::move(item)));
    }
    decoded_bytes = count(decoded);
    if (profile.time_nanos != 0) time = json::Value::string(rfc3339(profile.time_nanos / 1000000000));
    types = json::Value::array(std::move(type_list));
    default_type = json::Value::string(profile.sample_types[index].type);
    total = json::Value::number(static_cast<double>(sum));
    unit = json::Value::string(profile.sample_types[index].unit);
    samples = count(profile.samples.size());
  } catch (const pprof::PprofError& e) {
    error = json::Value::string(e.what());
  }
  row.set("gzip_bytes", gzip_bytes);
  row.set("decoded_bytes", decoded_bytes);
  row.set("time", time);
  row.set("sample_types", types);
  row.set("default_sample_type", default_type);
  row.set("total", total);
  row.set("total_unit", unit);
  row.set("samples", samples);
  row.set("error", error);
  return row;
}

json::Object address_row(const netstack::Nic& nic, const std::string& address) {
  json::Object row;
  row.set("nic_id", nic.id ? json::Value::number(static_cast<double>(*nic.id)) : json::Value());
  row.set("nic_name", json::Value::string(nic.name));
  row.set("address", json::Value::string(address));
  auto prefix = netstack::parse_prefix(address);
  row.set("family", prefix ? json::Value::string(prefix->address.v6 ? "ipv6" : "ipv4") : json::Value());
  row.set("prefix_length", prefix ? count(prefix->length) : json::Value());
  return row;
}

std::vector<std::string> own_columns(const json::Object& row) { return keys_of(json::Value::object(row)); }

}  // namespace

std::string_view extension(Format format) { return format == Format::Csv ? "csv" : "ndjson"; }

const std::vector<Table>& tables() {
  static const std::vector<Table> all = [] {
    std::vector<Table> t;
    t.push_back(make_table("snapshots", {"time_source", "uptime_ns", "flavor", "moniker", "component_url",
                                         "build_version", "board", "entries", "netstack_entries",
                                         "timed_out_entries", "sockets", "nics", "addresses", "routes", "counters",
                                         "pprof_profiles", "triage_warnings"}));
    t.push_back(make_table("sockets", keys_of(netstack::to_json(netstack::Socket{}, false))));
    t.push_back(make_table("nics", keys_of(netstack::to_json(netstack::Nic{}))));
    t.push_back(make_table("addresses", own_columns(address_row(netstack::Nic{}, ""))));
    t.push_back(make_table("routes", keys_of(netstack::to_json(netstack::Route{}))));
    t.push_back(make_table("counters", keys_of(netstack::to_json(netstack::Counter{}))));
    t.push_back(make_table("pprof", own_columns(pprof_summary(pprof::EmbeddedProfile{}))));
    t.push_back(make_table("triage", keys_of(diagnose::to_json(diagnose::Finding{}))));
    return t;
  }();
  return all;
}

SnapshotRows snapshot_rows(const std::string& path, const Options& options) {
  Identity identity = identify(path, options);

  // The netstack's entries only: the views and the built-in rules read
  // nothing else, so other components are skipped unparsed.
  std::vector<json::Value> entries;
  std::size_t total = 0;
  try {
    auto stream = source::open_entries(path, options.open);
    source::Entry entry;
    while (stream->next(entry)) {
      ++total;
      if (auto moniker = source::peek_moniker(entry.raw)) {
        bool wanted = options.load.moniker.empty()
                          ? (*moniker == pprof::kNetstackMoniker || *moniker == "netstack.cmx")
                          : *moniker == options.load.moniker;
        if (!wanted) continue;
      }
      entries.push_back(source::parse_entry(*stream, entry));
    }
  } catch (const source::SourceError& e) {
    throw SnapshotError(e.what());
  } catch (const json::ParseError& e) {
    throw SnapshotError(path + ": " + e.what());
  }
  netstack::Snapshot snapshot = netstack::load_entries(entries, path, options.load);
  snapshot.entries_total = total;
  if (snapshot.moniker.empty()) throw SnapshotError(path + ": no netstack component found");

  SnapshotRows out;
  out.date = date_of(identity.time_s);
  out.tables.resize(tables().size());
  json::Object key;
  key.set("snapshot_id", json::Value::string(identity.id));
  key.set("snapshot_time", json::Value::string(rfc3339(identity.time_s)));
  key.set("source", json::Value::string(identity.source));
  key.set("device_id", identity.device_id);
  auto add = [&](std::size_t table, const json::Object& own) {
    json::Object row = key;
    row.reserve(key.size() + own.size());
    for (const auto& [name, value] : own) row.set(name, value);
    out.tables[table].push_back(json::Value::object(std::move(row)));
  };

  netstack::Surprises surprises;
  for (const netstack::Socket& socket : netstack::sockets(snapshot, surprises))
    add(kSockets, netstack::to_json(socket, false).as_object());
  std::vector<netstack::Nic> nics = netstack::nics(snapshot, surprises);
  for (const netstack::Nic& nic : nics) {
    add(kNics, netstack::to_json(nic).as_object());
    for (const std::string& address : nic.addresses) add(kAddresses, address_row(nic, address));
  }
  for (const netstack::Route& route : netstack::routes(snapshot, surprises))
    add(kRoutes, netstack::to_json(route).as_object());
  for (const netstack::Counter& counter : netstack::counters(snapshot, surprises))
    add(kCounters, netstack::to_json(counter).as_object());
  for (const json::Value& entry : entries)
    for (const pprof::EmbeddedProfile& profile : pprof::profiles_in_entry(entry)) add(kPprof, pprof_summary(profile));

  diagnose::Data data;
  data.now_ns = diagnose::latest_timestamp(entries);
  data.annotations = identity.annotations;
  data.entries = std::move(entries);
  std::vector<diagnose::Finding> findings = diagnose::evaluate(builtin_rules(), data);
  for (diagnose::Finding& f : diagnose::native_findings(snapshot)) findings.push_back(std::move(f));
  std::size_t warnings = 0;
  for (const diagnose::Finding& finding : findings) {
    warnings += finding.severity == "warning";
    add(kTriage, diagnose::to_json(finding).as_object());
  }

  json::Object summary;
  summary.set("time_source", json::Value::string(identity.time_source));
  summary.set("uptime_ns", snapshot.timestamp_ns ? json::Value::number(static_cast<double>(*snapshot.timestamp_ns))
                                                 : json::Value());
  summary.set("flavor", json::Value::string(netstack::flavor_name(snapshot.flavor)));
  summary.set("moniker", json::Value::string(snapshot.moniker));
  summary.set("component_url", json::Value::string(snapshot.component_url));
  json::Value build = identity.annotations.get("build.version");
  json::Value board = identity.annotations.get("build.board");
  summary.set("build_version", build.is_string() ? build : json::Value());
  summary.set("board", board.is_string() ? board : json::Value());
  summary.set("entries", count(snapshot.entries_total));
  summary.set("netstack_entries", count(snapshot.netstack_entries));
  summary.set("timed_out_entries", count(snapshot.timed_out.size()));
  for (auto [name, table] : {std::pair{"sockets", kSockets}, {"nics", kNics}, {"addresses", kAddresses},
                             {"routes", kRoutes}, {"counters", kCounters}, {"pprof_profiles", kPprof}})
    summary.set(name, count(out.tables[table].size()));
  summary.set("triage_warnings", count(warnings));
  add(kSnapshots, summary);
  return out;
}

}  // namespace netinspect::exporter
