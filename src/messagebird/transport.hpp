// The HTTP transport the Verify client talks through: asynchronous only, the one way production
// uses it. The curl transport is the real one; unit tests pass a fake that replays recorded
// answers (as MessageBird's own Python client takes an http_client).
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
  // Starts the request and returns; `done` runs exactly once with the answer. A transport that
  // has no threads of its own (a test fake) may answer inline; the curl transport answers on its
  // event thread, so `done` must hand anything slow (the store, a page) to another thread.
  virtual void submit(HttpRequest request, ResponseHandler done) = 0;
};

}  // namespace voiceverify::messagebird
