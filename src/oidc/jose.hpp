// The ID token's signing key and its JOSE forms (docs/oidc.md, "Keys"): an EC P-256 private key
// read from a PEM file, JWS compact signatures with ES256 (RFC 7515, RFC 7518 section 3.4), the
// public key as a JWK whose `kid` is its RFC 7638 thumbprint, and the JWKS the discovery
// document points to. The only file that includes cjose (libcjose) is jose.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voiceverify::oidc {

class SigningKey {
 public:
  // Reads an EC P-256 private key in PEM (SEC 1 "EC PRIVATE KEY" as `openssl ecparam -name
  // prime256v1 -genkey -noout` writes it, or PKCS#8). The file must be a regular file of at most
  // 16 KiB that not every user may read (mode 0600, or 0640 for the service's group), as for
  // SIGNING_KEY_FILE. nullptr and `error` (naming the path, never the content) otherwise.
  static std::unique_ptr<SigningKey> from_pem_file(const std::string& path, std::string& error);
  static std::unique_ptr<SigningKey> from_pem(std::string_view pem, std::string& error);
  // A fresh random key (tests; production keys come from files the package creates).
  static std::unique_ptr<SigningKey> generate();

  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // The RFC 7638 thumbprint of the public key: the `kid` of the JWK and of every signature.
  const std::string& kid() const;
  // {"kty":"EC","crv":"P-256","x":…,"y":…,"kid":…,"use":"sig","alg":"ES256"}: no private part.
  std::string public_jwk_json() const;
  // The JWS compact serialisation of `payload` with the protected header
  // {"alg":"ES256","kid":…,"typ":"JWT"}. Throws std::runtime_error if cjose fails (our bug or
  // a broken library, never an input).
  std::string sign(std::string_view payload) const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// {"keys":[current, previous]}: the previous key stays published after a rotation until every
// ID token it signed has expired (docs/oidc.md, "Keys").
std::string jwks_json(const SigningKey& current, const SigningKey* previous);

// The payload of a JWS compact signed with ES256 by the key `public_jwk_json` describes
// (RFC 7515 section 5.2), or nullopt when the signature, the algorithm or the form is wrong.
// For tests and tools: the provider itself only signs.
std::optional<std::string> verified_payload(std::string_view public_jwk_json,
                                            std::string_view compact);

// RFC 7638 section 3: SHA-256 over the JSON object of the key type's required members, names in
// lexicographic order, no whitespace, base64url. The members' values are base64url or names
// ("EC", "P-256"), so they need no JSON escaping; a value that would is refused (empty result).
std::string jwk_thumbprint(std::vector<std::pair<std::string, std::string>> members);

}  // namespace voiceverify::oidc
