// The FastCGI worker pool: fcgi_server.cpp is the only code that includes fcgiapp.h; its threads
// and epoll set are pool_loop.cpp's. One process, N threads serving every connection nginx opens
// (docs/architecture.md, "The pool"). Each request is copied into a plain Request at once
// (FCGX_Finish_r frees libfcgi's strings) and handed to the thread's Worker, which answers at once
// or parks the request: a parked request holds no thread while it waits (for MessageBird), and
// its Answer writes the Response later from whichever thread has it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "http/acceptor.hpp"
#include "http/request.hpp"

namespace voiceverify::http {

// Where a parked request's response goes: in the pool, its connection; in a test, a promise.
class AnswerSink {
 public:
  virtual ~AnswerSink() = default;
  virtual void answer(const Response& response) = 0;
};

// Answers one parked request: writes the response and hands the connection back to the pool
// (or closes it once the pool is stopping). Copyable; the first call counts, later ones do
// nothing. It writes on the calling thread, which must not be the upstream event thread (a
// close may wait for nginx). A request whose every Answer is dropped unanswered gets a bare 500.
class Answer {
 public:
  explicit Answer(std::shared_ptr<AnswerSink> sink) : sink_(std::move(sink)) {}
  void operator()(const Response& response) const { sink_->answer(response); }

 private:
  std::shared_ptr<AnswerSink> sink_;
};

// A request the worker will answer later: the pool parks it, then calls start() with its Answer
// (start may call the Answer itself, at once).
struct Deferred {
  std::function<void(Answer)> start;
};

using Handled = std::variant<Response, Deferred>;

// What a thread runs for each request. A Worker belongs to one thread. handle() must not throw;
// if it does, the pool answers a bare 500.
class Worker {
 public:
  virtual ~Worker() = default;
  virtual Handled handle(const Request& request) = 0;
};

using WorkerFactory = std::function<std::unique_ptr<Worker>()>;

// No defaults here: app::pool_options (src/app/settings.cpp) fills every field from THREADS,
// MAX_BODY_BYTES and FASTCGI_ALLOWED_PEERS.
struct PoolOptions {
  int threads;
  std::size_t max_body_bytes;  // a longer CONTENT_LENGTH is answered 413 unread
  PeerList allowed_peers;      // FASTCGI_ALLOWED_PEERS: empty lets every TCP peer in
};

// Opens the listening socket for LISTEN (acceptor.cpp): "host:port" (TCP), "unix:/path" (mode
// 0660), "stdin" (the socket inherited on fd 0: spawn-fcgi, systemd StandardInput=socket) or
// "systemd" (fd 3 with LISTEN_FDS=1: socket activation), and makes it non-blocking. Returns the
// fd, or -1 with `error` (also when an inherited descriptor is not a listening socket). Calls
// FCGX_Init. An inherited socket is never shut down or closed by the pool: the next pool takes
// it over with whatever connections queued in the meantime.
int open_listener(const std::string& listen, std::string& error);

// Runs the pool on `listen_fd` until stop_pool() is called, then lets the requests in flight
// (and those nginx already sent on a kept-alive connection) finish, waits until every parked
// request is answered, and returns: 0, or 1 when the listener broke (accept failed for good;
// logged). One pool per process.
// `serving` is called once every thread has started (connections wait in the listener's
// backlog until one takes them).
int run_pool(int listen_fd, const PoolOptions& options, const WorkerFactory& make_worker,
             const std::function<void()>& serving);

// True when one of the pool's threads picks up a canary within `limit`: the pool can still serve
// (the systemd watchdog asks; an idle pool answers at once, one whose threads are all stuck does
// not). Only while run_pool runs, from one thread at a time.
bool serves_within(std::chrono::milliseconds limit);

// Asks every thread to stop: safe to call from any thread (not from a signal handler), any
// number of times, even before run_pool().
void stop_pool();

}  // namespace voiceverify::http
