// Every mapping from a published field to a typed view field lives here: the
// netstack2 names (of any year) and the netstack3 names side by side.
#include "netstack/views.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <map>
#include <set>
#include <span>
#include <thread>
#include <string_view>

#include "json/parse.h"
#include "netstack/typed.h"

namespace netinspect::netstack {

namespace {

// Collects unknown field names and type mismatches once per view, however
// many rows repeat them (100,000 sockets must not give 100,000 warnings).
class SurpriseLog {
 public:
  SurpriseLog(std::string_view view, Surprises& out) : view_(view), out_(out) {}
  ~SurpriseLog() {
    if (!unknown_.empty()) {
      std::string line = view_ + ": unknown fields:";
      for (const std::string& key : unknown_) line += " \"" + key + "\"";
      out_.push_back(line);
    }
    for (const std::string& line : typed_) out_.push_back(view_ + ": " + line);
  }
  SurpriseLog(const SurpriseLog&) = delete;
  SurpriseLog& operator=(const SurpriseLog&) = delete;

  void check_keys(const json::Value& node, std::initializer_list<std::string_view> known,
                  std::initializer_list<std::string_view> prefixes = {}) {
    if (!node.is_object()) return;
    for (const auto& [key, value] : node.as_object()) {
      // "Linux" holds what a live capture keeps of the kernel's own (docs/capture.md).
      bool ok = key == "Linux" || std::find(known.begin(), known.end(), key) != known.end();
      for (std::string_view prefix : prefixes) ok |= std::string_view(key).starts_with(prefix);
      if (!ok && unknown_.size() < 50) unknown_.insert(key);
    }
  }
  // Takes over what `other` collected (which then reports nothing itself).
  void absorb(SurpriseLog& other) {
    for (auto sets : {std::pair{&unknown_, &other.unknown_}, std::pair{&typed_, &other.typed_}}) {
      for (const std::string& item : *sets.second) {
        if (sets.first->size() < 50) sets.first->insert(item);
      }
      sets.second->clear();
    }
  }
  // A field present with a value that cannot be read as `what`.
  void wrong_type(std::string_view field, std::string_view what, const json::Value& value) {
    if (typed_.size() >= 50) return;
    typed_.insert("\"" + std::string(field) + "\" is a " + std::string(value.type_name()) + " that is not " +
                  std::string(what));
  }

