// The ID token's claims and the userinfo answer (OpenID Connect Core 1.0 sections 2, 5.1 and
// 5.3; docs/oidc.md, "Claims"), and the pairwise subject identifier (section 8.1).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace voiceverify::oidc {

// How long an ID token is valid: a client checks it once, at the redirect.
inline constexpr std::chrono::seconds kIdTokenLifetime{300};

struct IdTokenClaims {
  std::string issuer;        // iss: OIDC_ISSUER exactly
  std::string subject;       // sub: pairwise_subject(...)
  std::string client_id;     // aud
  long issued_at = 0;        // iat, seconds since the epoch; exp = iat + kIdTokenLifetime
  long auth_time = 0;        // when the person entered the code
  std::string nonce;         // echoed when the request had one
  bool phone_scope = false;  // with "phone": phone_number and phone_number_verified
  std::string phone_number;  // E.164
};

// The JSON payload to sign: iss, sub, aud, exp, iat, auth_time, [nonce], amr ["tel","otp"]
// (RFC 8176 section 2: a phone was proved by a one-time code), and with the phone scope
// phone_number and phone_number_verified true.
std::string id_token_payload(const IdTokenClaims& claims);

// GET /userinfo's answer: sub, and with the phone scope the two phone claims.
std::string userinfo_json(std::string_view subject, bool phone_scope,
                          std::string_view phone_number);

// The key the pairwise subjects are computed under, from a secret of the service that never
// rotates (docs/oidc.md, "Subjects"): HMAC-SHA256(secret, a fixed label), so the same secret
// used elsewhere yields an unrelated key here.
std::string derive_subject_key(std::string_view service_secret);

// Section 8.1: a value stable for one number and one client, and unrelated across clients, so
// two applications cannot join their users by `sub`. base64url(HMAC-SHA256(subject_key,
// client_id "|" number)): 43 characters, within the 255 section 2 allows.
std::string pairwise_subject(std::string_view subject_key, std::string_view phone_number,
                             std::string_view client_id);

}  // namespace voiceverify::oidc
