#include "capture/netlink.h"

#include <libmnl/libmnl.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <vector>

namespace netinspect::capture {

namespace {

std::string errno_text(int error_number) { return std::strerror(error_number); }

struct Callback {
  const std::function<void(const nlmsghdr&)>* on_message;
  std::exception_ptr failure;  // exceptions must not unwind through libmnl's C frames
};

int on_reply(const nlmsghdr* message, void* data) {
  auto* callback = static_cast<Callback*>(data);
  try {
    (*callback->on_message)(*message);
  } catch (...) {
    callback->failure = std::current_exception();
    return MNL_CB_ERROR;
  }
  return MNL_CB_OK;
}

// A dump's NLMSG_DONE carries the dump's status: a negative errno when the
// kernel could not dump at all (no sock_diag handler for the protocol: ENOENT).
// libmnl's default handler ignores it and reports success.
int on_done(const nlmsghdr* message, void*) {
  int status = 0;
  if (mnl_nlmsg_get_payload_len(message) >= sizeof status) {
    std::memcpy(&status, mnl_nlmsg_get_payload(message), sizeof status);
  }
  if (status < 0) {
    errno = -status;
    return MNL_CB_ERROR;
  }
  return MNL_CB_STOP;
}

}  // namespace

NetlinkSocket::NetlinkSocket(int bus) {
  socket_ = mnl_socket_open(bus);
  if (socket_ == nullptr) throw NetlinkError("cannot open a netlink socket: " + errno_text(errno), errno);
  if (mnl_socket_bind(socket_, 0, MNL_SOCKET_AUTOPID) < 0) {
    int error_number = errno;
    mnl_socket_close(socket_);
    throw NetlinkError("cannot bind a netlink socket: " + errno_text(error_number), error_number);
  }
  port_id_ = mnl_socket_get_portid(socket_);
}

NetlinkSocket::~NetlinkSocket() { mnl_socket_close(socket_); }

void NetlinkSocket::dump(nlmsghdr* request, const char* what,
                         const std::function<void(const nlmsghdr&)>& on_message) {
  request->nlmsg_seq = ++sequence_;
  if (mnl_socket_sendto(socket_, request, request->nlmsg_len) < 0) {
    throw NetlinkError(std::string(what) + ": cannot send the request: " + errno_text(errno), errno);
  }
  // Large reads let the kernel pack many replies per datagram (10,000 sockets
  // arrive in a few dozen reads instead of hundreds).
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    ssize_t received = mnl_socket_recvfrom(socket_, buffer.data(), buffer.size());
    if (received < 0) {
      if (errno == EINTR) continue;
      throw NetlinkError(std::string(what) + ": cannot read the reply: " + errno_text(errno), errno);
    }
    errno = 0;
    Callback callback{&on_message, nullptr};
    mnl_cb_t control[NLMSG_MIN_TYPE] = {};
    control[NLMSG_DONE] = on_done;
    int status = mnl_cb_run2(buffer.data(), static_cast<std::size_t>(received), request->nlmsg_seq, port_id_,
                             on_reply, &callback, control, NLMSG_MIN_TYPE);
    if (callback.failure) std::rethrow_exception(callback.failure);
    if (status == MNL_CB_STOP) return;
    if (status < 0) {
      int error_number = errno;
      throw NetlinkError(std::string(what) + ": " + errno_text(error_number), error_number);
    }
  }
}

void for_each_attribute(const nlmsghdr& message, std::size_t offset,
                        const std::function<void(const nlattr*)>& f) {
  const char* end = static_cast<const char*>(mnl_nlmsg_get_payload_tail(&message));
  auto* attribute = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(&message, offset));
  while (mnl_attr_ok(attribute, static_cast<int>(end - reinterpret_cast<const char*>(attribute)))) {
    f(attribute);
    attribute = mnl_attr_next(attribute);
  }
}

void for_each_nested(const nlattr* attribute, const std::function<void(const nlattr*)>& f) {
  const char* end = static_cast<const char*>(mnl_attr_get_payload(attribute)) + mnl_attr_get_payload_len(attribute);
  auto* nested = static_cast<const nlattr*>(mnl_attr_get_payload(attribute));
  while (mnl_attr_ok(nested, static_cast<int>(end - reinterpret_cast<const char*>(nested)))) {
    f(nested);
    nested = mnl_attr_next(nested);
  }
}

std::vector<std::uint8_t> attribute_bytes(const nlattr* attribute) {
  const auto* data = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attribute));
  return {data, data + mnl_attr_get_payload_len(attribute)};
}

}  // namespace netinspect::capture
