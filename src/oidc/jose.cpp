// See jose.hpp. cjose builds and checks the JOSE structures; OpenSSL reads the PEM file (cjose
// reads only JWKs). Each key's numbers travel from OpenSSL to cjose as a cjose keyspec.
#include "oidc/jose.hpp"

#include <cjose/cjose.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
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
#include "util/name_table.hpp"

namespace voiceverify::oidc {
namespace {

// A P-256 key in PEM is about 230 bytes, an RSA key of 8192 bits about 6.4 KiB; anything far
// larger is the wrong file.
constexpr std::size_t kMaxPemBytes = 16384;
constexpr std::size_t kCoordinateBytes = 32;  // P-256: 256-bit scalars and coordinates
// RFC 7518 section 3.3: 2048 bits or more. More than 8192 only costs every token request.
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
constexpr const char* kEcHelp = "openssl ecparam -name prime256v1 -genkey -noout";
constexpr const char* kRsaHelp = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048";

struct JwkRelease {
  void operator()(cjose_jwk_t* jwk) const { cjose_jwk_release(jwk); }
};
using Jwk = std::unique_ptr<cjose_jwk_t, JwkRelease>;
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct BignumFree {
  void operator()(BIGNUM* n) const { BN_clear_free(n); }
};
using Bignum = std::unique_ptr<BIGNUM, BignumFree>;

// The parameter as a big-endian number of `width` bytes (0: as few as it needs); empty if
// missing.
std::string number_bytes(const EVP_PKEY* key, const char* name, std::size_t width = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  Bignum n(raw);
  std::string out(width == 0 ? static_cast<std::size_t>(BN_num_bytes(n.get())) : width, '\0');
  if (BN_bn2binpad(n.get(), reinterpret_cast<unsigned char*>(out.data()),
                   static_cast<int>(out.size())) < 0) {
    return {};
  }
  return out;
}

uint8_t* raw(std::string& bytes) {
  return reinterpret_cast<uint8_t*>(bytes.data());
}

// The JWK of an EC P-256 private key, or null and `error`.
Jwk ec_jwk(const EVP_PKEY* key, std::string& error) {
  char group[32] = {};
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     nullptr) != 1 ||
      std::string_view(group) != "prime256v1") {
    error = std::string("holds an EC key that is not P-256 (generate one with: ") + kEcHelp + ")";
    return nullptr;
  }
  std::string d = number_bytes(key, OSSL_PKEY_PARAM_PRIV_KEY, kCoordinateBytes);
  std::string x = number_bytes(key, OSSL_PKEY_PARAM_EC_PUB_X, kCoordinateBytes);
  std::string y = number_bytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, kCoordinateBytes);
  if (d.empty() || x.empty() || y.empty()) {
    error = "the EC key lacks its private or public part";
    return nullptr;
  }
  cjose_jwk_ec_keyspec spec{};
  spec.crv = CJOSE_JWK_EC_P_256;
  spec.d = raw(d);
  spec.dlen = d.size();
  spec.x = raw(x);
  spec.xlen = x.size();
  spec.y = raw(y);
  spec.ylen = y.size();
  cjose_err err{};
  Jwk jwk(cjose_jwk_create_EC_spec(&spec, &err));
  OPENSSL_cleanse(d.data(), d.size());
  if (!jwk) error = "libcjose refused the EC key";
  return jwk;
}

// The JWK of an RSA private key with its CRT parameters, or null and `error`.
Jwk rsa_jwk(const EVP_PKEY* key, std::string& error) {
  const int bits = EVP_PKEY_get_bits(key);
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    error = "holds an RSA key of " + std::to_string(bits) + " bits; 2048 to 8192 are accepted";
    return nullptr;
  }
  std::array<std::string, 8> part;
  const std::array<const char*, 8> names = {
      OSSL_PKEY_PARAM_RSA_E,         OSSL_PKEY_PARAM_RSA_N,           OSSL_PKEY_PARAM_RSA_D,
      OSSL_PKEY_PARAM_RSA_FACTOR1,   OSSL_PKEY_PARAM_RSA_FACTOR2,     OSSL_PKEY_PARAM_RSA_EXPONENT1,
      OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  for (std::size_t i = 0; i < names.size(); ++i) {
    part[i] = number_bytes(key, names[i]);
    if (part[i].empty()) {
      error = "the RSA key lacks its private or public part";
      return nullptr;
    }
  }
  const cjose_jwk_rsa_keyspec spec{raw(part[0]), part[0].size(), raw(part[1]), part[1].size(),
                                   raw(part[2]), part[2].size(), raw(part[3]), part[3].size(),
                                   raw(part[4]), part[4].size(), raw(part[5]), part[5].size(),
                                   raw(part[6]), part[6].size(), raw(part[7]), part[7].size()};
  cjose_err err{};
  Jwk jwk(cjose_jwk_create_RSA_spec(&spec, &err));
  for (std::size_t i = 2; i < part.size(); ++i) OPENSSL_cleanse(part[i].data(), part[i].size());
  if (!jwk) error = "libcjose refused the RSA key";
  return jwk;
}

