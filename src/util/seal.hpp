// Authenticated encryption of small stored values (AES-256-GCM, NIST SP 800-38D) through
// OpenSSL: what the store keeps that must not be readable in a dump of it (docs/store.md). A
// sealed value is a fresh random 96-bit nonce, the ciphertext and the 128-bit tag, as bytes;
// `associated` (the store key the value lives under) is authenticated but not stored, so a
// value copied under another key does not open. util/seal.cpp is the only includer of
// OpenSSL's cipher interface.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace voiceverify::util {

inline constexpr std::size_t kSealKeyBytes = 32;

// `key` must be kSealKeyBytes long (std::invalid_argument otherwise: our bug). Throws
// std::runtime_error only if OpenSSL itself fails (no randomness, out of memory).
std::string seal(std::string_view key, std::string_view associated, std::string_view plain);

// The plain text, or nullopt when `sealed` was not sealed under this key and `associated`, or
// was altered, cut or extended.
std::optional<std::string> unseal(std::string_view key, std::string_view associated,
                                  std::string_view sealed);

}  // namespace voiceverify::util
