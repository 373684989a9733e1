// See acceptor.hpp for why the pool accepts connections itself.
#include "http/acceptor.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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

}  // namespace voiceverify::http
