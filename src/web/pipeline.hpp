// The request pipeline, visible in one place: caps, route (404/405), cookies, form body
// (415/400/403 CSRF), the route's handler, finish. Every request runs inside one try/catch that
// answers the 500 page.
#pragma once

#include <cstddef>

#include "http/fcgi_server.hpp"
#include "http/request.hpp"
#include "web/context.hpp"

namespace voiceverify::web {

// Cap values for the request's parts; over a cap is a clear error.
struct RequestCaps {
  std::size_t max_path_bytes = 256;
  // As much as nginx lets through in one header line (large_client_header_buffers 8k): other
  // sites' cookies on the same domain must not lock our visitors out.
  std::size_t max_cookie_bytes = 8192;
  std::size_t max_query_bytes = 1024;
};

// Handles one request: the response, or (when the flow needs MessageBird) a Deferred that the
// pool parks and that answers once the flow is done. Never throws.
http::Handled handle_request(const http::Request& request, const AppDeps& deps);

}  // namespace voiceverify::web