std::size_t index_of(SigningAlg alg) {
  return static_cast<std::size_t>(alg);
}

const char* cjose_alg(SigningAlg alg) {
  return alg == SigningAlg::ES256 ? CJOSE_HDR_ALG_ES256 : CJOSE_HDR_ALG_RS256;
}

}  // namespace

std::string_view alg_name(SigningAlg alg) {
  return util::field_of(kSigningAlgs, &SigningAlgRow::alg, alg, &SigningAlgRow::name, "ES256");
}

std::optional<SigningAlg> alg_named(std::string_view name) {
  for (const auto& row : kSigningAlgs) {
    if (row.name == name) return row.alg;
  }
  return std::nullopt;
}

// One algorithm's key: the private JWK cjose signs with, its kid and its public JWK.
struct PublishedKey {
  Jwk jwk;
  std::string kid;
  std::string public_json;
};

struct SigningKey::Impl {
  std::array<PublishedKey, kSigningAlgs.size()> keys;  // by SigningAlg
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::~SigningKey() = default;

namespace {

// Names the key by its RFC 7638 thumbprint (the members section 3.2 requires of its type) and
// writes its public JWK; false if cjose cannot export it.
bool publish(Jwk jwk, SigningAlg alg, PublishedKey& out) {
  cjose_err err{};
  char* json = cjose_jwk_to_json(jwk.get(), false, &err);
  if (json == nullptr) return false;
  const auto exported = parse_json_object(json);
  std::free(json);  // NOLINT(cppcoreguidelines-no-malloc): cjose allocates with malloc
  if (!exported) return false;
  const bool ec = alg == SigningAlg::ES256;
  const std::vector<std::string> members =
      ec ? std::vector<std::string>{"crv", "x", "y"} : std::vector<std::string>{"e", "n"};
  Json::Value jwk_json(Json::objectValue);
  std::vector<std::pair<std::string, std::string>> thumbprinted = {{"kty", ec ? "EC" : "RSA"}};
  jwk_json["kty"] = ec ? "EC" : "RSA";
  for (const auto& name : members) {
    const Json::Value& value = (*exported)[name];
    if (!value.isString()) return false;
    jwk_json[name] = value.asString();
    thumbprinted.emplace_back(name, value.asString());
  }
  out.kid = jwk_thumbprint(std::move(thumbprinted));
  if (out.kid.empty() || !cjose_jwk_set_kid(jwk.get(), out.kid.data(), out.kid.size(), &err))
    return false;
  jwk_json["kid"] = out.kid;
  jwk_json["use"] = "sig";
  jwk_json["alg"] = std::string(alg_name(alg));
  out.public_json = compact_json(jwk_json);
  out.jwk = std::move(jwk);
  return true;
}

}  // namespace

std::unique_ptr<SigningKey> SigningKey::from_pem(std::string_view pem, std::string& error) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  // PEM_read_bio_PrivateKey skips blocks of other kinds: count them, so that a certificate or
  // a public key in the file is refused rather than ignored.
  std::size_t blocks = 0;
  for (auto at = pem.find("-----BEGIN "); at != std::string_view::npos;
       at = pem.find("-----BEGIN ", at + 1)) {
    ++blocks;
  }
  auto impl = std::make_unique<Impl>();
  std::size_t keys = 0;
  while (bio && keys < blocks) {
    Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) break;
    ++keys;
    const int type = EVP_PKEY_get_base_id(key.get());
    if (type != EVP_PKEY_EC && type != EVP_PKEY_RSA) {
      error = "holds a key that is neither EC P-256 nor RSA";
      return nullptr;
    }
    const SigningAlg alg = type == EVP_PKEY_EC ? SigningAlg::ES256 : SigningAlg::RS256;
    if (impl->keys[index_of(alg)].jwk) {
      error = std::string("holds two ") + (type == EVP_PKEY_EC ? "EC" : "RSA") + " keys";
      return nullptr;
    }
    Jwk jwk = type == EVP_PKEY_EC ? ec_jwk(key.get(), error) : rsa_jwk(key.get(), error);
    if (!jwk) return nullptr;
    if (!publish(std::move(jwk), alg, impl->keys[index_of(alg)])) {
      error = "libcjose cannot export the key";
      return nullptr;
    }
  }
  ERR_clear_error();  // the failed read at the end of the text
  if (keys == 0) {
    error = "not a PEM private key";
    return nullptr;
  }
  if (keys != blocks) {
    error = "holds a PEM block that is not a private key";
    return nullptr;
  }
  if (!impl->keys[index_of(SigningAlg::ES256)].jwk) {
    error = std::string("holds no EC P-256 key for ES256 (append one: ") + kEcHelp + ")";
    return nullptr;
  }
  if (!impl->keys[index_of(SigningAlg::RS256)].jwk) {
    error = std::string("holds no RSA key for RS256 (append one: ") + kRsaHelp + ")";
    return nullptr;
  }
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
  static constexpr uint8_t kExponent[] = {0x01, 0x00, 0x01};  // 65537
  auto impl = std::make_unique<Impl>();
  Jwk ec(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err));
  Jwk rsa(cjose_jwk_create_RSA_random(kMinRsaBits, kExponent, sizeof kExponent, &err));
  if (!ec || !rsa ||
      !publish(std::move(ec), SigningAlg::ES256, impl->keys[index_of(SigningAlg::ES256)]) ||
      !publish(std::move(rsa), SigningAlg::RS256, impl->keys[index_of(SigningAlg::RS256)])) {
    throw std::runtime_error("cjose could not generate the keys");
  }
  return std::unique_ptr<SigningKey>(new SigningKey(std::move(impl)));
}

