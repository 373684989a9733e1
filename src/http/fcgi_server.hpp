// The FastCGI worker pool: the only code that includes fcgiapp.h. One process, N threads, each in
// its own FCGX_Accept_r loop with its own FCGX_Request. Each accepted request is copied into a
// plain Request at once (FCGX_Finish_r frees libfcgi's strings), handed to the thread's Worker,
// and the Response is written back as a CGI-style header block and body.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "http/acceptor.hpp"
#include "http/request.hpp"

namespace voiceverify::http {

// What a thread runs for each request. A Worker belongs to one thread, so it may hold per-thread
// resources (the curl handle). handle() must not throw; if it does, the pool answers a bare 500.
class Worker {
 public:
  virtual ~Worker() = default;
  virtual Response handle(const Request& request) = 0;
};

using WorkerFactory = std::function<std::unique_ptr<Worker>()>;

// No defaults here: app::pool_options (src/app/settings.cpp) fills every field from THREADS,
// MAX_BODY_BYTES and FASTCGI_ALLOWED_PEERS.
struct PoolOptions {
  int threads;
  std::size_t max_body_bytes;  // a longer CONTENT_LENGTH is answered 413 unread
  PeerList allowed_peers;      // FASTCGI_ALLOWED_PEERS: empty lets every TCP peer in
};

// Opens the listening socket for LISTEN: "host:port" (TCP), "unix:/path" (mode 0660),
// "stdin" (the socket inherited on fd 0: spawn-fcgi, systemd StandardInput=socket) or
// "systemd" (fd 3 with LISTEN_FDS=1: socket activation), and makes it non-blocking. Returns the
// fd, or -1 with `error` (also when an inherited descriptor is not a listening socket). Calls
// FCGX_Init. An inherited socket is never shut down or closed by the pool: the next pool takes
// it over with whatever connections queued in the meantime.
int open_listener(const std::string& listen, std::string& error);

// Runs the pool on `listen_fd` until stop_pool() is called, then lets the requests in flight
// (and those nginx already sent on a kept-alive connection) finish, and returns once every
// thread has ended: 0, or 1 when the listener broke (accept failed for good; logged). One pool
// per process.
int run_pool(int listen_fd, const PoolOptions& options, const WorkerFactory& make_worker);

// Asks every thread to stop: safe to call from any thread (not from a signal handler), any
// number of times, even before run_pool().
void stop_pool();

}  // namespace voiceverify::http
