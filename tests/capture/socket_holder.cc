// Test helper: opens the sockets a capture test asks for, prints "ready",
// then keeps them open (accepting connections, draining datagrams) until
// killed. Without anything to keep open it exits after its actions.
//
//   capture_socket_holder ACTION... where ACTION is one of
//     tcp-listen ADDR PORT     listen (backlog 4096) and accept forever
//     tcp-connect ADDR PORT    one connection, kept open
//     tcp-many ADDR PORT N     N connections, kept open (benchmarks)
//     udp-bind ADDR PORT       a bound UDP socket, drained
//     udp-connect ADDR PORT    a connected UDP socket, kept open
//     tcp-listen-idle ADDR PORT  listen, never accept: connections wait in the
//                              accept queue (CLOSE-WAIT once their peer closes)
//     tcp-connect-close ADDR PORT  connect, then close at once (FIN-WAIT2 here)
//     tcp-connect-pending ADDR PORT  non-blocking connect, kept (SYN-SENT when
//                              nothing answers)
//     ping-bind ADDR IDENT     an ICMP echo ("ping") datagram socket bound to
//                              ADDR with echo identifier IDENT (needs
//                              net.ipv4.ping_group_range to hold our group)
//     raw-bind ADDR PROTO      a raw IP socket for protocol PROTO bound to ADDR (root)
//     tcp-send ADDR PORT BYTES connect, send BYTES bytes, close (traffic)
//     udp-send ADDR PORT COUNT COUNT datagrams of 100 bytes (traffic)
// ADDR containing ':' is IPv6. Errors: one line on stderr, exit 1.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "capture_socket_holder: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
};

Address parse_address(const char* host, const char* port_text) {
  Address address;
  int port = std::atoi(port_text);
  if (std::strchr(host, ':') != nullptr) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) != 1) die(std::string("bad address ") + host);
    address.length = sizeof *v6;
    address.family = AF_INET6;
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, host, &v4->sin_addr) != 1) die(std::string("bad address ") + host);
    address.length = sizeof *v4;
  }
  return address;
}

int open_socket(const Address& address, int type) {
  int fd = socket(address.family, type, 0);
  if (fd < 0) die("socket");
  return fd;
}

