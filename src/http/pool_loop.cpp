// The pool's threads and the one epoll set they share (docs/architecture.md, "The pool").
//
// - The set holds the listener, every idle connection (EPOLLONESHOT: one thread at a time owns a
//   connection) and a wake-up eventfd. Any thread serves any connection, so a request parked for
//   MessageBird holds no thread.
// - No thread ever blocks in accept(): a thread woken by the listener accepts one connection
//   itself (acceptor.hpp) and hands it to fcgi_server.cpp, so a stop reaches every idle thread
//   the same way and no listener is ever shut down.
// - A stop makes the eventfd readable, level-triggered and never read: every thread, now or
//   later, sees it. The threads then serve what nginx sends, and end once no request is parked:
//   while one is, nginx may still send a request on a kept-alive connection it holds (nginx
//   cannot know the pool is stopping), and a thread must be there to answer it. Each request
//   answered while stopping closes its connection, so nginx stops picking those.
#include "http/pool_loop.hpp"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "http/acceptor.hpp"
#include "log/log.hpp"

namespace voiceverify::http {
namespace {

// How long a connection may stall in the middle of a request before it is dropped.
constexpr std::chrono::seconds kReadStallLimit{10};
// How soon a draining pool sees a request nginx sends on a kept-alive connection.
constexpr std::chrono::milliseconds kDrainPoll{10};

// The loop's shared state (one pool per process).
struct Loop {
  std::atomic<bool> stopping{false};
  std::atomic<int> exit_status{0};
  // Made readable by stop_pool(), never read: level-triggered for everyone.
  const int wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);  // listener, wake_fd, idle connections
  // serves_within(): made readable and re-armed (one-shot) by the asker, taken by a thread.
  const int canary_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::mutex canary_mutex;
  std::condition_variable canary_taken;
  std::uint64_t canaries = 0;  // taken so far
  int listen_fd = -1;
  const PoolOptions* options = nullptr;
  ConnectionHandlers handlers{};

  std::mutex parked_mutex;
  std::size_t parked = 0;  // guarded by parked_mutex
  std::condition_variable all_answered;
};

Loop& loop() {
  static Loop instance;
  return instance;
}

// epoll tags for the descriptors that are not connections.
char g_listener_tag;
char g_wake_tag;
char g_canary_tag;

// Sleeps up to `duration` unless the pool stops first.
void pause_unless_stopping(std::chrono::milliseconds duration) {
  pollfd wake{loop().wake_fd, POLLIN, 0};
  ::poll(&wake, 1, static_cast<int>(duration.count()));
}

// The pool cannot go on (its listener is broken): stop every thread and exit non-zero, so the
// service manager restarts it instead of leaving a process that never answers.
void fail_pool(int error) {
  log::error("accept_failed", {{"error", std::strerror(error)}});
  loop().exit_status.store(1);
  stop_pool();
}

// "Out of descriptors" hits every thread at once: say so at most every ten seconds.
void report_exhausted(int error) {
  static std::atomic<std::int64_t> last_report{0};
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t last = last_report.load();
  if (now - last >= 10 && last_report.compare_exchange_strong(last, now))
    log::warning("accept_exhausted", {{"error", std::strerror(error)}});
}

// Takes one connection off the listener and hands it over to be watched.
void take_connection() {
  const Accepted accepted = accept_connection(loop().listen_fd, loop().options->allowed_peers);
  switch (accepted.outcome) {
    case AcceptOutcome::Connection: {
      // A peer that stalls half-way through a record cannot hold a thread for ever.
      const timeval limit{kReadStallLimit.count(), 0};
      ::setsockopt(accepted.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      loop().handlers.adopt(accepted.fd);
      return;
    }
    case AcceptOutcome::Refused:
      log::warning("fastcgi_peer_refused", {{"peer", accepted.peer}});
      return;
    case AcceptOutcome::Exhausted:
      report_exhausted(accepted.error);
      pause_unless_stopping(std::chrono::milliseconds(100));
      return;
    case AcceptOutcome::Fatal:
      fail_pool(accepted.error);
      return;
    case AcceptOutcome::Again:
      return;
  }
}

void take_canary() {
  Loop& l = loop();
  const std::lock_guard lock(l.canary_mutex);  // the asker writes and re-arms under it
  std::uint64_t count = 0;
  [[maybe_unused]] const auto read = ::read(l.canary_fd, &count, sizeof count);
  ++l.canaries;
  l.canary_taken.notify_all();
}

// While stopping with requests parked: waits up to `period` for the last to be answered. False
// once none is parked (the thread may end).
bool still_parked(std::chrono::milliseconds period) {
  Loop& l = loop();
  std::unique_lock lock(l.parked_mutex);
  return !l.all_answered.wait_for(lock, period, [&l] { return l.parked == 0; });
}

// One event at a time while running, so a busy thread never sits on ready connections another
// could serve. Once stopping, nothing more is accepted; what nginx sends on the connections it
// holds is served (and those connections closed) until no request is parked, then the thread
// ends.
void worker_loop(const WorkerFactory& make_worker) {
  std::unique_ptr<Worker> worker = make_worker();
  constexpr int kDrainBatch = 16;
  epoll_event events[kDrainBatch];
  while (true) {
    const bool stopping = loop().stopping.load();
    const int n =
        ::epoll_wait(loop().epoll_fd, events, stopping ? kDrainBatch : 1, stopping ? 0 : -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fail_pool(errno);
      return;
    }
    bool served = false;
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &g_wake_tag) continue;
      if (tag == &g_canary_tag) {
        take_canary();
        continue;
      }
      if (tag == &g_listener_tag) {
        if (!stopping) take_connection();
        continue;
      }
      loop().handlers.serve(static_cast<Watched*>(tag), *worker);
      served = true;
    }
    // The wake-up eventfd stays readable: look again every kDrainPoll, not in a spin.
    if (stopping && !served && !still_parked(kDrainPoll)) return;
  }
}

