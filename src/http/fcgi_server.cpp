// FastCGI adapter (FastCGI spec 1.0, libfcgi 2.4's multi-threaded interface).
//
// Why it looks the way it does:
// - FCGX_Accept_r with one FCGX_Request per thread, never fcgi_stdio.h (it redefines stdio).
// - Threads blocked in FCGX_Accept_r do not return on a signal (libfcgi's handler only sets a
//   flag): stop_pool() calls FCGX_ShutdownPending() and shutdown(listen_fd, SHUT_RDWR), which
//   wakes them with an error; close() would not (platform notes).
// - Deny by default: a missing or unparsable CONTENT_LENGTH reads nothing; one over the cap is
//   answered 413 without reading the body (fcgi2's echo example: always cap what is read).
#include "http/fcgi_server.hpp"

#include <fcgiapp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "log/log.hpp"

namespace voiceverify::http {
namespace {

std::atomic<int> g_listen_fd{-1};
std::atomic<bool> g_stopping{false};

// One slot per worker thread. With nginx's fastcgi_keep_conn, an idle thread is blocked reading
// its kept-alive connection, not in accept(), so shutting down the listening socket does not
// wake it: stop_pool() also shuts the read side of each idle connection. The registry's mutex
// is taken only when a thread starts or ends and by stop_pool(); a request only flips its own
// slot's atomic flag.
struct WorkerSlot {
  FCGX_Request request;
  std::atomic<bool> idle{false};
};
std::mutex g_slots_mutex;
std::vector<WorkerSlot*> g_slots;

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

void worker_loop(int listen_fd, const PoolOptions& options, const WorkerFactory& make_worker) {
  std::unique_ptr<Worker> worker = make_worker();
  WorkerSlot slot;
  FCGX_Request& request = slot.request;
  FCGX_InitRequest(&request, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
  {
    std::lock_guard lock(g_slots_mutex);
    g_slots.push_back(&slot);
  }
  while (!g_stopping.load()) {
    slot.idle.store(true);
    const int accepted = FCGX_Accept_r(&request);
    slot.idle.store(false);
    if (accepted < 0) {
      if (g_stopping.load()) break;
      // A transient accept failure (EMFILE, a peer that went away): keep serving.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    serve_one(request, *worker, options);
    FCGX_Finish_r(&request);
  }
  {
    std::lock_guard lock(g_slots_mutex);
    std::erase(g_slots, &slot);
  }
  FCGX_Free(&request, 1);
}

}  // namespace

int open_listener(const std::string& listen, std::string& error) {
  if (FCGX_Init() != 0) {
    error = "FCGX_Init failed";
    return -1;
  }
  if (listen == "stdin") return 0;
  if (listen == "systemd") {
    const char* fds = std::getenv("LISTEN_FDS");
    if (!fds || std::string_view(fds) != "1") {
      error = "LISTEN=systemd but LISTEN_FDS is not 1";
      return -1;
    }
    return 3;
  }
  if (listen.rfind("unix:", 0) == 0) {
    const std::string path = listen.substr(5);
    ::unlink(path.c_str());
    int fd = FCGX_OpenSocket(path.c_str(), 1024);
    if (fd < 0) {
      error = "cannot listen on unix socket " + path;
      return -1;
    }
    // FCGX_OpenSocket leaves 0755: nginx's workers could not connect (platform notes).
    ::chmod(path.c_str(), 0660);
    return fd;
  }
  int fd = FCGX_OpenSocket(listen.c_str(), 1024);
  if (fd < 0) error = "cannot listen on " + listen;
  return fd;
}

void run_pool(int listen_fd, const PoolOptions& options, const WorkerFactory& make_worker) {
  g_stopping.store(false);
  g_listen_fd.store(listen_fd);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(options.threads));
  for (int i = 0; i < options.threads; ++i) {
    threads.emplace_back(worker_loop, listen_fd, std::cref(options), std::cref(make_worker));
  }
  for (auto& thread : threads) thread.join();
}

void stop_pool() {
  g_stopping.store(true);
  FCGX_ShutdownPending();
  const int fd = g_listen_fd.load();
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  // Requests in flight keep their connection and finish; idle kept-alive ones see EOF.
  std::lock_guard lock(g_slots_mutex);
  for (const WorkerSlot* slot : g_slots) {
    const int conn = slot->request.ipcFd;
    if (slot->idle.load() && conn >= 0 && conn != fd) ::shutdown(conn, SHUT_RD);
  }
}

}  // namespace voiceverify::http
