// One request's trip through the curl transport, in our own plain types: what to ask of the wire
// (the header lines, how the method goes, the time budget, the response cap) and the answer that
// comes back (the body kept under the cap, a partial one dropped on error). curl_transport.cpp,
// the only includer of curl.h, applies it to an easy handle and reports curl's verdict; nothing
// here knows curl (docs/platform.md, "libcurl"). Not thread-safe: one thread at a time owns an
// Exchange (in the transport, its event thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "messagebird/curl_transport.hpp"
#include "messagebird/transport.hpp"

namespace voiceverify::messagebird {

// How a request's method goes on the wire.
struct MethodForm {
  bool plain_get = false;   // GET: a fetch without a body
  bool sends_body = false;  // POST, or another method given a body
  std::string verb;         // set for any method but GET and POST ("DELETE"): sent as is
};

// The handler and its answer, taken out of a finished Exchange so the transfer can be freed
// before the handler runs.
struct Delivery {
  ResponseHandler done;
  HttpResponse response;
  // Runs `done` with the answer. Never throws: a `done` that throws breaks its contract
  // (CurlTransport::submit) and is logged as our bug.
  void run();
};

class Exchange {
 public:
  Exchange(HttpRequest request, ResponseHandler done, const CurlOptions& options);

  // The request as submitted: the transport points curl at its URL and body, so the Exchange
  // must stay where it is until the transfer has ended.
  const HttpRequest& request() const { return request_; }
  // "Expect:" first (curl 7.88 sends "Expect: 100-continue" for bodies over 1 KiB, costing a
  // round trip), then the request's own headers.
  std::vector<std::string> header_lines() const;
  MethodForm method_form() const;
  std::chrono::milliseconds connect_timeout() const { return connect_timeout_; }
  // The request's own budget, or the transport's total timeout when it has none.
  std::chrono::milliseconds total_timeout() const;
  std::size_t max_response_bytes() const { return max_bytes_; }

  // Keeps `bytes` more of the body; false, keeping none of them, once the body would pass the
  // cap: the transfer must then stop, and its answer is TooLarge.
  bool take(const char* data, std::size_t bytes);

  // Ends the transfer with curl's verdict. Any error drops the partial body (it must not be
  // mistaken for an answer) and keeps `detail` for the log; a body refused at the cap makes the
  // error TooLarge, whatever curl called it.
  void finish(long status, TransportError error, std::string detail);
  // Ends it without an answer from the wire (out of memory, the transport stopping): Other.
  void fail(std::string detail);
  // The handler and the answer, once finished or failed.
  Delivery delivery();

 private:
  HttpRequest request_;
  ResponseHandler done_;
  HttpResponse response_;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds default_timeout_;
  std::size_t max_bytes_;
  bool too_large_ = false;
};

}  // namespace voiceverify::messagebird
