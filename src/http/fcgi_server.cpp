// FastCGI adapter (FastCGI spec 1.0, libfcgi 2.4's multi-threaded interface).
//
// Why it looks the way it does:
// - FCGX_Accept_r with one FCGX_Request per thread, never fcgi_stdio.h (it redefines stdio).
// - libfcgi never accepts: a thread blocked in its accept() cannot be woken without shutting
//   the listener down, which on a socket inherited from systemd breaks it for every later pool.
//   Threads wait in poll/epoll beside one wake-up eventfd, accept themselves (acceptor.hpp) and
//   hand the connection to FCGX_Accept_r, which then only reads the request from it. Each
//   thread owns its request object and connection; stop_pool() only asks.
// - Deny by default: a missing or unparsable CONTENT_LENGTH reads nothing; one over the cap is
//   answered 413 without reading the body (fcgi2's echo example: always cap what is read).
#include "http/fcgi_server.hpp"

#include <fcgiapp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

#include "http/acceptor.hpp"
#include "log/log.hpp"

namespace voiceverify::http {
namespace {

// How long a connection may stall in the middle of a request before it is dropped.
constexpr std::chrono::seconds kReadStallLimit{10};

std::atomic<bool> g_stopping{false};
std::atomic<int> g_exit_status{0};

// The one wake-up for every thread that must stop: an eventfd that stop_pool() makes readable.
// Threads wait on it beside the listener or their connection, so nothing another thread owns
// (a listener shared with systemd, a connection) is ever touched to stop them.
int wake_fd() {
  static const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  return fd;
}

std::string param(FCGX_Request& request, const char* name) {
  const char* value = FCGX_GetParam(name, request.envp);
  return value ? std::string(value) : std::string();
}

// CONTENT_LENGTH as a number; nullopt-like -1 when missing or not a plain decimal.
long long content_length(const std::string& text) {
  if (text.empty() || text.size() > 18) return -1;
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return -1;
  return value;
}

void write_response(FCGX_Request& request, const Response& response, bool head) {
  std::string out;
  out.reserve(256 + response.body.size());
  out += "Status: ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  if (!response.content_type.empty()) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(response.body.size());
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  if (!head) out += response.body;
  FCGX_PutStr(out.data(), static_cast<int>(out.size()), request.out);
}

Response bare_status(int status) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::string(reason_phrase(status)) + "\n";
  return response;
}

void serve_one(FCGX_Request& request, Worker& worker, const PoolOptions& options) {
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
  in.remote_addr = param(request, "REMOTE_ADDR");
  in.https = param(request, "HTTPS") == "on";
  in.request_id = param(request, "REQUEST_ID");
  const bool head = in.method == "HEAD";

  const long long length = content_length(param(request, "CONTENT_LENGTH"));
  if (length > static_cast<long long>(options.max_body_bytes)) {
    // Not read: the pipeline answers 413 with the project's error page, and the connection
    // is closed afterwards so the unread stdin records cannot be taken for the next request.
    in.body_too_large = true;
    request.keepConnection = 0;
  } else if (length > 0) {
    in.body.resize(static_cast<std::size_t>(length));
    int got = FCGX_GetStr(in.body.data(), static_cast<int>(length), request.in);
    in.body.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  }

  Response out;
  try {
    out = worker.handle(in);
  } catch (const std::exception& e) {
    log::error("unhandled_exception", {{"request_id", in.request_id}, {"what", e.what()}});
    out = bare_status(500);
  } catch (...) {
    log::error("unhandled_exception", {{"request_id", in.request_id}});
    out = bare_status(500);
  }
  write_response(request, out, head);
}

// Waits until the listener has a connection (true) or the pool stops (false). Each thread has
// its own epoll set with the listener added EPOLLEXCLUSIVE, so one new connection wakes one idle
// thread, not all of them.
class ListenWait {
 public:
  explicit ListenWait(int listen_fd) : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
    epoll_event wake{};
    wake.events = EPOLLIN;
    wake.data.fd = wake_fd();
    epoll_event listener{};
    listener.events = EPOLLIN | EPOLLEXCLUSIVE;
    listener.data.fd = listen_fd;
    if (epoll_fd_ < 0 || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd(), &wake) != 0 ||
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd, &listener) != 0) {
      throw std::runtime_error("cannot watch the listening socket");
    }
  }
  ~ListenWait() { ::close(epoll_fd_); }
  ListenWait(const ListenWait&) = delete;
  ListenWait& operator=(const ListenWait&) = delete;

  bool wait() const {
    while (!g_stopping.load()) {
      epoll_event events[2];
      const int n = ::epoll_wait(epoll_fd_, events, 2, -1);
      for (int i = 0; i < n; ++i)
        if (events[i].data.fd != wake_fd()) return !g_stopping.load();
    }
    return false;
  }

 private:
  int epoll_fd_;
};

