// libcurl transport: curl_transport.cpp is the only file of ours that includes curl.h. One event
// thread per instance drives every transfer through libcurl's multi socket API, so a request
// waiting on MessageBird holds no caller's thread; connections (keep-alive) and TLS sessions are
// reused across requests (docs/platform.md, "libcurl"). What each request asks of the wire and
// what its answer becomes, in plain types, is exchange.hpp's.
// curl_global_init must have run (CurlGlobal) before any thread starts. The constructor throws
// std::runtime_error if curl or the kernel cannot give it what it needs (out of memory, out of
// file descriptors); network trouble never throws: it comes back as a TransportError with curl's
// message in `detail`.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "messagebird/transport.hpp"

namespace voiceverify::messagebird {

// Owns curl_global_init / curl_global_cleanup; create one in main() before threads start.
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

// The timeouts have no defaults here: app::curl_options (src/app/settings.cpp) fills them from
// CONNECT_TIMEOUT_MS and TOTAL_TIMEOUT_MS.
struct CurlOptions {
  std::chrono::milliseconds connect_timeout;
  std::chrono::milliseconds total_timeout;
  std::size_t max_response_bytes = std::size_t{64} * 1024;
  // Idle connections the transport keeps open for reuse (CURLMOPT_MAXCONNECTS); sized for up to
  // about a thousand transfers at once.
  std::size_t max_connections = 1024;
};

// Thread-safe: any thread may call submit() at once. stop() (or destruction) answers every
// transfer still queued or running with TransportError::Other ("transport stopped"), then joins
// the event thread; a submit() after stop() is answered so at once, on the caller's thread. No
// call may overlap or follow destruction.
class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlOptions options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Queues the request and returns at once. `done` runs exactly once, always on the transport's
  // event thread and never inline on the caller's: it must be quick, must not throw or destroy
  // the transport, and must not wait for another answer of this transport (it would never come);
  // anything slow (the store, rendering a page) goes to another thread. It may submit() the next
  // request. A request the transport cannot start (no easy handle, stopping) is answered with
  // TransportError::Other, on the event thread too.
  void submit(HttpRequest request, ResponseHandler done) override;

  // Ends the event thread as above. Idempotent; never from a `done`. At exit, before what the
  // `done`s use goes (app/upstream.hpp).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voiceverify::messagebird
