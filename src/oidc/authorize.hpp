// The authorization request, GET /authorize (OpenID Connect Core 1.0 section 3.1.2.1, RFC 6749
// section 4.1.1, RFC 7636 section 4.3): its query parsed and checked into a typed request, or a
// typed refusal that says where it goes (docs/oidc.md, "The authorization request"):
// - a wrong client_id or redirect_uri is shown on our own page and never redirected (RFC 6749
//   section 4.1.2.1): a redirect there would send the browser wherever an attacker asked;
// - every other refusal goes back to the checked redirect_uri as error, error_description,
//   state and iss (RFC 9207).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oidc/clients.hpp"
#include "oidc/errors.hpp"

namespace voiceverify::oidc {

// The query's pairs in the order sent, names possibly repeated: http::FormFields::pairs.
using QueryPairs = std::vector<std::pair<std::string, std::string>>;

struct AuthorizationRequest {
  std::string client_id;
  std::string client_name;     // for the page: "<name> wants to confirm your phone number"
  std::string redirect_uri;    // exactly as sent (it matched a registered one)
  std::string state;           // may be empty
  std::string nonce;           // may be empty (optional in the code flow)
  std::string code_challenge;  // S256; empty only for a confidential client that sent none
  bool phone_scope = false;    // scope holds "phone": the ID token and userinfo carry the number
  std::string login_hint;      // "+" and digits (from E.164 or a tel: URI), or empty
  std::vector<std::string> ui_locales;  // language tags in the client's order (well-formed ones)
};

struct AuthorizationRefusal {
  bool redirect = false;  // false: our error page, no redirect at all
  Error error{ErrorCode::InvalidRequest, ""};
  std::string redirect_uri;  // when redirect: where to
  std::string state;         // when redirect: echoed if the request had a well-formed one
};

struct AuthorizationParse {
  std::optional<AuthorizationRequest> request;
  AuthorizationRefusal refusal;  // meaningful when request is nullopt
};

AuthorizationParse parse_authorization_request(const QueryPairs& query,
                                               const ClientRegistry& clients);

// The URL the browser is sent to (303) with a refusal that may be redirected:
// redirect_uri?error=…&error_description=…[&state=…]&iss=…
std::string refusal_redirect(const AuthorizationRefusal& refusal, std::string_view issuer);

// The URL the browser is sent to once the number is verified: redirect_uri?code=…[&state=…]&iss=…
std::string code_redirect(const AuthorizationRequest& request, std::string_view code,
                          std::string_view issuer);

}  // namespace voiceverify::oidc
