// FastCGI adapter (FastCGI spec 1.0, libfcgi 2.4's multi-threaded interface).
//
// Why it looks the way it does (docs/architecture.md, "The pool"; docs/platform.md, "libfcgi"):
// - FCGX_Accept_r with an FCGX_Request per connection, never fcgi_stdio.h (it redefines stdio).
//   The request object lives on the heap and never moves: libfcgi's streams point back at it.
// - libfcgi never accepts: a thread blocked in its accept() cannot be woken without shutting
//   the listener down, which on a socket inherited from systemd breaks it for every later pool.
//   The pool accepts itself (acceptor.hpp) and hands each connection to FCGX_Accept_r, which
//   then only reads requests from it.
// - One epoll set for the listener, every idle connection (EPOLLONESHOT: one thread at a time
//   owns a connection) and a wake-up eventfd. Any thread serves any connection, so a request
//   parked for MessageBird holds no thread, and its answer hands the connection back to the set
//   for nginx's next request on it (closing it instead would race nginx's keep-alive cache).
// - Every request's stdin is read to its end before the answer, so an idle connection is never
//   readable but for a new request.
// - Deny by default: a missing or unparsable CONTENT_LENGTH reads nothing; one over the cap is
//   answered 413 without reading the body, and the connection closed.
#include "http/fcgi_server.hpp"

#include <fcgiapp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <vector>

#include "http/accept_language.hpp"
#include "http/acceptor.hpp"
#include "log/log.hpp"
#include "util/metrics.hpp"

namespace voiceverify::http {
namespace {

// How long a connection may stall in the middle of a request before it is dropped.
constexpr std::chrono::seconds kReadStallLimit{10};

// One accepted connection and libfcgi's request object for it. Owned by the registry; at any
// moment exactly one thread (or one parked request) works on it. The hand-over between threads
// goes through epoll, which ThreadSanitizer cannot see: `armed` is set (release) once epoll_ctl
// has returned, and the thread woken for the connection waits to take it (acquire), which costs
// at most the few instructions between the two.
struct Connection {
  FCGX_Request request{};
  std::atomic<bool> armed{false};
};

// The pool's shared state (one pool per process).
struct Pool {
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

  std::mutex mutex;  // guards the two below
  std::unordered_set<Connection*> connections;
  std::size_t parked = 0;
  std::condition_variable all_answered;
};

Pool& pool() {
  static Pool instance;
  return instance;
}

// epoll tags for the two descriptors that are not connections.
char g_listener_tag;
char g_wake_tag;
char g_canary_tag;

std::string param(FCGX_Request& request, const char* name) {
  const char* value = FCGX_GetParam(name, request.envp);
  return value ? std::string(value) : std::string();
}

// CONTENT_LENGTH as a number; -1 when missing or not a plain decimal.
long long content_length(const std::string& text) {
  if (text.empty() || text.size() > 18) return -1;
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return -1;
  return value;
}

void write_response(FCGX_Request& request, const Response& response, bool head) {
  const std::string out = cgi_response(response, head);
  FCGX_PutStr(out.data(), static_cast<int>(out.size()), request.out);
}

Response bare_status(int status) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::string(reason_phrase(status)) + "\n";
  return response;
}

// ----------------------------------------------------------------- connections and their owners

Connection* adopt(int fd) {
  auto* connection = new Connection;
  FCGX_InitRequest(&connection->request, -1, 0);  // no listener: libfcgi must never accept
  // Handed to libfcgi as a kept-alive connection: FCGX_Accept_r then reads the request from it
  // instead of accepting one itself (and keeps it unless nginx asks otherwise).
  connection->request.ipcFd = fd;
  connection->request.keepConnection = 1;
  const std::lock_guard lock(pool().mutex);
  pool().connections.insert(connection);
  return connection;
}

// Forgets a connection libfcgi has closed, or closes it. A plain close: nothing is left unread
// on it, so libfcgi's lingering close (which may wait for the peer) is not needed.
void drop(Connection* connection) {
  {
    const std::lock_guard lock(pool().mutex);
    pool().connections.erase(connection);
  }
  FCGX_Request& request = connection->request;
  if (request.ipcFd >= 0) {
    ::close(request.ipcFd);
    request.ipcFd = -1;
  }
  FCGX_Free(&request, 0);
  delete connection;
}

// Waits for nginx's next request on it, on whichever thread is free then.
bool watch(Connection* connection, int op) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.ptr = connection;
  if (::epoll_ctl(pool().epoll_fd, op, connection->request.ipcFd, &event) != 0) return false;
  connection->armed.store(true, std::memory_order_release);
  return true;
}

