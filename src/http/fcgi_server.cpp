// FastCGI adapter (FastCGI spec 1.0, libfcgi 2.4's multi-threaded interface): the only includer
// of fcgiapp.h. The threads, the epoll set and accepting are pool_loop.cpp's; here a connection
// is handed to libfcgi, its request read into a plain Request and its Response written back.
//
// Why it looks the way it does (docs/architecture.md, "The pool"; docs/platform.md, "libfcgi"):
// - FCGX_Accept_r with an FCGX_Request per connection, never fcgi_stdio.h (it redefines stdio).
//   The request object lives on the heap and never moves: libfcgi's streams point back at it.
// - libfcgi never accepts: a thread blocked in its accept() cannot be woken without shutting
//   the listener down, which on a socket inherited from systemd breaks it for every later pool.
//   The pool accepts itself (acceptor.hpp) and hands each connection to FCGX_Accept_r, which
//   then only reads requests from it.
// - A parked request's answer hands the connection back to the epoll set for nginx's next
//   request on it (closing it instead would race nginx's keep-alive cache).
// - Every request's stdin is read to its end before the answer, so an idle connection is never
//   readable but for a new request.
// - Deny by default: a missing or unparsable CONTENT_LENGTH reads nothing; one over the cap is
//   answered 413 without reading the body, and the connection closed.
#include "http/fcgi_server.hpp"

#include <fcgiapp.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <exception>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "http/accept_language.hpp"
#include "http/acceptor.hpp"
#include "http/pool_loop.hpp"
#include "log/log.hpp"
#include "util/metrics.hpp"

namespace voiceverify::http {
namespace {

// An Origin header is a scheme, a host and a port; the longest registered redirect URI is 512.
constexpr std::size_t kMaxOriginBytes = 512;
constexpr std::size_t kMaxAuthorizationBytes = 2048;
constexpr std::size_t kMaxIdempotencyKeyBytes = 255;  // web/api_idempotency.hpp's cap

// One accepted connection and libfcgi's request object for it. Owned by the registry; at any
// moment exactly one thread (or one parked request) works on it.
struct Connection : Watched {
  FCGX_Request request{};
};

// Every connection the pool holds, to close the idle ones at the end (one pool per process).
struct Registry {
  std::mutex mutex;
  std::unordered_set<Connection*> connections;  // guarded by mutex
  std::size_t max_body_bytes = 0;               // the pool's, set before any thread starts
};

Registry& registry() {
  static Registry instance;
  return instance;
}

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
  const std::lock_guard lock(registry().mutex);
  registry().connections.insert(connection);
  return connection;
}

// Forgets a connection libfcgi has closed, or closes it. A plain close: nothing is left unread
// on it, so libfcgi's lingering close (which may wait for the peer) is not needed.
void drop(Connection* connection) {
  {
    const std::lock_guard lock(registry().mutex);
    registry().connections.erase(connection);
  }
  FCGX_Request& request = connection->request;
  if (request.ipcFd >= 0) {
    ::close(request.ipcFd);
    request.ipcFd = -1;
  }
  FCGX_Free(&request, 0);
  delete connection;
}

// After the answer: keep the connection for nginx's next request, unless libfcgi closed it
// (nginx asked, or it broke) or the pool is stopping.
void finish(Connection* connection) {
  FCGX_Request& request = connection->request;
  if (pool_stopping()) request.keepConnection = 0;
  FCGX_Finish_r(&request);
  if (request.ipcFd < 0 || !watch(*connection, request.ipcFd, false)) drop(connection);
}

// A request that waits for its answer without a thread.
struct ParkedRequest final : AnswerSink {
  Connection* connection;
  bool head;
  std::string request_id;
  std::atomic<bool> answered{false};

  ParkedRequest(Connection* c, bool h, std::string id)
      : connection(c), head(h), request_id(std::move(id)) {
    park_begin();
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
    park_done();
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
  // An Origin is an origin (scheme, host, port): anything longer is no registered one.
  in.origin = param(request, "HTTP_ORIGIN");
  // Basic with a client's id and secret, or Bearer with an access token: a few hundred bytes.
  in.authorization = param(request, "HTTP_AUTHORIZATION");
  if (in.authorization.size() > kMaxAuthorizationBytes) in.authorization.clear();
  if (in.origin.size() > kMaxOriginBytes) in.origin.clear();
  // The API's Idempotency-Key: one byte over its cap is enough for the API to refuse it.
  in.idempotency_key = param(request, "HTTP_IDEMPOTENCY_KEY");
  if (in.idempotency_key.size() > kMaxIdempotencyKeyBytes) {
    in.idempotency_key.resize(kMaxIdempotencyKeyBytes + 1);
  }
  in.remote_addr = param(request, "REMOTE_ADDR");
  in.https = param(request, "HTTPS") == "on";
  in.request_id = param(request, "REQUEST_ID");

  const long long length = content_length(param(request, "CONTENT_LENGTH"));
  if (length > static_cast<long long>(registry().max_body_bytes)) {
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
void serve(Watched* watched, Worker& worker) {
  auto* connection = static_cast<Connection*>(watched);
  take(*connection);
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

// A connection just accepted: watched for its first request, or dropped.
void adopt_and_watch(int fd) {
  Connection* connection = adopt(fd);
  if (!watch(*connection, fd, true)) drop(connection);
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
  registry().max_body_bytes = options.max_body_bytes;
  const int status = run_loop(listen_fd, options, make_worker, serving, {adopt_and_watch, serve});
  // Every parked request is answered. What is left are idle kept-alive connections: closing them
  // tells nginx to open new ones (to the next pool).
  std::unique_lock lock(registry().mutex);
  const std::vector<Connection*> idle(registry().connections.begin(), registry().connections.end());
  lock.unlock();
  for (Connection* connection : idle) drop(connection);
  return status;
}

}  // namespace voiceverify::http
