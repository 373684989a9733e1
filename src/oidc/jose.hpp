// The ID token's signing keys and their JOSE forms (docs/oidc.md, "Keys"): one key file holds an
// EC P-256 private key (ES256, RFC 7518 section 3.4) and an RSA private key of 2048 bits or more
// (RS256, section 3.3), as two PEM blocks; JWS compact signatures with either; each public key as
// a JWK whose `kid` is its RFC 7638 thumbprint; and the JWKS the discovery document points to.
// The only file that includes cjose (libcjose) is jose.cpp.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voiceverify::oidc {

// The algorithms an ID token may be signed with: a client chooses one when it is registered
// (id_token_signed_response_alg, docs/oidc.md "The client file").
enum class SigningAlg { ES256, RS256 };

struct SigningAlgRow {
  SigningAlg alg;
  std::string_view name;  // the JOSE `alg`, as discovery lists it
};

inline constexpr auto kSigningAlgs = std::to_array<SigningAlgRow>({
    {SigningAlg::ES256, "ES256"},
    {SigningAlg::RS256, "RS256"},
});
// A key set keeps each algorithm's key at its row's place: the rows follow the enum's order.
static_assert(kSigningAlgs[0].alg == SigningAlg::ES256 && kSigningAlgs[1].alg == SigningAlg::RS256);

std::string_view alg_name(SigningAlg alg);
std::optional<SigningAlg> alg_named(std::string_view name);

// The keys of one key file, one per algorithm of kSigningAlgs.
class SigningKey {
 public:
  // Reads a PEM file of exactly two private keys, in either order: EC P-256 (SEC 1 "EC PRIVATE
  // KEY" as `openssl ecparam -name prime256v1 -genkey -noout` writes it, or PKCS#8) and RSA of
  // 2048 to 8192 bits (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`). The
  // file must be a regular file of at most 16 KiB that not every user may read (mode 0600, or
  // 0640 for the service's group), as for SIGNING_KEY_FILE. nullptr and `error` (naming the
  // path, never the content) otherwise.
  static std::unique_ptr<SigningKey> from_pem_file(const std::string& path, std::string& error);
  static std::unique_ptr<SigningKey> from_pem(std::string_view pem, std::string& error);
  // Fresh random keys (tests; production keys come from files the package creates).
  static std::unique_ptr<SigningKey> generate();

  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // The RFC 7638 thumbprint of the algorithm's public key: the `kid` of its JWK and of every
  // signature it makes.
  const std::string& kid(SigningAlg alg = SigningAlg::ES256) const;
  // The public JWK, no private part: {"kty":"EC","crv":"P-256","x":…,"y":…,…} or
  // {"kty":"RSA","n":…,"e":…,…}, with "kid", "use":"sig" and "alg".
  std::string public_jwk_json(SigningAlg alg = SigningAlg::ES256) const;
  // The JWS compact serialisation of `payload` with the protected header
  // {"alg":…,"kid":…,"typ":"JWT"}. Throws std::runtime_error if cjose fails (our bug or a
  // broken library, never an input).
  std::string sign(std::string_view payload, SigningAlg alg = SigningAlg::ES256) const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// {"keys":[current ES256, current RS256, previous ES256, previous RS256]}: the previous keys stay
// published after a rotation until every ID token they signed has expired (docs/oidc.md,
// "Keys").
std::string jwks_json(const SigningKey& current, const SigningKey* previous);

// The payload of a JWS compact signed by the key `public_jwk_json` describes, with ES256 for
// an EC key and RS256 for an RSA key (RFC 7515 section 5.2), or nullopt when the signature, the
// algorithm or the form is wrong. For tests and tools: the provider itself only signs.
std::optional<std::string> verified_payload(std::string_view public_jwk_json,
                                            std::string_view compact);

// RFC 7638 section 3: SHA-256 over the JSON object of the key type's required members, names in
// lexicographic order, no whitespace, base64url. The members' values are base64url or names
// ("EC", "P-256"), so they need no JSON escaping; a value that would is refused (empty result).
std::string jwk_thumbprint(std::vector<std::pair<std::string, std::string>> members);

}  // namespace voiceverify::oidc
