// The HTTP transport the Verify client talks through. The curl transport is the real one; unit
// tests pass a fake that replays recorded answers (as MessageBird's own Python client takes an
// http_client).
#pragma once

#include <string>
#include <vector>

namespace voiceverify::messagebird {

struct HttpRequest {
  std::string method;                // "GET", "POST", "DELETE"
  std::string url;                   // endpoint + path built from validated parts only
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
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

class Transport {
 public:
  virtual ~Transport() = default;
  virtual HttpResponse perform(const HttpRequest& request) = 0;
};

}  // namespace voiceverify::messagebird