// After the answer: keep the connection for nginx's next request, unless libfcgi closed it
// (nginx asked, or it broke) or the pool is stopping.
void finish(Connection* connection) {
  FCGX_Request& request = connection->request;
  if (pool().stopping.load()) request.keepConnection = 0;
  FCGX_Finish_r(&request);
  if (request.ipcFd < 0 || !watch(connection, EPOLL_CTL_MOD)) drop(connection);
}

// A request that waits for its answer without a thread.
struct ParkedRequest final : AnswerSink {
  Connection* connection;
  bool head;
  std::string request_id;
  std::atomic<bool> answered{false};

  ParkedRequest(Connection* c, bool h, std::string id)
      : connection(c), head(h), request_id(std::move(id)) {
    const std::lock_guard lock(pool().mutex);
    ++pool().parked;
  }
  ~ParkedRequest() override {
    if (!answered.load()) {
      log::error("parked_request_unanswered", {{"request_id", request_id}});
      answer(bare_status(500));
    }
  }
  ParkedRequest(const ParkedRequest&) = delete;
  ParkedRequest& operator=(const ParkedRequest&) = delete;

  void answer(const Response& response) override {
    if (answered.exchange(true)) return;
    write_response(connection->request, response, head);
    finish(connection);
    const std::lock_guard lock(pool().mutex);
    if (--pool().parked == 0) pool().all_answered.notify_all();
  }
};

// Reads the request's parameters and body into a plain Request; then the rest of stdin, so the
// connection is quiet until nginx's next request.
Request read_request(FCGX_Request& request) {
  Request in;
  in.method = param(request, "REQUEST_METHOD");
  in.path = param(request, "DOCUMENT_URI");
  if (in.path.empty()) {
    in.path = param(request, "REQUEST_URI");
    in.path = in.path.substr(0, in.path.find('?'));
  }
  in.query = param(request, "QUERY_STRING");
  in.content_type = param(request, "CONTENT_TYPE");
  in.cookie_header = param(request, "HTTP_COOKIE");
  in.accept_language = param(request, "HTTP_ACCEPT_LANGUAGE");
  // One byte over the cap is enough to know it is over (accept_language.hpp ignores it whole).
  if (in.accept_language.size() > kMaxAcceptLanguageBytes) {
    in.accept_language.resize(kMaxAcceptLanguageBytes + 1);
  }
  in.remote_addr = param(request, "REMOTE_ADDR");
  in.https = param(request, "HTTPS") == "on";
  in.request_id = param(request, "REQUEST_ID");

  const long long length = content_length(param(request, "CONTENT_LENGTH"));
  if (length > static_cast<long long>(pool().options->max_body_bytes)) {
    // Not read: the pipeline answers 413 with the project's error page, and the connection
    // is closed afterwards so the unread stdin records cannot be taken for the next request.
    in.body_too_large = true;
    request.keepConnection = 0;
    return in;
  }
  if (length > 0) {
    in.body.resize(static_cast<std::size_t>(length));
    int got = FCGX_GetStr(in.body.data(), static_cast<int>(length), request.in);
    in.body.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  }
  // nginx ends stdin with an empty record right after the body: read up to it. More than it
  // announced means the connection cannot be trusted for another request.
  char rest[256];
  if (FCGX_GetStr(rest, sizeof rest, request.in) > 0) request.keepConnection = 0;
  return in;
}

Handled run_worker(Worker& worker, const Request& in) {
  try {
    return worker.handle(in);
  } catch (const std::exception& e) {
    log::error("unhandled_exception", {{"request_id", in.request_id}, {"what", e.what()}});
  } catch (...) {
    log::error("unhandled_exception", {{"request_id", in.request_id}});
  }
  return bare_status(500);
}

// Serves the request nginx sent on `connection`; the connection then waits for the next one, is
// parked with its request, or is gone.
void serve(Connection* connection, Worker& worker) {
  while (!connection->armed.exchange(false, std::memory_order_acquire)) std::this_thread::yield();
  FCGX_Request& request = connection->request;
  // Reads the request's parameters; on EOF or a protocol error libfcgi closes the connection
  // (ipcFd becomes -1) and fails.
  if (FCGX_Accept_r(&request) < 0) {
    drop(connection);
    return;
  }
  // Busy from the first parameter read to the hand-off (a parked request holds no thread).
  const util::GaugeHold busy(util::Gauge::WorkersBusy);
  const Request in = read_request(request);
  const bool head = in.method == "HEAD";
  Handled handled = run_worker(worker, in);
  if (auto* response = std::get_if<Response>(&handled)) {
    write_response(request, *response, head);
    finish(connection);
    return;
  }
  auto parked = std::make_shared<ParkedRequest>(connection, head, in.request_id);
  Deferred deferred = std::move(std::get<Deferred>(handled));
  try {
    deferred.start(Answer(std::move(parked)));
  } catch (...) {
    // Unanswered, the parked request answers 500 itself once the last Answer is gone.
    log::error("unhandled_exception", {{"request_id", in.request_id}});
  }
}

