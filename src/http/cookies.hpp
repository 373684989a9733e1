// Cookie header parsing and Set-Cookie formatting (RFC 6265 sections 4.1 and 5.4).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace voiceverify::http {

// The value of the first cookie called `name` in a Cookie request header, or nullopt.
// Malformed pieces are skipped; a header longer than `max_header_bytes` yields nullopt.
std::optional<std::string> find_cookie(std::string_view cookie_header, std::string_view name,
                                       std::size_t max_header_bytes = 4096);

// The name a cookie of ours goes by on a request of this scheme: "__Host-" + `name` over https
// (RFC 6265bis section 4.1.3.2: the browser then keeps it only if it came Secure, with Path=/
// and no Domain, over https, so neither a plain-http page nor a sibling subdomain can plant or
// overwrite it), `name` itself over plain http, where a browser refuses a __Host- cookie.
// Both setting and reading go by the request's scheme.
std::string scheme_cookie_name(std::string_view name, bool https);

struct SetCookie {
  std::string name;                 // a token of our own
  std::string value;                // cookie-octets only (we send base64url and '.')
  std::chrono::seconds max_age{0};  // 0 deletes the cookie (Max-Age=0)
  bool secure = false;              // adds Secure; set when the request came over https
};

// "name=value; Max-Age=N; Path=/; HttpOnly; SameSite=Lax[; Secure]". A negative max_age is sent
// as 0. A name that is not a token or a value that is not cookie-octets is a bug in the caller:
// std::invalid_argument, never a header with a CR, LF or ';' smuggled in; so is a "__Host-" or
// "__Secure-" name without `secure`, which every browser would drop.
std::string format_set_cookie(const SetCookie& cookie);

}  // namespace voiceverify::http
