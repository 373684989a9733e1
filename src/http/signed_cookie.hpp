// Signed, expiring, purpose-labelled cookie values: HMAC-SHA256 (util/hmac.hpp) over
// format version, purpose, expiry and payload, compared with CRYPTO_memcmp. A value signed for one
// purpose never verifies for another, so a flash cookie cannot stand in for a session cookie.
//
// Wire form: "v2." base64url(payload) "." expiry-unix-seconds "." base64url(mac)
// The leading version names the format; a value of any other version (the unversioned form of
// before was version 1) is refused before any MAC is computed, so a later change of format is
// refused cleanly instead of being mistaken for tampering.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace voiceverify::http {

using Clock = std::chrono::system_clock;

class CookieSigner {
 public:
  // `key` is the SIGNING_KEY: it signs, and verifies. `previous_key` is SIGNING_KEY_PREVIOUS
  // (empty: none): it only verifies, so cookies signed before a key change stay valid until they
  // expire, and no cookie is ever signed with it. The signer keeps its own copies and never
  // prints them. An empty key, or a previous key equal to the key, is a wiring bug:
  // std::invalid_argument.
  explicit CookieSigner(std::string key, std::string previous_key = {});
  ~CookieSigner();  // wipes the keys (OPENSSL_cleanse)
  CookieSigner(const CookieSigner&) = delete;
  CookieSigner& operator=(const CookieSigner&) = delete;

  std::string sign(std::string_view purpose, std::string_view payload, std::chrono::seconds ttl,
                   Clock::time_point now = Clock::now()) const;
  // (sign throws std::length_error if the value would exceed the 4096 bytes verify accepts, and
  // std::invalid_argument for an expiry before 1970: both are caller bugs.)

  // The payload, or nullopt for a value that is malformed, truncated, tampered, of another format
  // version, signed for another purpose or with neither key, or expired at `now`.
  std::optional<std::string> verify(std::string_view purpose, std::string_view value,
                                    Clock::time_point now = Clock::now()) const;

  // A keyed digest for other uses (CSRF tokens): hex HMAC-SHA256 of label "\0" data under the
  // key. The label must be non-empty and NUL-free (std::invalid_argument otherwise); it never
  // collides with a cookie MAC.
  std::string mac_hex(std::string_view label, std::string_view data) const;
  // Whether `candidate` is mac_hex(label, data) under the key or the previous key (a form
  // rendered before a key change), compared in constant time.
  bool mac_hex_matches(std::string_view label, std::string_view data,
                       std::string_view candidate) const;

 private:
  std::string key_;
  std::string previous_key_;  // empty: none
};

// Constant-time comparison of two strings (CRYPTO_memcmp; lengths compared first).
bool constant_time_equal(std::string_view a, std::string_view b);

// `bytes` random bytes from OpenSSL's RAND_bytes, hex-encoded (std::runtime_error if the CSPRNG
// fails).
std::string random_hex(std::size_t bytes);

// RFC 4648 section 5 without padding; decode refuses padding, other alphabets and non-canonical
// trailing bits.
std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace voiceverify::http