// Waits until the connection this thread holds has a request to read (true), or the pool stops
// while it is idle (false). A request nginx has already sent is served even when stopping.
bool wait_for_request(int connection) {
  while (true) {
    pollfd fds[2] = {{connection, POLLIN, 0}, {wake_fd(), POLLIN, 0}};
    const int n = ::poll(fds, 2, -1);
    if (n < 0 && errno != EINTR) return false;
    if (fds[0].revents != 0) return true;  // data, or EOF/error that FCGX_Accept_r will see
    if (g_stopping.load()) return false;
  }
}

// Sleeps up to `duration` unless the pool stops first.
void pause_unless_stopping(std::chrono::milliseconds duration) {
  pollfd wake{wake_fd(), POLLIN, 0};
  ::poll(&wake, 1, static_cast<int>(duration.count()));
}

// The pool cannot go on (its listener is broken): stop every thread and exit non-zero, so the
// service manager restarts it instead of leaving a process that never answers.
void fail_pool(int error) {
  log::error("accept_failed", {{"error", std::strerror(error)}});
  g_exit_status.store(1);
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

// Takes one connection for this thread; false when there is none to take this time.
bool take_connection(int listen_fd, const PoolOptions& options, FCGX_Request& request) {
  const Accepted accepted = accept_connection(listen_fd, options.allowed_peers);
  switch (accepted.outcome) {
    case AcceptOutcome::Connection: {
      // A peer that stalls half-way through a record cannot hold the thread for ever.
      const timeval limit{kReadStallLimit.count(), 0};
      ::setsockopt(accepted.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      // Handed to libfcgi as a kept-alive connection: FCGX_Accept_r then reads the request
      // from it instead of accepting one itself (and keeps it unless nginx asks otherwise).
      request.ipcFd = accepted.fd;
      request.keepConnection = 1;
      return true;
    }
    case AcceptOutcome::Refused:
      log::warning("fastcgi_peer_refused", {{"peer", accepted.peer}});
      return false;
    case AcceptOutcome::Exhausted:
      report_exhausted(accepted.error);
      pause_unless_stopping(std::chrono::milliseconds(100));
      return false;
    case AcceptOutcome::Fatal:
      fail_pool(accepted.error);
      return false;
    case AcceptOutcome::Again:
      break;
  }
  return false;
}

void worker_loop(int listen_fd, const PoolOptions& options, const WorkerFactory& make_worker) {
  std::unique_ptr<Worker> worker = make_worker();
  const ListenWait listen_wait(listen_fd);
  FCGX_Request request;
  // No listening socket for libfcgi (-1): it must never accept, or block in accept, itself.
  FCGX_InitRequest(&request, -1, 0);
  while (true) {
    if (request.ipcFd < 0) {
      if (!listen_wait.wait()) break;
      if (!take_connection(listen_fd, options, request)) continue;
    }
    if (!wait_for_request(request.ipcFd)) break;
    // Reads the request's parameters; on EOF or a protocol error libfcgi closes the connection
    // (ipcFd becomes -1) and fails: back to the listener.
    if (FCGX_Accept_r(&request) < 0) continue;
    // Once stopping, answer and close, so nginx sends nothing more on this connection.
    if (g_stopping.load()) request.keepConnection = 0;
    serve_one(request, *worker, options);
    FCGX_Finish_r(&request);
  }
  FCGX_Free(&request, request.ipcFd >= 0 ? 1 : 0);
}

}  // namespace

int open_listener(const std::string& listen, std::string& error) {
  if (FCGX_Init() != 0) {
    error = "FCGX_Init failed";
    return -1;
  }
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
  } else if (listen.rfind("unix:", 0) == 0) {
    const std::string path = listen.substr(5);
    ::unlink(path.c_str());
    fd = FCGX_OpenSocket(path.c_str(), 1024);
    if (fd < 0) {
      error = "cannot listen on unix socket " + path;
      return -1;
    }
    // FCGX_OpenSocket leaves 0755: nginx's workers could not connect.
    ::chmod(path.c_str(), 0660);
  } else {
    fd = FCGX_OpenSocket(listen.c_str(), 1024);
    if (fd < 0) {
      error = "cannot listen on " + listen;
      return -1;
    }
  }
  if (!prepare_listener(fd, error)) return -1;
  return fd;
}

int run_pool(int listen_fd, const PoolOptions& options, const WorkerFactory& make_worker) {
  wake_fd();  // made before any thread can need it
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(options.threads));
  for (int i = 0; i < options.threads; ++i) {
    threads.emplace_back(worker_loop, listen_fd, std::cref(options), std::cref(make_worker));
  }
  for (auto& thread : threads) thread.join();
  return g_exit_status.load();
}

void stop_pool() {
  g_stopping.store(true);
  // Level-triggered and never read: every waiting thread, now or later, sees it readable.
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_fd(), &one, sizeof one);
}

}  // namespace voiceverify::http