bool add_tagged(int fd, char* tag, std::uint32_t flags = 0) {
  epoll_event event{};
  event.events = EPOLLIN | flags;
  event.data.ptr = tag;
  return ::epoll_ctl(loop().epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0;
}

}  // namespace

bool watch(Watched& connection, int fd, bool added) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.ptr = &connection;
  if (::epoll_ctl(loop().epoll_fd, added ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event) != 0)
    return false;
  connection.armed.store(true, std::memory_order_release);
  return true;
}

void take(Watched& connection) {
  while (!connection.armed.exchange(false, std::memory_order_acquire)) std::this_thread::yield();
}

void park_begin() {
  const std::lock_guard lock(loop().parked_mutex);
  ++loop().parked;
}

void park_done() {
  const std::lock_guard lock(loop().parked_mutex);
  if (--loop().parked == 0) loop().all_answered.notify_all();
}

bool pool_stopping() {
  return loop().stopping.load();
}

int run_loop(int listen_fd, const PoolOptions& options, const WorkerFactory& make_worker,
             const std::function<void()>& serving, ConnectionHandlers handlers) {
  Loop& l = loop();
  l.listen_fd = listen_fd;
  l.options = &options;
  l.handlers = handlers;
  if (l.wake_fd < 0 || l.epoll_fd < 0 || !add_tagged(l.wake_fd, &g_wake_tag) ||
      !add_tagged(listen_fd, &g_listener_tag) ||
      !add_tagged(l.canary_fd, &g_canary_tag, EPOLLONESHOT)) {
    log::error("pool_failed", {{"error", std::strerror(errno)}});
    return 1;
  }
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(options.threads));
  for (int i = 0; i < options.threads; ++i)
    threads.emplace_back(worker_loop, std::cref(make_worker));
  serving();
  for (auto& thread : threads) thread.join();

  std::unique_lock lock(l.parked_mutex);
  l.all_answered.wait(lock, [&l] { return l.parked == 0; });
  return l.exit_status.load();
}

bool serves_within(std::chrono::milliseconds limit) {
  Loop& l = loop();
  std::unique_lock lock(l.canary_mutex);
  const std::uint64_t target = l.canaries + 1;
  const std::uint64_t one = 1;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.ptr = &g_canary_tag;
  if (::write(l.canary_fd, &one, sizeof one) != sizeof one ||
      ::epoll_ctl(l.epoll_fd, EPOLL_CTL_MOD, l.canary_fd, &event) != 0) {
    return false;
  }
  return l.canary_taken.wait_for(lock, limit, [&l, target] { return l.canaries >= target; });
}

void stop_pool() {
  Loop& l = loop();
  l.stopping.store(true);
  if (l.wake_fd < 0) return;
  // Level-triggered and never read: every waiting thread, now or later, sees it readable.
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(l.wake_fd, &one, sizeof one);
}

}  // namespace voiceverify::http
