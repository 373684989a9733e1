// The primitives the OpenID Connect layer builds on, over OpenSSL: random values, SHA-256,
// HMAC-SHA256 (util/hmac.hpp's, as bytes), PBKDF2, base64url without padding (RFC 4648
// section 5, as JOSE and PKCE use it) and a comparison that takes the same time wherever the
// inputs differ. Byte strings travel as std::string.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace voiceverify::oidc {

// base64url without '=' padding (RFC 7515 section 2, "Base64url Encoding").
std::string base64url(std::string_view bytes);
// The inverse; nullopt for a byte outside the alphabet, padding, or an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);
bool is_base64url(std::string_view text);
// Standard base64 with padding (RFC 4648 section 4), as HTTP Basic credentials use it; nullopt
// for anything else.
std::optional<std::string> base64_decode(std::string_view text);

// `count` bytes from OpenSSL's CSPRNG; throws std::runtime_error when it fails (a broken
// machine, not an input: the caller's request answers 500).
std::string random_bytes(std::size_t count);
// The usual shape of our opaque values: 32 random bytes, base64url (43 characters).
std::string random_token();

std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string pbkdf2_sha256(std::string_view secret, std::string_view salt, unsigned iterations,
                          std::size_t length);

// Equal lengths and equal bytes, in time that depends on the length only (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace voiceverify::oidc
