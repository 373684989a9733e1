// The HTTP transport the Verify client talks through. The curl transport is the real one; unit
// tests pass a fake that replays recorded answers (as MessageBird's own Python client takes an
// http_client).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace voiceverify::messagebird {

struct HttpRequest {
  std::string method;                // "GET", "POST", "DELETE"
  std::string url;                   // endpoint + path built from validated parts only
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  // How long the whole request may take; zero: the transport's own total timeout. A request
  // that has already spent part of its budget (a cancel before a create) passes what is left.
  std::chrono::milliseconds timeout{0};
};

enum class TransportError {
  None,
  ConnectFailed,  // refused, unreachable, DNS
  Timeout,        // connect or total timeout
  TooLarge,       // response body over the cap
  Other,          // TLS failure and anything else curl reports
};

struct HttpResponse {
  TransportError error = TransportError::None;
  long status = 0;
  std::string body;
  std::string detail;  // curl's message for the log; never shown to a user
};

using ResponseHandler = std::function<void(HttpResponse)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // Makes the request and waits for its answer.
  virtual HttpResponse perform(const HttpRequest& request) = 0;
  // Starts the request; `done` runs exactly once with the answer. A transport that has no
  // threads of its own (a test fake) answers inline; the curl transport answers on its event
  // thread, so `done` must hand anything slow (the store, a page) to another thread.
  // By value: an override that answers later (the curl transport) keeps both.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): only this inline default reads them
  virtual void submit(HttpRequest request, ResponseHandler done) { done(perform(request)); }
};

}  // namespace voiceverify::messagebird
