// See jose.hpp. cjose builds and checks the JOSE structures; OpenSSL reads the PEM file (cjose
// reads only JWKs). The key's coordinates travel from OpenSSL to cjose as a cjose EC keyspec.
#include "oidc/jose.hpp"

#include <cjose/cjose.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "log/log.hpp"
#include "oidc/crypto.hpp"
#include "oidc/json.hpp"
#include "util/file.hpp"

namespace voiceverify::oidc {
namespace {

// A P-256 key in PEM is about 230 bytes; anything far larger is the wrong file.
constexpr std::size_t kMaxPemBytes = 16384;
constexpr std::size_t kCoordinateBytes = 32;  // P-256: 256-bit scalars and coordinates

struct JwkRelease {
  void operator()(cjose_jwk_t* jwk) const { cjose_jwk_release(jwk); }
};
using Jwk = std::unique_ptr<cjose_jwk_t, JwkRelease>;
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BignumFree {
  void operator()(BIGNUM* n) const { BN_clear_free(n); }
};
using Bignum = std::unique_ptr<BIGNUM, BignumFree>;

// The parameter as a big-endian number of exactly 32 bytes; empty if missing.
std::string fixed_bytes(const EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  Bignum n(raw);
  std::string out(kCoordinateBytes, '\0');
  if (BN_bn2binpad(n.get(), reinterpret_cast<unsigned char*>(out.data()),
                   static_cast<int>(out.size())) < 0) {
    return {};
  }
  return out;
}

}  // namespace

struct SigningKey::Impl {
  Jwk jwk;
  std::string kid;
  std::string x;  // base64url coordinates of the public key
  std::string y;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::~SigningKey() = default;

namespace {

// Fills kid, x and y from the JWK cjose holds; false if cjose cannot export it.
bool describe(cjose_jwk_t* jwk, std::string& kid, std::string& x, std::string& y) {
  cjose_err err{};
  char* json = cjose_jwk_to_json(jwk, false, &err);
  if (json == nullptr) return false;
  const auto value = parse_json_object(json);
  std::free(json);  // NOLINT(cppcoreguidelines-no-malloc): cjose allocates with malloc
  if (!value || !(*value)["x"].isString() || !(*value)["y"].isString()) return false;
  x = (*value)["x"].asString();
  y = (*value)["y"].asString();
  kid = jwk_thumbprint({{"crv", "P-256"}, {"kty", "EC"}, {"x", x}, {"y", y}});
  return !kid.empty() && cjose_jwk_set_kid(jwk, kid.data(), kid.size(), &err);
}

}  // namespace

std::unique_ptr<SigningKey> SigningKey::from_pem(std::string_view pem, std::string& error) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    error = "not a PEM private key";
    return nullptr;
  }
  char group[32] = {};
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC ||
      EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     nullptr) != 1 ||
      std::string_view(group) != "prime256v1") {
    error =
        "not an EC P-256 key (generate one with: openssl ecparam -name prime256v1 -genkey -noout)";
    return nullptr;
  }
  std::string d = fixed_bytes(key.get(), OSSL_PKEY_PARAM_PRIV_KEY);
  std::string x = fixed_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_X);
  std::string y = fixed_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
  if (d.empty() || x.empty() || y.empty()) {
    error = "the key lacks its private or public part";
    return nullptr;
  }
  cjose_jwk_ec_keyspec spec{};
  spec.crv = CJOSE_JWK_EC_P_256;
  spec.d = reinterpret_cast<uint8_t*>(d.data());
  spec.dlen = d.size();
  spec.x = reinterpret_cast<uint8_t*>(x.data());
  spec.xlen = x.size();
  spec.y = reinterpret_cast<uint8_t*>(y.data());
  spec.ylen = y.size();
  cjose_err err{};
  Jwk jwk(cjose_jwk_create_EC_spec(&spec, &err));
  OPENSSL_cleanse(d.data(), d.size());
  auto impl = std::make_unique<Impl>();
  if (!jwk || !describe(jwk.get(), impl->kid, impl->x, impl->y)) {
    error = "libcjose refused the key";
    return nullptr;
  }
  impl->jwk = std::move(jwk);
  return std::unique_ptr<SigningKey>(new SigningKey(std::move(impl)));
}

std::unique_ptr<SigningKey> SigningKey::from_pem_file(const std::string& path, std::string& error) {
  std::string text;
  error =
      util::read_file(path, log::quote(path) + ": ", kMaxPemBytes, util::FileAccess::Private, text);
  if (!error.empty()) return nullptr;
  auto key = from_pem(text, error);
  OPENSSL_cleanse(text.data(), text.size());
  if (!key) error = log::quote(path) + ": " + error;
  return key;
}

