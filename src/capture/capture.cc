#include "capture/capture.h"

#include <linux/netlink.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <fstream>

#include "capture/format.h"
#include "capture/kernel_state.h"
#include "capture/netlink.h"
#include "capture/node_builder.h"
#include "capture/proc_counters.h"
#include "json/write.h"

namespace netinspect::capture {

namespace {

std::int64_t boot_time_ns() {
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

json::Value make_entry(const CaptureOptions& options, std::string_view directory, std::string_view root_name,
                       json::Value root) {
  json::Object metadata;
  metadata.set("filename", json::Value::string(std::string(directory) + "/fuchsia.inspect.deprecated.Inspect"));
  metadata.set("component_url", json::Value::string(options.component_url));
  metadata.set("timestamp", counter(static_cast<std::uint64_t>(boot_time_ns())));
  json::Object payload;
  payload.set(std::string(root_name), std::move(root));
  json::Object entry;
  entry.set("data_source", json::Value::string("Inspect"));
  entry.set("metadata", json::Value::object(std::move(metadata)));
  entry.set("moniker", json::Value::string(options.moniker));
  entry.set("payload", json::Value::object(std::move(payload)));
  entry.set("version", counter(1));
  return json::Value::object(std::move(entry));
}

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Linux's stack-wide settings that play the part of netstack's runtime flags.
json::Value configuration_node(const CaptureOptions& options) {
  NodeBuilder node;
  utsname host{};
  uname(&host);
  node.set_string("source", "linux");
  node.set_string("kernel", host.release);
  node.set_string("hostname", host.nodename);
  const std::string& sys = options.proc_sys_net_dir;
  auto flag = [&](std::string_view key, const std::string& path) {
    std::string value = read_first_line(path);
    if (!value.empty()) node.set_string(key, bool_string(value != "0"));
  };
  auto text = [&](std::string_view key, const std::string& path) {
    std::string value = read_first_line(path);
    for (char& c : value) {
      if (c == '\t') c = ' ';
    }
    if (!value.empty()) node.set_string(key, value);
  };
  flag("ipv4-forwarding", sys + "/ipv4/ip_forward");
  flag("ipv6-forwarding", sys + "/ipv6/conf/all/forwarding");
  text("tcp-congestion-control", sys + "/ipv4/tcp_congestion_control");
  text("tcp-syncookies", sys + "/ipv4/tcp_syncookies");
  text("ip-local-port-range", sys + "/ipv4/ip_local_port_range");
  return node.build();
}

}  // namespace

std::vector<json::Value> capture_entries(const CaptureOptions& options, std::vector<std::string>* notices) {
  std::vector<std::string> local_notices;
  std::vector<std::string>& out_notices = notices != nullptr ? *notices : local_notices;
  if (geteuid() != 0) out_notices.push_back("not running as root: sockets of other users may be missing");
  try {
    std::vector<json::Value> entries;
    NodeBuilder health;
    health.child("fuchsia.inspect.Health").set_string("status", "OK");
    entries.push_back(make_entry(options, "root", "root", health.build()));
    entries.push_back(make_entry(options, "configuration", "Runtime Configuration Flags", configuration_node(options)));

    NetlinkSocket route_socket(NETLINK_ROUTE);
    std::vector<LinkInfo> links = read_links(route_socket);
    std::vector<AddressInfo> addresses = read_addresses(route_socket);

    ProcNetTexts texts = read_proc_net(options.proc_net_dir);
    entries.push_back(make_entry(options, "counters", "Networking Stat Counters",
                                 stat_counters_payload(texts, nic_totals(links))));
    NicDetails details;
    details.neighbors = read_neighbors(route_socket);
    for (const LinkInfo& link : links) {
      std::string file = options.proc_net_dir + "/dev_snmp6/" + link.name;
      details.endpoint_stats.emplace_back(
          link.index, network_endpoint_stats(read_dev_snmp6(options.proc_net_dir, link.name), file));
    }
    entries.push_back(make_entry(options, "interfaces", "NICs", nics_payload(links, addresses, details)));

    NetlinkSocket diag_socket(NETLINK_SOCK_DIAG);
    std::vector<SocketInfo> sockets = read_sockets(diag_socket, options.proc_net_dir);
    entries.push_back(make_entry(options, "sockets", "Socket Info", sockets_payload(sockets, addresses)));

    std::vector<RouteInfo> routes = read_routes(route_socket);
    entries.push_back(make_entry(options, "routes", "Routes", routes_payload(routes, options.all_tables)));
    return entries;
  } catch (const NetlinkError& error) {
    throw CaptureError(error.what());
  } catch (const ProcParseError& error) {
    throw CaptureError(error.what());
  }
}

std::string entries_text(const std::vector<json::Value>& entries) {
  std::string out = "[\n";
  json::WriteOptions compact;
  compact.indent = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i != 0) out += ",\n";
    json::write(entries[i], compact, out);
  }
  out += "\n]\n";
  return out;
}

}  // namespace netinspect::capture