// Sleeps up to `duration` unless the pool stops first.
void pause_unless_stopping(std::chrono::milliseconds duration) {
  pollfd wake{pool().wake_fd, POLLIN, 0};
  ::poll(&wake, 1, static_cast<int>(duration.count()));
}

// The pool cannot go on (its listener is broken): stop every thread and exit non-zero, so the
// service manager restarts it instead of leaving a process that never answers.
void fail_pool(int error) {
  log::error("accept_failed", {{"error", std::strerror(error)}});
  pool().exit_status.store(1);
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

// Takes one connection off the listener into the epoll set.
void take_connection() {
  const Accepted accepted = accept_connection(pool().listen_fd, pool().options->allowed_peers);
  switch (accepted.outcome) {
    case AcceptOutcome::Connection: {
      // A peer that stalls half-way through a record cannot hold a thread for ever.
      const timeval limit{kReadStallLimit.count(), 0};
      ::setsockopt(accepted.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      Connection* connection = adopt(accepted.fd);
      if (!watch(connection, EPOLL_CTL_ADD)) drop(connection);
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
  Pool& p = pool();
  const std::lock_guard lock(p.canary_mutex);  // the asker writes and re-arms under it
  std::uint64_t count = 0;
  [[maybe_unused]] const auto read = ::read(p.canary_fd, &count, sizeof count);
  ++p.canaries;
  p.canary_taken.notify_all();
}

// One event at a time while running, so a busy thread never sits on ready connections another
// could serve. Once stopping, nothing more is accepted; the requests nginx already sent are
// served (and their connections closed), then the thread ends.
void worker_loop(const WorkerFactory& make_worker) {
  std::unique_ptr<Worker> worker = make_worker();
  constexpr int kDrainBatch = 16;
  epoll_event events[kDrainBatch];
  while (true) {
    const bool stopping = pool().stopping.load();
    const int n =
        ::epoll_wait(pool().epoll_fd, events, stopping ? kDrainBatch : 1, stopping ? 0 : -1);
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
      serve(static_cast<Connection*>(tag), *worker);
      served = true;
    }
    if (stopping && !served) return;
  }
}

bool add_tagged(int fd, char* tag, std::uint32_t flags = 0) {
  epoll_event event{};
  event.events = EPOLLIN | flags;
  event.data.ptr = tag;
  return ::epoll_ctl(pool().epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0;
}

}  // namespace

int open_listener(const std::string& listen, std::string& error) {
  if (FCGX_Init() != 0) {
    error = "FCGX_Init failed";
    return -1;
  }
  return open_listening_socket(listen, error);
}

int run_pool(int listen_fd, const PoolOptions& options, const WorkerFactory& make_worker,
             const std::function<void()>& serving) {
  Pool& p = pool();
  p.listen_fd = listen_fd;
  p.options = &options;
  if (p.wake_fd < 0 || p.epoll_fd < 0 || !add_tagged(p.wake_fd, &g_wake_tag) ||
      !add_tagged(listen_fd, &g_listener_tag) ||
      !add_tagged(p.canary_fd, &g_canary_tag, EPOLLONESHOT)) {
    log::error("pool_failed", {{"error", std::strerror(errno)}});
    return 1;
  }
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(options.threads));
  for (int i = 0; i < options.threads; ++i)
    threads.emplace_back(worker_loop, std::cref(make_worker));
  if (serving) serving();
  for (auto& thread : threads) thread.join();

  std::unique_lock lock(p.mutex);
  p.all_answered.wait(lock, [&p] { return p.parked == 0; });
  // What is left are idle kept-alive connections: closing them tells nginx to open new ones
  // (to the next pool).
  const std::vector<Connection*> idle(p.connections.begin(), p.connections.end());
  lock.unlock();
  for (Connection* connection : idle) drop(connection);
  return p.exit_status.load();
}

bool serves_within(std::chrono::milliseconds limit) {
  Pool& p = pool();
  std::unique_lock lock(p.canary_mutex);
  const std::uint64_t target = p.canaries + 1;
  const std::uint64_t one = 1;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.ptr = &g_canary_tag;
  if (::write(p.canary_fd, &one, sizeof one) != sizeof one ||
      ::epoll_ctl(p.epoll_fd, EPOLL_CTL_MOD, p.canary_fd, &event) != 0) {
    return false;
  }
  return p.canary_taken.wait_for(lock, limit, [&p, target] { return p.canaries >= target; });
}

void stop_pool() {
  Pool& p = pool();
  p.stopping.store(true);
  if (p.wake_fd < 0) return;
  // Level-triggered and never read: every waiting thread, now or later, sees it readable.
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(p.wake_fd, &one, sizeof one);
}

}  // namespace voiceverify::http