std::unique_ptr<SigningKey> SigningKey::generate() {
  cjose_err err{};
  Jwk jwk(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err));
  auto impl = std::make_unique<Impl>();
  if (!jwk || !describe(jwk.get(), impl->kid, impl->x, impl->y)) {
    throw std::runtime_error("cjose could not generate a P-256 key");
  }
  impl->jwk = std::move(jwk);
  return std::unique_ptr<SigningKey>(new SigningKey(std::move(impl)));
}

const std::string& SigningKey::kid() const {
  return impl_->kid;
}

std::string SigningKey::public_jwk_json() const {
  Json::Value jwk(Json::objectValue);
  jwk["kty"] = "EC";
  jwk["crv"] = "P-256";
  jwk["x"] = impl_->x;
  jwk["y"] = impl_->y;
  jwk["kid"] = impl_->kid;
  jwk["use"] = "sig";
  jwk["alg"] = "ES256";
  return compact_json(jwk);
}

std::string SigningKey::sign(std::string_view payload) const {
  cjose_err err{};
  std::unique_ptr<cjose_header_t, decltype(&cjose_header_release)> header(cjose_header_new(&err),
                                                                          cjose_header_release);
  if (!header || !cjose_header_set(header.get(), CJOSE_HDR_ALG, CJOSE_HDR_ALG_ES256, &err) ||
      !cjose_header_set(header.get(), CJOSE_HDR_KID, impl_->kid.c_str(), &err) ||
      !cjose_header_set(header.get(), "typ", "JWT", &err)) {
    throw std::runtime_error("cjose header: " + std::string(err.message ? err.message : "?"));
  }
  std::unique_ptr<cjose_jws_t, decltype(&cjose_jws_release)> jws(
      cjose_jws_sign(impl_->jwk.get(), header.get(),
                     reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), &err),
      cjose_jws_release);
  const char* serialised = nullptr;
  if (!jws || !cjose_jws_export(jws.get(), &serialised, &err) || serialised == nullptr) {
    throw std::runtime_error("cjose sign: " + std::string(err.message ? err.message : "?"));
  }
  return serialised;  // owned by the jws: copied before it is released
}

std::string jwks_json(const SigningKey& current, const SigningKey* previous) {
  Json::Value keys(Json::arrayValue);
  for (const SigningKey* key : {&current, previous}) {
    if (key == nullptr) continue;
    keys.append(parse_json_object(key->public_jwk_json()).value_or(Json::Value{}));
  }
  Json::Value jwks(Json::objectValue);
  jwks["keys"] = keys;
  return compact_json(jwks);
}

std::optional<std::string> verified_payload(std::string_view public_jwk_json,
                                            std::string_view compact) {
  cjose_err err{};
  Jwk jwk(cjose_jwk_import(public_jwk_json.data(), public_jwk_json.size(), &err));
  std::unique_ptr<cjose_jws_t, decltype(&cjose_jws_release)> jws(
      cjose_jws_import(compact.data(), compact.size(), &err), cjose_jws_release);
  if (!jwk || !jws) return std::nullopt;
  // cjose takes the algorithm from the header: only ES256 is ours, so anything else is refused
  // before verifying (RFC 8725 section 3.1).
  const char* alg = cjose_header_get(cjose_jws_get_protected(jws.get()), CJOSE_HDR_ALG, &err);
  if (alg == nullptr || std::string_view(alg) != CJOSE_HDR_ALG_ES256 ||
      !cjose_jws_verify(jws.get(), jwk.get(), &err)) {
    return std::nullopt;
  }
  uint8_t* plaintext = nullptr;
  std::size_t length = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plaintext, &length, &err)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(plaintext), length);  // owned by the jws
}

std::string jwk_thumbprint(std::vector<std::pair<std::string, std::string>> members) {
  std::sort(members.begin(), members.end());
  std::string canonical = "{";
  for (const auto& [name, value] : members) {
    for (const std::string& text : {name, value}) {
      if (std::any_of(text.begin(), text.end(), [](char c) {
            return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
          })) {
        return {};
      }
    }
    if (canonical.size() > 1) canonical += ',';
    canonical.append(1, '"').append(name).append("\":\"").append(value).append(1, '"');
  }
  canonical += '}';
  return base64url(sha256(canonical));
}

}  // namespace voiceverify::oidc
