// The plain half of the curl transport: what each request asks of the wire and what its answer
// becomes (docs/messagebird-verify.md, "Timeouts and transport": a response size cap, a per-call
// budget; docs/platform.md, "libcurl").
#include "messagebird/exchange.hpp"

#include <utility>

#include "log/log.hpp"

namespace voiceverify::messagebird {

void Delivery::run() {
  try {
    done(std::move(response));
  } catch (...) {
    log::error("curl_done_threw");  // our bug: the contract says it must not; carry on
  }
}

Exchange::Exchange(HttpRequest request, ResponseHandler done, const CurlOptions& options)
    : request_(std::move(request)),
      done_(std::move(done)),
      connect_timeout_(options.connect_timeout),
      default_timeout_(options.total_timeout),
      max_bytes_(options.max_response_bytes) {}

std::vector<std::string> Exchange::header_lines() const {
  std::vector<std::string> lines;
  lines.reserve(request_.headers.size() + 1);
  lines.emplace_back("Expect:");
  lines.insert(lines.end(), request_.headers.begin(), request_.headers.end());
  return lines;
}

MethodForm Exchange::method_form() const {
  const std::string& method = request_.method;
  if (method == "GET") return {true, false, {}};
  return {false, method == "POST" || !request_.body.empty(), method == "POST" ? "" : method};
}

std::chrono::milliseconds Exchange::total_timeout() const {
  return request_.timeout > std::chrono::milliseconds::zero() ? request_.timeout : default_timeout_;
}

bool Exchange::take(const char* data, std::size_t bytes) {
  std::string& body = response_.body;
  if (bytes > max_bytes_ - body.size()) {
    too_large_ = true;
    return false;
  }
  body.append(data, bytes);
  return true;
}

void Exchange::finish(long status, TransportError error, std::string detail) {
  response_.status = status;
  response_.error = too_large_ && error != TransportError::None ? TransportError::TooLarge : error;
  if (response_.error != TransportError::None) {
    response_.detail = std::move(detail);
    response_.body.clear();
  }
}

void Exchange::fail(std::string detail) {
  response_ = HttpResponse{TransportError::Other, 0, {}, std::move(detail)};
}

Delivery Exchange::delivery() {
  return {std::move(done_), std::move(response_)};
}

}  // namespace voiceverify::messagebird
