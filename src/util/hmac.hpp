// HMAC-SHA256 (RFC 2104, FIPS 198-1) through OpenSSL, and lowercase hex: the one home of the
// keyed digest every layer uses (cookie MACs and CSRF tokens in http/, keyed store keys for
// phone numbers in guard/). util/hmac.cpp is the only includer of OpenSSL's HMAC.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace voiceverify::util {

inline constexpr std::size_t kHmacSha256Bytes = 32;
using HmacSha256 = std::array<unsigned char, kHmacSha256Bytes>;

// The MAC of `data` under `key`. Throws std::runtime_error only if OpenSSL itself fails (no
// SHA-256, out of memory).
HmacSha256 hmac_sha256(std::string_view key, std::string_view data);

// The same as 64 lowercase hex characters.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// `size` bytes as lowercase hex, two characters each.
std::string hex_encode(const unsigned char* data, std::size_t size);

}  // namespace voiceverify::util
