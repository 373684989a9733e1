// POST /token (RFC 6749 sections 3.2, 4.1.3 and 5; OpenID Connect Core 1.0 section 3.1.3):
// the request's fields and client authentication parsed into a typed TokenRequest, the checks
// of a redeemed code against it, and the replies as plain values (status, headers, JSON body)
// that the web layer copies into its response (docs/oidc.md, "The token endpoint").
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oidc/authorize.hpp"
#include "oidc/clients.hpp"
#include "oidc/errors.hpp"
#include "oidc/grants.hpp"
#include "oidc/verified_secrets.hpp"

namespace voiceverify::oidc {

// RFC 6749 section 2.3.1 and OpenID Connect Core 1.0 section 9: how the client authenticated.
enum class ClientAuth {
  SecretBasic,  // Authorization: Basic (confidential clients)
  SecretPost,   // client_id and client_secret in the body (confidential clients)
  None,         // client_id alone, PKCE proves the rest (public clients)
};

struct ClientAuthRow {
  ClientAuth method;
  std::string_view name;  // as token_endpoint_auth_methods_supported lists it
};

inline constexpr auto kClientAuthMethods = std::to_array<ClientAuthRow>({
    {ClientAuth::SecretBasic, "client_secret_basic"},
    {ClientAuth::SecretPost, "client_secret_post"},
    {ClientAuth::None, "none"},
});

struct TokenRequest {
  ClientAuth auth = ClientAuth::None;
  std::string client_id;
  std::string client_secret;  // empty for None
  std::string code;
  std::string redirect_uri;
  std::string code_verifier;
};

// A refusal; `basic` when the client used the Authorization header, so that invalid_client
// answers 401 with WWW-Authenticate (RFC 6749 section 5.2).
struct TokenRefusal {
  Error error{ErrorCode::InvalidRequest, ""};
  bool basic = false;
};

struct TokenRequestParse {
  std::optional<TokenRequest> request;
  TokenRefusal refusal;
};

// `body`: the form's pairs (http::FormFields::pairs); `authorization`: the Authorization
// header's value, empty when absent. Exactly one authentication method (RFC 6749 section 2.3).
TokenRequestParse parse_token_request(const QueryPairs& body, std::string_view authorization);

// The registered client the request authenticated as, or the invalid_client refusal: unknown
// client, wrong secret, a secret from a public client or none from a confidential one. The
// secret is checked through `secrets` (verified_secrets.hpp) when given.
const Client* authenticate_client(const TokenRequest& request, const ClientRegistry& clients,
                                  TokenRefusal& refusal, VerifiedSecrets* secrets = nullptr);

// RFC 6749 section 4.1.3 and RFC 7636 section 4.6: the code was issued to this client, for this
// redirect_uri, and the verifier matches the challenge (none may be sent when there was none).
// nullopt when the code may be exchanged, else the invalid_grant refusal.
std::optional<TokenRefusal> check_code_grant(const TokenRequest& request, const CodeGrant& grant);

// An answer of the token or userinfo endpoint, for the web layer to send as it is.
struct JsonReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // always Cache-Control: no-store
  std::string body;
};

// RFC 6749 section 5.2: {"error":…,"error_description":…} with the code's status.
JsonReply token_refusal_reply(const TokenRefusal& refusal);
// RFC 6749 section 5.1 and OpenID Connect Core 1.0 section 3.1.3.3.
JsonReply token_reply(std::string_view id_token, std::string_view access_token, bool phone_scope);

// GET/POST /userinfo (RFC 6750 section 2.1): the token of "Authorization: Bearer <token>",
// or nullopt; and the 401 with WWW-Authenticate: Bearer error="invalid_token" for a bad one.
std::optional<std::string> bearer_token(std::string_view authorization);
JsonReply userinfo_refusal_reply();
JsonReply userinfo_reply(std::string_view claims_json);

// "Authorization: Basic base64(id:secret)" (RFC 7617; id and secret form-decoded as RFC 6749
// section 2.3.1 asks) as the verification API reads it (docs/api.md); nullopt for anything else.
struct BasicCredentials {
  std::string id;
  std::string secret;
};
std::optional<BasicCredentials> basic_credentials(std::string_view authorization);

}  // namespace voiceverify::oidc
