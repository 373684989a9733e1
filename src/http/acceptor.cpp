// See acceptor.hpp for why the pool accepts connections itself.
#include "http/acceptor.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace voiceverify::http {

bool prepare_listener(int fd, std::string& error) {
  int accepting = 0;
  socklen_t length = sizeof accepting;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0 || !accepting) {
    error = "descriptor " + std::to_string(fd) + " is not a listening socket";
    return false;
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
      ::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
    error = "cannot make descriptor " + std::to_string(fd) + " non-blocking";
    return false;
  }
  return true;
}

Accepted accept_connection(int listen_fd, const PeerList& allowed) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    switch (error) {
      // Nothing pending, a signal, or a peer that gave up between its handshake and our accept
      // (accept(2) lists these network errors as "treat like EAGAIN").
      case EAGAIN:
      case EINTR:
      case ECONNABORTED:
      case EPROTO:
      case ENETDOWN:
      case ENOPROTOOPT:
      case EHOSTDOWN:
      case ENONET:
      case EHOSTUNREACH:
      case EOPNOTSUPP:
      case ENETUNREACH:
        return {AcceptOutcome::Again, -1, error, {}};
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
        return {AcceptOutcome::Exhausted, -1, error, {}};
      default:
        return {AcceptOutcome::Fatal, -1, error, {}};
    }
  }
  if (address.ss_family == AF_INET || address.ss_family == AF_INET6) {
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
  if (!allowed.empty() && address.ss_family != AF_UNIX) {
    // Only IPv4 peers can be listed: any other TCP peer is refused (fail closed).
    if (address.ss_family == AF_INET) {
      const auto& in = reinterpret_cast<const sockaddr_in&>(address);
      if (std::find(allowed.begin(), allowed.end(), in.sin_addr.s_addr) != allowed.end()) {
        return {AcceptOutcome::Connection, fd, 0, {}};
      }
    }
    char text[INET6_ADDRSTRLEN] = "?";
    if (address.ss_family == AF_INET) {
      ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text,
                  sizeof text);
    } else if (address.ss_family == AF_INET6) {
      ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text,
                  sizeof text);
    }
    ::close(fd);
    return {AcceptOutcome::Refused, -1, 0, text};
  }
  return {AcceptOutcome::Connection, fd, 0, {}};
}

namespace {

constexpr int kBacklog = 1024;

int listen_unix(const std::string& path, std::string& error) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    error = "unix socket path too long: " + path;
    return -1;
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::unlink(path.c_str());  // a socket file left by an earlier pool
  // nginx's workers run as another user: they need write access to the socket file.
  const mode_t old_mask = ::umask(0117);
  const bool bound =
      fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::umask(old_mask);
  if (!bound || ::listen(fd, kBacklog) != 0) {
    error = "cannot listen on unix socket " + path + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

// "127.0.0.1:9000" or "localhost:9000" (config::valid_listen checked the shape).
int listen_tcp(const std::string& listen, std::string& error) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  const int port = colon == std::string::npos ? -1 : std::atoi(listen.c_str() + colon + 1);
  if (port <= 0 || port > 65535 || ::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    error = "cannot listen on " + listen + ": not ipv4:port";
    return -1;
  }
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  if (fd < 0 || ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, kBacklog) != 0) {
    error = "cannot listen on " + listen + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int open_listening_socket(const std::string& listen, std::string& error) {
  int fd = -1;
  if (listen == "stdin") {
    fd = 0;
  } else if (listen == "systemd") {
    // sd_listen_fds(3)'s protocol: LISTEN_PID (when set) must be us, LISTEN_FDS the count.
    const char* fds = std::getenv("LISTEN_FDS");
    const char* pid = std::getenv("LISTEN_PID");
    if (!fds || std::string_view(fds) != "1") {
      error = "LISTEN=systemd but LISTEN_FDS is not 1";
      return -1;
    }
    if (pid && std::string_view(pid) != std::to_string(::getpid())) {
      error = "LISTEN=systemd but LISTEN_PID is another process";
      return -1;
    }
    fd = 3;
  } else if (listen.starts_with("unix:")) {
    fd = listen_unix(listen.substr(5), error);
  } else {
    fd = listen_tcp(listen, error);
  }
  if (fd < 0 || !prepare_listener(fd, error)) return -1;
  return fd;
}

}  // namespace voiceverify::http
