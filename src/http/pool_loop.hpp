// The FastCGI pool's event machinery, without libfcgi (docs/architecture.md, "The pool"): one
// epoll set holding the listening socket, every idle connection (EPOLLONESHOT: one thread at a
// time owns one), a stop eventfd and the watchdog's canary; the worker threads waiting in it;
// accepting (acceptor.hpp) and the count of parked requests. What a connection is, and reading
// and writing FastCGI on it, is fcgi_server.cpp's, this file's only user; stop_pool() and
// serves_within() (fcgi_server.hpp) are defined here. One loop per process, like the pool.
#pragma once

#include <atomic>
#include <functional>

#include "http/fcgi_server.hpp"

namespace voiceverify::http {

// The part of a connection the loop knows: the hand-over of its descriptor between threads. That
// goes through epoll, which ThreadSanitizer cannot see: `armed` is set (release) once epoll_ctl
// has returned, and the thread woken for the connection waits to take it (acquire), which costs
// at most the few instructions between the two.
struct Watched {
  std::atomic<bool> armed{false};
};

// What the libfcgi side does with the loop's events, on the thread that got them.
struct ConnectionHandlers {
  // A connection just accepted from an allowed peer: adopt it and watch() it, or close it.
  void (*adopt)(int fd);
  // A watched connection is readable (take() it first): serve nginx's request on it.
  void (*serve)(Watched* connection, Worker& worker);
};

// Waits for nginx's next request on `fd` (`added`: a new connection; else one just served), on
// whichever thread is free then. False when epoll refuses: the caller drops the connection.
bool watch(Watched& connection, int fd, bool added);
// The thread woken for `connection` calls this before touching it.
void take(Watched& connection);

// A request parked without a thread, until its answer: run_loop() returns only once every
// parked request is done.
void park_begin();
void park_done();

// True once stop_pool() has been called.
bool pool_stopping();

// Runs options.threads threads on `listen_fd`, each with its own Worker, until stop_pool(); calls
// `serving` once every thread is waiting for work; then waits until every parked request is done.
// 0, or 1 when the pool could not start or its listener broke (logged).
int run_loop(int listen_fd, const PoolOptions& options, const WorkerFactory& make_worker,
             const std::function<void()>& serving, ConnectionHandlers handlers);

}  // namespace voiceverify::http
