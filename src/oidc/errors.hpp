// The closed set of OAuth 2.0 / OpenID Connect error codes we answer (docs/oidc.md, "Errors"):
// one row per code with its wire name and the HTTP status the token and userinfo endpoints send
// with it. Authorization errors travel in the redirect's query instead, where the status is 303.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace voiceverify::oidc {

enum class ErrorCode {
  InvalidRequest,           // RFC 6749 4.1.2.1 and 5.2
  UnauthorizedClient,       // RFC 6749 4.1.2.1 and 5.2
  AccessDenied,             // RFC 6749 4.1.2.1
  UnsupportedResponseType,  // RFC 6749 4.1.2.1
  InvalidScope,             // RFC 6749 4.1.2.1 and 5.2
  ServerError,              // RFC 6749 4.1.2.1
  TemporarilyUnavailable,   // RFC 6749 4.1.2.1
  LoginRequired,            // OpenID Connect Core 1.0 3.1.2.6 (prompt=none)
  RequestNotSupported,      // OpenID Connect Core 1.0 3.1.2.6 (request objects)
  InvalidClient,            // RFC 6749 5.2
  InvalidGrant,             // RFC 6749 5.2
  UnsupportedGrantType,     // RFC 6749 5.2
  InvalidToken,             // RFC 6750 3.1 (userinfo)
};

struct ErrorRow {
  ErrorCode code;
  std::string_view name;  // the `error` value on the wire
  int status;             // HTTP status when answered as JSON (token, userinfo)
};

inline constexpr auto kErrors = std::to_array<ErrorRow>({
    {ErrorCode::InvalidRequest, "invalid_request", 400},
    {ErrorCode::UnauthorizedClient, "unauthorized_client", 400},
    {ErrorCode::AccessDenied, "access_denied", 403},
    {ErrorCode::UnsupportedResponseType, "unsupported_response_type", 400},
    {ErrorCode::InvalidScope, "invalid_scope", 400},
    {ErrorCode::ServerError, "server_error", 500},
    {ErrorCode::TemporarilyUnavailable, "temporarily_unavailable", 503},
    {ErrorCode::LoginRequired, "login_required", 400},
    {ErrorCode::RequestNotSupported, "request_not_supported", 400},
    // RFC 6749 5.2: 401 (with WWW-Authenticate) when the client authenticated by a header; the
    // token endpoint answers 401 for every invalid_client, as most providers do.
    {ErrorCode::InvalidClient, "invalid_client", 401},
    {ErrorCode::InvalidGrant, "invalid_grant", 400},
    {ErrorCode::UnsupportedGrantType, "unsupported_grant_type", 400},
    {ErrorCode::InvalidToken, "invalid_token", 401},
});

// Rows are in enum order, so a code is its own index.
constexpr bool errors_in_enum_order() {
  for (std::size_t i = 0; i < kErrors.size(); ++i) {
    if (static_cast<std::size_t>(kErrors[i].code) != i) return false;
  }
  return true;
}
static_assert(errors_in_enum_order());
static_assert(kErrors.back().code == ErrorCode::InvalidToken, "every code has a row");

constexpr const ErrorRow& error_row(ErrorCode code) {
  return kErrors[static_cast<std::size_t>(code)];
}
constexpr std::string_view error_name(ErrorCode code) {
  return error_row(code).name;
}
constexpr int error_status(ErrorCode code) {
  return error_row(code).status;
}

// A refusal: the code, and a description for the error_description parameter (RFC 6749 allows
// printable ASCII except '"' and '\\'; ours are fixed English sentences, never input).
struct Error {
  ErrorCode code;
  std::string_view description;
};

}  // namespace voiceverify::oidc
