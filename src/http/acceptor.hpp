// Taking connections off the pool's listening socket, without libfcgi: the pool accepts each
// connection itself and hands it to libfcgi only to read the request. That way
// - no thread ever blocks in accept(): it waits in poll() beside the pool's wake-up descriptor, so
//   a stop reaches every idle thread the same way and no listener is ever shut down (a socket
//   inherited from systemd or spawn-fcgi is shared with them: shutdown() would break it for the
//   next pool too);
// - the peer of a TCP connection is checked before a byte of it is read, and a refusal is logged;
// - an accept error is classified: a passing one is retried, a persistent one stops the pool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace voiceverify::http {

// IPv4 addresses (network byte order) allowed to connect over TCP; empty allows every peer.
// Unix-socket peers are never filtered (the socket file's mode decides who may connect).
using PeerList = std::vector<std::uint32_t>;

enum class AcceptOutcome {
  Connection,  // `fd` is a connected socket, ours to close
  Again,       // nothing to take (another thread was faster), or a connection that died at once
  Refused,     // a TCP peer not in the list: closed unread, `peer` says who
  Exhausted,   // out of descriptors or memory: wait a little, then try again
  Fatal,       // the listener itself is broken (closed, not a socket, not listening)
};

struct Accepted {
  AcceptOutcome outcome = AcceptOutcome::Again;
  int fd = -1;
  int error = 0;     // errno for Exhausted and Fatal
  std::string peer;  // for Refused: the peer's address in text
};

// One non-blocking accept on `listen_fd` (which must be O_NONBLOCK), close-on-exec, with
// TCP_NODELAY on TCP connections. Never throws.
Accepted accept_connection(int listen_fd, const PeerList& allowed);

// The listening socket for LISTEN (see open_listener in fcgi_server.hpp), non-blocking and
// close-on-exec; -1 with `error` when it cannot be had. A unix socket gets mode 0660.
int open_listening_socket(const std::string& listen, std::string& error);

// Makes a listening socket non-blocking and close-on-exec, after checking that it is one.
// False with `error` when `fd` is not a listening stream socket.
bool prepare_listener(int fd, std::string& error);

}  // namespace voiceverify::http
