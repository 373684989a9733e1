// libcurl transport: the only file that includes curl.h. One easy handle per instance, reused
// across requests (keep-alive, TLS session reuse); an instance belongs to one thread.
// curl_global_init must have run (CurlGlobal) before any thread starts. Both constructors throw
// std::runtime_error if curl cannot initialise (out of memory); perform() never throws for
// network trouble: it comes back as a TransportError with curl's message in `detail`.
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
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlOptions options);
  ~CurlTransport() override;
  HttpResponse perform(const HttpRequest& request) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voiceverify::messagebird
