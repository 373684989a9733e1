// Redirect URIs (docs/oidc.md, "Redirect URIs"): which ones a client may register, how a
// requested one is matched against the registered ones, and how we append our parameters to
// one when sending the browser back.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace voiceverify::oidc {

// At most this many bytes: a registered URI and a requested one alike.
inline constexpr std::size_t kMaxRedirectUriBytes = 512;

// Empty when `uri` may be registered, else why not. Allowed: an absolute https URI with a host,
// or http on a loopback host (127.0.0.1, [::1], localhost: RFC 8252 section 7.3, native apps);
// no fragment (RFC 6749 section 3.1.2), no user info, no spaces or control bytes, no '|'.
std::string redirect_uri_problem(std::string_view uri);

// RFC 6749 section 3.1.2.3 and the OAuth security BCP: exact string comparison, except that a
// registered loopback http URI matches the same URI with any port (RFC 8252 section 7.3).
bool redirect_uri_matches(std::string_view registered, std::string_view requested);

// The origins (scheme "://" authority, as a browser's Origin header spells them) of registered
// redirect URIs, gathered once at start-up so that a request's Origin is one lookup (CORS for
// single-page applications). An origin is allowed when some registered URI, its origin swapped
// for that one, still matches it (redirect_uri_matches): exactly, but for a loopback http URI's
// port, which may be any (RFC 8252 section 7.3).
class RedirectOrigins {
 public:
  // A URI redirect_uri_problem accepts; anything else adds nothing.
  void add(std::string_view registered);
  bool allows(std::string_view origin) const;

 private:
  std::unordered_set<std::string> exact_;
  std::unordered_set<std::string> any_port_;  // loopback http origins, without their port
};

// `uri` with `params` appended to its query ('?' or '&' as the URI already has a query), each
// name and value percent-encoded: everything but RFC 3986's unreserved characters.
std::string with_query(std::string_view uri,
                       const std::vector<std::pair<std::string, std::string>>& params);

// RFC 3986 section 2.1 percent-encoding of every byte outside the unreserved set.
std::string percent_encode(std::string_view value);

}  // namespace voiceverify::oidc
