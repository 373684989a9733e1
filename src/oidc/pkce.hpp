// Proof Key for Code Exchange (RFC 7636), S256 only: `plain` would let whoever sees the
// authorization request redeem the code, so it is refused (docs/oidc.md, "PKCE").
#pragma once

#include <string>
#include <string_view>

namespace voiceverify::oidc {

// RFC 7636 section 4.1: 43 to 128 characters of [A-Z] [a-z] [0-9] "-" "." "_" "~".
bool is_valid_code_verifier(std::string_view verifier);
// An S256 challenge is base64url of a SHA-256 digest: exactly 43 base64url characters.
bool is_valid_s256_challenge(std::string_view challenge);
// RFC 7636 section 4.2: BASE64URL(SHA256(ASCII(code_verifier))).
std::string s256_challenge(std::string_view verifier);
// RFC 7636 section 4.6: a valid verifier whose S256 challenge equals `challenge`, compared in
// constant time.
bool verifier_matches(std::string_view verifier, std::string_view s256_challenge);

}  // namespace voiceverify::oidc