const std::string& SigningKey::kid(SigningAlg alg) const {
  return impl_->keys[index_of(alg)].kid;
}

std::string SigningKey::public_jwk_json(SigningAlg alg) const {
  return impl_->keys[index_of(alg)].public_json;
}

std::string SigningKey::sign(std::string_view payload, SigningAlg alg) const {
  const PublishedKey& key = impl_->keys[index_of(alg)];
  cjose_err err{};
  std::unique_ptr<cjose_header_t, decltype(&cjose_header_release)> header(cjose_header_new(&err),
                                                                          cjose_header_release);
  if (!header || !cjose_header_set(header.get(), CJOSE_HDR_ALG, cjose_alg(alg), &err) ||
      !cjose_header_set(header.get(), CJOSE_HDR_KID, key.kid.c_str(), &err) ||
      !cjose_header_set(header.get(), "typ", "JWT", &err)) {
    throw std::runtime_error("cjose header: " + std::string(err.message ? err.message : "?"));
  }
  std::unique_ptr<cjose_jws_t, decltype(&cjose_jws_release)> jws(
      cjose_jws_sign(key.jwk.get(), header.get(), reinterpret_cast<const uint8_t*>(payload.data()),
                     payload.size(), &err),
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
    for (const auto& row : kSigningAlgs)
      keys.append(parse_json_object(key->public_jwk_json(row.alg)).value_or(Json::Value{}));
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
  // cjose takes the algorithm from the header: the key's type decides the one we accept, and
  // anything else is refused before verifying (RFC 8725 section 3.1).
  const char* expected = cjose_jwk_get_kty(jwk.get(), &err) == CJOSE_JWK_KTY_RSA
                             ? CJOSE_HDR_ALG_RS256
                             : CJOSE_HDR_ALG_ES256;
  const char* alg = cjose_header_get(cjose_jws_get_protected(jws.get()), CJOSE_HDR_ALG, &err);
  if (alg == nullptr || std::string_view(alg) != expected ||
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