 private:
  std::string view_;
  Surprises& out_;
  std::set<std::string> unknown_;
  std::set<std::string> typed_;
};

const json::Value* find(const json::Value& node, std::string_view key) {
  return node.is_object() ? node.as_object().find(key) : nullptr;
}

json::Value path(const json::Value& node, std::initializer_list<std::string_view> keys) {
  json::Value current = node;
  for (std::string_view key : keys) current = current.get(key);
  return current;
}

std::optional<std::uint64_t> read_uint(const json::Value& node, std::string_view key, SurpriseLog& log) {
  const json::Value* value = find(node, key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  auto out = as_uint(*value);
  if (!out) log.wrong_type(key, "an unsigned integer", *value);
  return out;
}

std::optional<std::uint64_t> read_uint_at(const json::Value& node, std::initializer_list<std::string_view> keys) {
  json::Value value = path(node, keys);
  if (value.is_null()) return std::nullopt;
  return as_uint(value);
}

std::optional<bool> read_bool(const json::Value& node, std::string_view key, SurpriseLog& log) {
  const json::Value* value = find(node, key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  auto out = as_bool(*value);
  if (!out) log.wrong_type(key, "a boolean", *value);
  return out;
}

std::string read_text(const json::Value& node, std::string_view key) {
  const json::Value* value = find(node, key);
  return value == nullptr ? std::string() : as_text(*value);
}

// Children of an object tree in numeric-aware key order.
std::vector<std::pair<std::string, json::Value>> sorted_children(const json::Value& tree) {
  std::vector<std::pair<std::string, json::Value>> out;
  if (!tree.is_object()) return out;
  // Pointers are sorted, then each child copied once: 100,000 sockets.
  const auto& entries = tree.as_object().entries();
  std::vector<const json::Object::Entry*> order;
  order.reserve(entries.size());
  for (const auto& entry : entries) order.push_back(&entry);
  const auto before = [](const json::Object::Entry* a, const json::Object::Entry* b) {
    return key_less(a->first, b->first);
  };
  if (!std::is_sorted(order.begin(), order.end(), before)) std::stable_sort(order.begin(), order.end(), before);
  out.reserve(order.size());
  for (const json::Object::Entry* entry : order) out.emplace_back(entry->first, entry->second);
  return out;
}

std::optional<std::uint64_t> add(std::optional<std::uint64_t> a, std::optional<std::uint64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return *a + *b < *a ? UINT64_MAX : *a + *b;
}

std::optional<std::uint64_t> sum_of(const json::Value& node) {
  if (node.is_null()) return std::nullopt;
  return sum_leaves(node);
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string normalized_state(std::string_view text) {
  std::string out = upper(text);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

// Netstack3 publishes markers where netstack2 publishes an unspecified address.
std::string address_text(const json::Value& node, std::string_view key) {
  std::string text = read_text(node, key);
  if (text == "[NOT BOUND]" || text == "[NOT CONNECTED]") return {};
  return text;
}

std::string protocol_kind(std::string_view network, std::string_view transport) {
  std::string t = upper(transport);
  if (t == "TCP") return "tcp";
  if (t == "UDP") return "udp";
  if (t.starts_with("ICMP")) return "icmp";
  if (t.empty() || t == "UNKNOWN") {
    if (network == "IPv4" || network == "IPv6") return "raw";
    return "packet";
  }
  std::string lower = t;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// Per-socket error groups of gVisor's endpoint stats; the counters among them
// that mean "dropped for lack of room" are reported as drops instead.
constexpr std::string_view kErrorGroups[] = {"ReceiveErrors", "ReadErrors", "SendErrors", "WriteErrors"};
constexpr std::string_view kDropCounters[] = {"ReceiveBufferOverflow", "SegmentQueueDropped",
                                              "ListenOverflowSynDrop", "ListenOverflowAckDrop"};

void socket_stats(const json::Value& stats, Socket& socket) {
  if (!stats.is_object()) return;
  socket.sent = read_uint_at(stats, {"SegmentsSent"});
  if (!socket.sent) socket.sent = read_uint_at(stats, {"PacketsSent"});
  socket.received = read_uint_at(stats, {"SegmentsReceived"});
  if (!socket.received) socket.received = read_uint_at(stats, {"PacketsReceived"});
  std::optional<std::uint64_t> errors, drops;
  for (std::string_view group : kErrorGroups) {
    const json::Value* node = find(stats, group);
    if (node == nullptr || !node->is_object()) continue;
    errors = errors.value_or(0);
    drops = drops.value_or(0);
    for (const auto& [key, value] : node->as_object()) {
      bool drop = group == "ReceiveErrors" &&
                  std::find(std::begin(kDropCounters), std::end(kDropCounters), key) != std::end(kDropCounters);
      (drop ? drops : errors) = add(drop ? drops : errors, sum_leaves(value));
    }
  }
  socket.errors = errors;
  socket.drops = drops;
}

std::map<std::uint64_t, std::string> nic_names(const Snapshot& snapshot) {
  std::map<std::uint64_t, std::string> names;
  for (const auto& [key, node] : sorted_children(snapshot.nics)) {
    std::optional<std::uint64_t> id = as_uint(node.get("NICID"));
    if (!id) id = as_uint(node.get("InterfaceId"));
    if (!id) id = as_uint(json::Value::string(key));
    if (id) names[*id] = as_text(node.get("Name"));
  }
  return names;
}

std::string name_of(const std::map<std::uint64_t, std::string>& names, std::optional<std::uint64_t> id) {
  if (!id) return {};
  auto it = names.find(*id);
  return it == names.end() ? std::string() : it->second;
}

// "[ipv4] 192.168.1.23/24" -> "192.168.1.23/24"; other protocols keep their tag.
std::string protocol_address(std::string_view text) {
  for (std::string_view tag : {"[ipv4] ", "[ipv6] "}) {
    if (text.starts_with(tag)) return std::string(text.substr(tag.size()));
  }
  return std::string(text);
}

bool ends_with_digits_after(std::string_view key, std::string_view prefix) {
  if (!key.starts_with(prefix) || key.size() == prefix.size()) return false;
  return std::all_of(key.begin() + static_cast<std::ptrdiff_t>(prefix.size()), key.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

void nic_from_ns2(const json::Value& node, Nic& nic, SurpriseLog& log) {
  log.check_keys(node,
                 {"Name", "NICID", "AdminUp", "LinkOnline", "Up", "Running", "Loopback", "Promiscuous", "LinkAddress",
                  "DHCP enabled", "MTU", "Stats", "Network Endpoint Stats", "DHCP Info", "Neighbors",
                  "Network Device Info", "Ethernet Info"},
                 {"ProtocolAddress", "DNS server"});
  nic.admin_up = read_bool(node, "AdminUp", log);
  nic.link_online = read_bool(node, "LinkOnline", log);
  nic.up = read_bool(node, "Up", log);
  nic.running = read_bool(node, "Running", log);
  nic.loopback = read_bool(node, "Loopback", log);
  nic.promiscuous = read_bool(node, "Promiscuous", log);
  nic.mtu = read_uint(node, "MTU", log);
  nic.link_address = read_text(node, "LinkAddress");
  nic.dhcp_enabled = read_bool(node, "DHCP enabled", log);
  std::vector<std::pair<std::string, std::string>> addresses, dns;
  for (const auto& [key, value] : node.as_object()) {
    if (ends_with_digits_after(key, "ProtocolAddress")) addresses.emplace_back(key, protocol_address(as_text(value)));
    if (ends_with_digits_after(key, "DNS server")) dns.emplace_back(key, as_text(value));
  }
  // By the number after the name: ProtocolAddress2 before ProtocolAddress10.
  auto digits = [](const std::string& key) {
    return std::string_view(key).substr(key.find_last_not_of("0123456789") + 1);
  };
  auto by_key = [&](const auto& a, const auto& b) { return key_less(digits(a.first), digits(b.first)); };
  std::stable_sort(addresses.begin(), addresses.end(), by_key);
  std::stable_sort(dns.begin(), dns.end(), by_key);
  for (auto& [key, text] : addresses) nic.addresses.push_back(std::move(text));
  for (auto& [key, text] : dns) nic.dns_servers.push_back(std::move(text));

  if (const json::Value* dhcp = find(node, "DHCP Info"); dhcp != nullptr && dhcp->is_object()) {
    nic.dhcp_state = read_text(*dhcp, "State");
    nic.dhcp_address = read_text(*dhcp, "AcquiredAddress");
    if (nic.dhcp_address == "[none]") nic.dhcp_address.clear();
  }
  json::Value stats = node.get("Stats");
  nic.rx_packets = read_uint_at(stats, {"Rx", "Packets"});
  nic.rx_bytes = read_uint_at(stats, {"Rx", "Bytes"});
  nic.tx_packets = read_uint_at(stats, {"Tx", "Packets"});
  nic.tx_bytes = read_uint_at(stats, {"Tx", "Bytes"});
  if (stats.is_object()) {
    nic.rx_errors = add(add(read_uint_at(stats, {"MalformedL4RcvdPackets"}),
                            sum_of(path(stats, {"UnknownL3ProtocolRcvdPacketCounts", "Total"}))),
                        sum_of(path(stats, {"UnknownL4ProtocolRcvdPacketCounts", "Total"})));
    nic.tx_errors = read_uint_at(stats, {"TxPacketsDroppedNoBufferSpace"});
  }
  // Network-device ports (newer) or ethernet drivers (about 2020-22).
  if (const json::Value* device = find(node, "Network Device Info"); device != nullptr && device->is_object()) {
    nic.device_class = read_text(*device, "Class");
    nic.tx_errors = add(nic.tx_errors, read_uint_at(*device, {"TxDrops"}));
  } else if (const json::Value* eth = find(node, "Ethernet Info"); eth != nullptr && eth->is_object()) {
    std::string features = read_text(*eth, "Features");
    nic.device_class = features.empty() ? "Ethernet" : "Ethernet (" + features + ")";
    nic.tx_errors = add(nic.tx_errors, read_uint_at(*eth, {"TxDrops"}));
  }
}

void nic_from_ns3(const json::Value& node, Nic& nic, SurpriseLog& log) {
  log.check_keys(node, {"Name", "InterfaceId", "AdminEnabled", "MTU", "Loopback", "IPv4", "IPv6", "NetworkDevice",
                        "Counters"});
  nic.admin_up = read_bool(node, "AdminEnabled", log);
  nic.loopback = read_bool(node, "Loopback", log);
  nic.mtu = read_uint(node, "MTU", log);
  json::Value device = node.get("NetworkDevice");
  nic.link_address = read_text(device, "MacAddress");
  nic.link_online = read_bool(device, "PhyUp", log);
  for (const char* family : {"IPv4", "IPv6"}) {
    for (const auto& [address, info] : sorted_children(path(node, {family, "Addresses"})))
      nic.addresses.push_back(address);
  }
  json::Value counters = node.get("Counters");
  nic.rx_packets = read_uint_at(counters, {"Rx", "TotalFrames"});
  nic.tx_packets = read_uint_at(counters, {"Tx", "TotalFrames"});
  if (counters.is_object()) {
    nic.rx_errors = add(read_uint_at(counters, {"Rx", "Malformed"}), sum_of(path(counters, {"Ethernet", "Rx"})));
    nic.tx_errors = add(add(read_uint_at(counters, {"Tx", "NoQueue"}), read_uint_at(counters, {"Tx", "QueueFull"})),
                        read_uint_at(counters, {"Tx", "SerializeError"}));
  }
}

void flatten(const json::Value& node, std::string& prefix, std::vector<Counter>& out, SurpriseLog& log) {
  for (const auto& [key, child] : node.as_object()) {
    std::size_t mark = prefix.size();
    if (!prefix.empty()) prefix += '.';
    prefix += key;
    if (auto value = as_uint(child)) {
      out.push_back({prefix, *value});  // a number, a decimal string, or {"Count": n}
    } else if (child.is_object()) {
      flatten(child, prefix, out, log);
    } else if (child.is_number() && prefix.starts_with("Linux.")) {
      // A live capture keeps the kernel's signed values too (Tcp MaxConn is -1):
      // not counters, and not a schema surprise.
    } else {
      log.wrong_type(prefix, "a counter", child);
    }
    prefix.resize(mark);
  }
}

json::Value id_value(std::string_view id) {
  if (auto n = as_uint(json::Value::string(id))) return uint_value(n);
  return text_value(id);
}

json::Value string_array(const std::vector<std::string>& items) {
  json::Array out;
  out.reserve(items.size());
  for (const std::string& item : items) out.push_back(json::Value::string(item));
  return json::Value::array(std::move(out));
}

// A view's typed row: fixed keys in a fixed order, so the object is built in
// one go instead of a lookup per key (100,000 sockets make 100,000 rows).
using Row = std::vector<json::Object::Entry>;
json::Value row_value(Row row) { return json::Value::object(json::Object::from_entries(std::move(row))); }

}  // namespace

std::vector<Nic> nics(const Snapshot& snapshot, Surprises& surprises) {
  SurpriseLog log("nics", surprises);
  std::vector<Nic> out;
  for (const auto& [key, node] : sorted_children(snapshot.nics)) {
    if (!node.is_object()) {
      log.wrong_type(key, "a NIC node", node);
      continue;
    }
    Nic nic;
    nic.raw = node;
    nic.name = read_text(node, "Name");
    nic.id = read_uint(node, find(node, "NICID") != nullptr ? "NICID" : "InterfaceId", log);
    if (!nic.id) nic.id = as_uint(json::Value::string(key));
    bool ns3 = find(node, "AdminEnabled") != nullptr || find(node, "InterfaceId") != nullptr ||
               (snapshot.flavor == Flavor::Netstack3 && find(node, "AdminUp") == nullptr);
    if (ns3) {
      nic_from_ns3(node, nic, log);
    } else {
      nic_from_ns2(node, nic, log);
    }
    out.push_back(std::move(nic));
  }
  return out;
}

namespace {

using Children = std::vector<std::pair<std::string, json::Value>>;

// Sockets of children [begin, end): appended to `out` in order.
void read_sockets(const std::string& label, const Children& children, std::size_t begin, std::size_t end,
                  const std::map<std::uint64_t, std::string>& names, bool with_option_stats, SurpriseLog& log,
                  std::vector<Socket>& out) {
  static constexpr std::string_view kOptionStats[] = {"Socket Option Stats"};
  const std::span<const std::string_view> keep_unparsed =
      with_option_stats ? std::span<const std::string_view>() : std::span(kOptionStats);
  for (std::size_t i = begin; i < end; ++i) {
    const auto& [key, unparsed] = children[i];
    // Parsed for this row only: a big snapshot's sockets are never all held parsed.
    json::Value node;
    try {
      node = json::materialize(unparsed, keep_unparsed);
    } catch (const json::ParseError& error) {
      throw json::ParseError(label + ": socket " + key + ": " + error.what() + " of its text", error.line(),
                             error.column());
    }
    if (!node.is_object()) {
      log.wrong_type(key, "a socket node", node);
      continue;
    }
    log.check_keys(node, {"NetworkProtocol", "TransportProtocol", "State", "LocalAddress", "RemoteAddress",
                          "BindAddress", "BindNICID", "RegisterNICID", "Stats", "Socket Option Stats", "HardError",
                          "AcceptQueue"});
    Socket socket;
    socket.raw = unparsed;
    socket.id = key;
    socket.network = read_text(node, "NetworkProtocol");
    if (socket.network == "UNKNOWN") socket.network.clear();
    socket.transport = read_text(node, "TransportProtocol");
    socket.protocol = protocol_kind(socket.network, socket.transport);
    socket.state = read_text(node, "State");
    // Netstack3 publishes no state; its listeners are the sockets with an accept queue.
    if (socket.state.empty() && find(node, "AcceptQueue") != nullptr) socket.state = "LISTEN";
    socket.local = address_text(node, "LocalAddress");
    socket.remote = address_text(node, "RemoteAddress");
    socket.bind_nic = read_uint(node, "BindNICID", log);
    socket.register_nic = read_uint(node, "RegisterNICID", log);
    socket.bind_nic_name = name_of(names, socket.bind_nic);
    socket.register_nic_name = name_of(names, socket.register_nic);
    socket_stats(node.get("Stats"), socket);
    if (const json::Value* options = find(node, "Socket Option Stats");
        with_option_stats && options != nullptr && options->is_object()) {
      for (const auto& [name, value] : options->as_object()) {
        if (auto count = as_uint(value); count && *count != 0) socket.options.emplace_back(name, *count);
      }
    }
    out.push_back(std::move(socket));
  }
}

// Below this many sockets a second thread costs more than it saves.
constexpr std::size_t kParallelSockets = 4096;

}  // namespace

std::vector<Socket> sockets(const Snapshot& snapshot, Surprises& surprises, bool with_option_stats) {
  SurpriseLog log("sockets", surprises);
  const auto names = nic_names(snapshot);
  const Children children = sorted_children(snapshot.sockets);
  std::vector<Socket> out;
  out.reserve(children.size());
  // Each socket is parsed and read on its own (json::materialize), so a big
  // snapshot's sockets are split between two threads: nothing is shared
  // between them but the NIC names and the immutable unparsed texts.
  const unsigned cores = std::thread::hardware_concurrency();
  if (children.size() < kParallelSockets || cores < 2) {
    read_sockets(snapshot.label, children, 0, children.size(), names, with_option_stats, log, out);
    return out;
  }
  const std::size_t half = children.size() / 2;
  std::vector<Socket> second;
  Surprises ignored;
  SurpriseLog second_log("sockets", ignored);
  std::exception_ptr second_error;
  std::thread worker([&] {
    try {
      read_sockets(snapshot.label, children, half, children.size(), names, with_option_stats, second_log, second);
    } catch (...) {
      second_error = std::current_exception();
    }
  });
  std::exception_ptr first_error;
  try {
    read_sockets(snapshot.label, children, 0, half, names, with_option_stats, log, out);
  } catch (...) {
    first_error = std::current_exception();
  }
  worker.join();
  if (first_error) std::rethrow_exception(first_error);
  if (second_error) std::rethrow_exception(second_error);
  log.absorb(second_log);
  out.insert(out.end(), std::make_move_iterator(second.begin()), std::make_move_iterator(second.end()));
  return out;
}

std::vector<Route> routes(const Snapshot& snapshot, Surprises& surprises) {
  SurpriseLog log("routes", surprises);
  auto names = nic_names(snapshot);
  std::vector<Route> out;
  for (const auto& [key, node] : sorted_children(snapshot.routes)) {
    if (!node.is_object()) {
      log.wrong_type(key, "a route node", node);
      continue;
    }
    log.check_keys(node, {"Destination", "Gateway", "NIC", "InterfaceId", "Metric", "MetricTracksInterface",
                          "Dynamic", "Enabled"});
    Route route;
    route.index = as_uint(json::Value::string(key));
    route.destination = read_text(node, "Destination");
    route.gateway = read_text(node, "Gateway");
    if (route.gateway == "[NONE]") route.gateway.clear();
    route.nic = read_uint(node, find(node, "NIC") != nullptr ? "NIC" : "InterfaceId", log);
    route.nic_name = name_of(names, route.nic);
    route.metric = read_uint(node, "Metric", log);
    route.tracks_interface = read_bool(node, "MetricTracksInterface", log);
    route.dynamic = read_bool(node, "Dynamic", log);
    route.enabled = read_bool(node, "Enabled", log);
    out.push_back(std::move(route));
  }
  return out;
}

std::vector<Counter> counters(const Snapshot& snapshot, Surprises& surprises) {
  SurpriseLog log("counters", surprises);
  std::vector<Counter> out;
  if (!snapshot.counters.is_object()) return out;
  std::string prefix;
  flatten(snapshot.counters, prefix, out, log);
  return out;
}

bool is_error_counter(std::string_view dotted_name) {
  std::string lower(dotted_name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : {"error", "drop", "fail", "invalid", "malformed", "timeout", "timedout"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

json::Value to_json(const Socket& socket, bool with_options) {
  Row o;
  o.reserve(18);
  o.emplace_back("id", id_value(socket.id));
  o.emplace_back("network", text_value(socket.network));
  o.emplace_back("protocol", text_value(socket.protocol));
  o.emplace_back("transport", text_value(socket.transport));
  o.emplace_back("state", text_value(socket.state));
  o.emplace_back("local", text_value(socket.local));
  o.emplace_back("remote", text_value(socket.remote));
  o.emplace_back("bind_nic", uint_value(socket.bind_nic));
  o.emplace_back("bind_nic_name", text_value(socket.bind_nic_name));
  o.emplace_back("register_nic", uint_value(socket.register_nic));
  o.emplace_back("register_nic_name", text_value(socket.register_nic_name));
  o.emplace_back("sent", uint_value(socket.sent));
  o.emplace_back("received", uint_value(socket.received));
  o.emplace_back("errors", uint_value(socket.errors));
  o.emplace_back("drops", uint_value(socket.drops));
  if (with_options) {
    Row options;
    options.reserve(socket.options.size());
    for (const auto& [name, count] : socket.options) options.emplace_back(name, uint_value(count));
    o.emplace_back("options", row_value(std::move(options)));
  }
  return row_value(std::move(o));
}

json::Value to_json(const Nic& nic) {
  Row o;
  o.reserve(22);
  o.emplace_back("id", uint_value(nic.id));
  o.emplace_back("name", text_value(nic.name));
  o.emplace_back("admin_up", bool_value(nic.admin_up));
  o.emplace_back("link_online", bool_value(nic.link_online));
  o.emplace_back("up", bool_value(nic.up));
  o.emplace_back("running", bool_value(nic.running));
  o.emplace_back("loopback", bool_value(nic.loopback));
  o.emplace_back("promiscuous", bool_value(nic.promiscuous));
  o.emplace_back("mtu", uint_value(nic.mtu));
  o.emplace_back("link_address", text_value(nic.link_address));
  o.emplace_back("addresses", string_array(nic.addresses));
  o.emplace_back("dns_servers", string_array(nic.dns_servers));
  o.emplace_back("dhcp_enabled", bool_value(nic.dhcp_enabled));
  o.emplace_back("dhcp_state", text_value(nic.dhcp_state));
  o.emplace_back("dhcp_address", text_value(nic.dhcp_address));
  o.emplace_back("device_class", text_value(nic.device_class));
  o.emplace_back("rx_packets", uint_value(nic.rx_packets));
  o.emplace_back("rx_bytes", uint_value(nic.rx_bytes));
  o.emplace_back("rx_errors", uint_value(nic.rx_errors));
  o.emplace_back("tx_packets", uint_value(nic.tx_packets));
  o.emplace_back("tx_bytes", uint_value(nic.tx_bytes));
  o.emplace_back("tx_errors", uint_value(nic.tx_errors));
  return row_value(std::move(o));
}

json::Value to_json(const Route& route) {
  Row o;
  o.reserve(9);
  o.emplace_back("index", uint_value(route.index));
  o.emplace_back("destination", text_value(route.destination));
  o.emplace_back("gateway", text_value(route.gateway));
  o.emplace_back("nic", uint_value(route.nic));
  o.emplace_back("nic_name", text_value(route.nic_name));
  o.emplace_back("metric", uint_value(route.metric));
  o.emplace_back("tracks_interface", bool_value(route.tracks_interface));
  o.emplace_back("dynamic", bool_value(route.dynamic));
  o.emplace_back("enabled", bool_value(route.enabled));
  return row_value(std::move(o));
}

json::Value to_json(const Counter& counter) {
  Row o;
  o.emplace_back("name", json::Value::string(counter.name));
  o.emplace_back("value", uint_value(counter.value));
  return row_value(std::move(o));
}

const Route* best_route(const std::vector<Route>& routes, const IpAddress& address) {
  const Route* best = nullptr;
  std::size_t best_length = 0;
  for (const Route& route : routes) {
    if (route.enabled == false) continue;
    auto prefix = parse_prefix(route.destination);
    if (!prefix || !prefix_contains(*prefix, address)) continue;
    std::uint64_t metric = route.metric.value_or(UINT64_MAX);
    if (best == nullptr || prefix->length > best_length ||
        (prefix->length == best_length && metric < best->metric.value_or(UINT64_MAX))) {
      best = &route;
      best_length = prefix->length;
    }
  }
  return best;
}

bool SocketFilter::matches(const Socket& socket) const {
  if (!protocols.empty() && std::find(protocols.begin(), protocols.end(), socket.protocol) == protocols.end())
    return false;
  if (!states.empty()) {
    std::string state = normalized_state(socket.state);
    if (std::none_of(states.begin(), states.end(), [&](const std::string& s) { return normalized_state(s) == state; }))
      return false;
  }
  if (!nics.empty()) {
    auto is = [&](std::optional<std::uint64_t> id, const std::string& name, const std::string& wanted) {
      return (id && *id != 0 && std::to_string(*id) == wanted) || (!name.empty() && name == wanted);
    };
    if (std::none_of(nics.begin(), nics.end(), [&](const std::string& n) {
          return is(socket.bind_nic, socket.bind_nic_name, n) || is(socket.register_nic, socket.register_nic_name, n);
        }))
      return false;
  }
  Endpoint local = split_endpoint(socket.local), remote = split_endpoint(socket.remote);
  if (!ports.empty()) {
    if (std::none_of(ports.begin(), ports.end(),
                     [&](std::uint32_t p) { return local.port == p || remote.port == p; }))
      return false;
  }
  if (!addresses.empty()) {
    auto local_ip = parse_ip(local.host), remote_ip = parse_ip(remote.host);
    if (std::none_of(addresses.begin(), addresses.end(), [&](const Prefix& prefix) {
          return (local_ip && prefix_contains(prefix, *local_ip)) || (remote_ip && prefix_contains(prefix, *remote_ip));
        }))
      return false;
  }
  return true;
}

std::vector<std::string> warnings(const Snapshot& snapshot, const std::vector<Nic>& nics,
                                  const std::vector<Counter>& counters) {
  std::vector<std::string> out;
  if (snapshot.moniker.empty()) {
    out.push_back("no netstack component in this snapshot (looked for core/network/netstack and netstack.cmx; "
                  "--moniker picks another)");
    return out;
  }
  for (const auto& missing : snapshot.timed_out) {
    out.push_back("netstack entry " + (missing.filename.empty() ? std::string("(unnamed)") : missing.filename) +
                  " has no data" + (missing.error.empty() ? std::string() : ": " + missing.error));
  }
  if (json::Value status = snapshot.health.get("status"); status.is_string() && status.as_string() != "OK")
    out.push_back("health status is " + status.as_string());
  for (auto [tree, what] : {std::pair{&snapshot.sockets, "sockets"},
                            {&snapshot.nics, "NICs"},
                            {&snapshot.counters, "stat counters"},
                            {&snapshot.routes, "routes"}}) {
    if (tree->is_null()) out.push_back(std::string("the snapshot holds no ") + what);
  }
  for (const Nic& nic : nics) {
    if (nic.admin_up == true && nic.link_online == false) {
      out.push_back("NIC " + (nic.id ? std::to_string(*nic.id) : std::string("?")) +
                    (nic.name.empty() ? std::string() : " (" + nic.name + ")") + " is admin-up but its link is down");
    }
  }
  std::optional<std::uint64_t> count, created, destroyed;
  for (const Counter& counter : counters) {
    if (counter.name == "SocketCount") count = counter.value;
    if (counter.name == "SocketsCreated") created = counter.value;
    if (counter.name == "SocketsDestroyed") destroyed = counter.value;
  }
  if (count && created && destroyed) {
    bool consistent = *created >= *destroyed && *created - *destroyed == *count;
    if (!consistent) {
      out.push_back("SocketCount is " + std::to_string(*count) + " but SocketsCreated - SocketsDestroyed is " +
                    std::to_string(*created) + " - " + std::to_string(*destroyed) + " = " +
                    (*created >= *destroyed ? std::to_string(*created - *destroyed)
                                            : "-" + std::to_string(*destroyed - *created)));
    }
  }
  return out;
}

}  // namespace netinspect::netstack