int connect_tcp(const Address& address) {
  int fd = open_socket(address, SOCK_STREAM);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0) die("connect");
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  std::vector<pollfd> watched;  // listeners and bound UDP sockets
  std::vector<int> kept;
  for (int i = 1; i < argc;) {
    std::string action = argv[i];
    auto need = [&](int n) {
      if (i + n >= argc) {
        errno = EINVAL;
        die(action + " needs " + std::to_string(n) + " arguments");
      }
    };
    need(2);
    Address address = parse_address(argv[i + 1], argv[i + 2]);
    if (action == "tcp-listen") {
      int fd = open_socket(address, SOCK_STREAM);
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (bind(fd, reinterpret_cast<sockaddr*>(&address.storage), address.length) != 0) die("bind");
      if (listen(fd, 4096) != 0) die("listen");
      watched.push_back({fd, POLLIN, 0});
      i += 3;
    } else if (action == "tcp-listen-idle") {
      int fd = open_socket(address, SOCK_STREAM);
      if (bind(fd, reinterpret_cast<sockaddr*>(&address.storage), address.length) != 0) die("bind");
      if (listen(fd, 16) != 0) die("listen");
      kept.push_back(fd);
      i += 3;
    } else if (action == "tcp-connect-close") {
      close(connect_tcp(address));
      i += 3;
    } else if (action == "tcp-connect-pending") {
      int fd = open_socket(address, SOCK_STREAM);
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      if (connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0 &&
          errno != EINPROGRESS) {
        die("connect");
      }
      kept.push_back(fd);
      i += 3;
    } else if (action == "ping-bind") {
      int protocol = address.family == AF_INET6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP};
      int fd = socket(address.family, SOCK_DGRAM, protocol);
      if (fd < 0) die("ping socket");
      if (bind(fd, reinterpret_cast<sockaddr*>(&address.storage), address.length) != 0) die("bind");
      kept.push_back(fd);
      i += 3;
    } else if (action == "raw-bind") {
      int fd = socket(address.family, SOCK_RAW, std::atoi(argv[i + 2]));
      if (fd < 0) die("raw socket");
      reinterpret_cast<sockaddr_in*>(&address.storage)->sin_port = 0;  // sin6_port sits at the same offset
      if (bind(fd, reinterpret_cast<sockaddr*>(&address.storage), address.length) != 0) die("bind");
      kept.push_back(fd);
      i += 3;
    } else if (action == "tcp-connect") {
      kept.push_back(connect_tcp(address));
      i += 3;
    } else if (action == "tcp-many") {
      need(3);
      long count = std::atol(argv[i + 3]);
      for (long n = 0; n < count; ++n) kept.push_back(connect_tcp(address));
      i += 4;
    } else if (action == "udp-bind") {
      int fd = open_socket(address, SOCK_DGRAM);
      if (bind(fd, reinterpret_cast<sockaddr*>(&address.storage), address.length) != 0) die("bind");
      watched.push_back({fd, POLLIN, 0});
      i += 3;
    } else if (action == "udp-connect") {
      int fd = open_socket(address, SOCK_DGRAM);
      if (connect(fd, reinterpret_cast<sockaddr*>(&address.storage), address.length) != 0) die("connect");
      kept.push_back(fd);
      i += 3;
    } else if (action == "tcp-send") {
      need(3);
      int fd = connect_tcp(address);
      std::string bytes(static_cast<std::size_t>(std::atol(argv[i + 3])), 'x');
      std::size_t done = 0;
      while (done < bytes.size()) {
        ssize_t n = send(fd, bytes.data() + done, bytes.size() - done, 0);
        if (n < 0) die("send");
        done += static_cast<std::size_t>(n);
      }
      shutdown(fd, SHUT_WR);
      char sink[256];
      while (recv(fd, sink, sizeof sink, 0) > 0) {
      }
      close(fd);
      i += 4;
    } else if (action == "udp-send") {
      need(3);
      int fd = open_socket(address, SOCK_DGRAM);
      char datagram[100] = {};
      for (long n = std::atol(argv[i + 3]); n > 0; --n) {
        if (sendto(fd, datagram, sizeof datagram, 0, reinterpret_cast<sockaddr*>(&address.storage), address.length) < 0) {
          die("sendto");
        }
      }
      close(fd);
      i += 4;
    } else {
      errno = EINVAL;
      die("unknown action " + action);
    }
  }
  std::printf("ready\n");
  std::fflush(stdout);
  if (watched.empty() && kept.empty()) return 0;
  for (;;) {
    if (watched.empty()) {
      pause();
      continue;
    }
    if (poll(watched.data(), watched.size(), -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    for (std::size_t k = 0; k < watched.size(); ++k) {
      if ((watched[k].revents & POLLIN) == 0) continue;
      char buffer[65536];
      int type = 0;
      socklen_t length = sizeof type;
      getsockopt(watched[k].fd, SOL_SOCKET, SO_TYPE, &type, &length);
      if (type == SOCK_STREAM) {
        int fd = accept(watched[k].fd, nullptr, nullptr);
        if (fd >= 0) watched.push_back({fd, POLLIN, 0});  // drained below; closed at EOF
      } else {
        recv(watched[k].fd, buffer, sizeof buffer, MSG_DONTWAIT);
      }
    }
    // Accepted connections: read and drop; close at EOF so senders finish.
    for (std::size_t k = 0; k < watched.size();) {
      int type = 0;
      socklen_t length = sizeof type;
      getsockopt(watched[k].fd, SOL_SOCKET, SO_TYPE, &type, &length);
      int accepting = 0;
      length = sizeof accepting;
      getsockopt(watched[k].fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length);
      if (type == SOCK_STREAM && !accepting && (watched[k].revents & (POLLIN | POLLHUP))) {
        char buffer[65536];
        ssize_t n = recv(watched[k].fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n == 0) {
          close(watched[k].fd);
          watched.erase(watched.begin() + static_cast<long>(k));
          continue;
        }
      }
      ++k;
    }
  }
}
