// netinspect::capture — one netlink dump over libmnl: send a request, hand
// each reply message to a callback until NLMSG_DONE.
#pragma once

#include <linux/netlink.h>

struct mnl_socket;  // libmnl's opaque handle

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace netinspect::capture {

// A netlink failure. `error_number` is the errno (0 when not from the kernel).
class NetlinkError : public std::runtime_error {
 public:
  NetlinkError(const std::string& what, int error_number)
      : std::runtime_error(what), error_number(error_number) {}
  int error_number;
};

class NetlinkSocket {
 public:
  explicit NetlinkSocket(int bus);  // NETLINK_ROUTE, NETLINK_SOCK_DIAG; throws NetlinkError
  ~NetlinkSocket();
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;

  // Sends `request` (a complete message with NLM_F_REQUEST | NLM_F_DUMP; its
  // sequence number is set here) and calls `on_message` for every reply.
  // `what` names the dump in errors ("RTM_GETLINK"). Throws NetlinkError.
  void dump(nlmsghdr* request, const char* what, const std::function<void(const nlmsghdr&)>& on_message);

 private:
  ::mnl_socket* socket_ = nullptr;
  unsigned port_id_ = 0;
  unsigned sequence_ = 0;
};

// Size of a dump request buffer (one header + a fixed body: small).
inline constexpr std::size_t kRequestBufferSize = 512;

// Calls `f(const nlattr*)` for every attribute after the fixed header of
// `offset` bytes (libmnl's mnl_attr_for_each, which C++ cannot compile).
void for_each_attribute(const nlmsghdr& message, std::size_t offset,
                        const std::function<void(const nlattr*)>& f);
// Same for the attributes nested in `attribute`.
void for_each_nested(const nlattr* attribute, const std::function<void(const nlattr*)>& f);
// The payload of an attribute as bytes.
std::vector<std::uint8_t> attribute_bytes(const nlattr* attribute);

}  // namespace netinspect::capture
