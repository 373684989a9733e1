// See grants.hpp. Records are small JSON objects (tolerant of a field added later), sealed under
// the store key they live under, so that a record moved to another key does not open, and
// stored as base64url.
#include "oidc/grants.hpp"

#include "log/log.hpp"
#include "oidc/crypto.hpp"
#include "oidc/json.hpp"
#include "util/hmac.hpp"
#include "util/seal.hpp"

namespace voiceverify::oidc {
namespace {

constexpr std::string_view kCodeKind = "oidc:code:";
constexpr std::string_view kAccessKind = "oidc:access:";
// Longer values are not ours: refused before any hashing or store round trip.
constexpr std::size_t kValueLength = 43;

std::string text_of(const Json::Value& object, const char* name) {
  const Json::Value& value = object[name];
  return value.isString() ? value.asString() : std::string{};
}

std::string encode(const CodeGrant& grant) {
  Json::Value v(Json::objectValue);
  v["client_id"] = grant.client_id;
  v["redirect_uri"] = grant.redirect_uri;
  v["code_challenge"] = grant.code_challenge;
  v["nonce"] = grant.nonce;
  v["phone_number"] = grant.phone_number;
  v["phone_scope"] = grant.phone_scope;
  v["auth_time"] = Json::Int64{grant.auth_time};
  return compact_json(v);
}

std::optional<CodeGrant> decode_code(const std::string& text) {
  const auto v = parse_json_object(text);
  if (!v || !(*v)["auth_time"].isInt64() || !(*v)["phone_scope"].isBool()) return std::nullopt;
  CodeGrant grant;
  grant.client_id = text_of(*v, "client_id");
  grant.redirect_uri = text_of(*v, "redirect_uri");
  grant.code_challenge = text_of(*v, "code_challenge");
  grant.nonce = text_of(*v, "nonce");
  grant.phone_number = text_of(*v, "phone_number");
  grant.phone_scope = (*v)["phone_scope"].asBool();
  grant.auth_time = static_cast<long>((*v)["auth_time"].asInt64());
  if (grant.client_id.empty() || grant.phone_number.empty()) return std::nullopt;
  return grant;
}

std::string encode(const AccessGrant& grant) {
  Json::Value v(Json::objectValue);
  v["client_id"] = grant.client_id;
  v["sub"] = grant.subject;
  v["phone_number"] = grant.phone_number;
  v["phone_scope"] = grant.phone_scope;
  return compact_json(v);
}

std::optional<AccessGrant> decode_access(const std::string& text) {
  const auto v = parse_json_object(text);
  if (!v || !(*v)["phone_scope"].isBool()) return std::nullopt;
  AccessGrant grant;
  grant.client_id = text_of(*v, "client_id");
  grant.subject = text_of(*v, "sub");
  grant.phone_number = text_of(*v, "phone_number");
  grant.phone_scope = (*v)["phone_scope"].asBool();
  if (grant.client_id.empty() || grant.subject.empty()) return std::nullopt;
  return grant;
}

}  // namespace

Grants::Grants(store::Store& store, std::string_view secret)
    : store_(store),
      hash_key_(util::hmac_sha256_hex(secret, "voiceverify oidc grants v1")),
      seal_key_(hmac_sha256(secret, "voiceverify oidc grants seal v1")) {}

std::string Grants::key_for(std::string_view kind, std::string_view value) const {
  return std::string(kind) + base64url(hmac_sha256(hash_key_, value));
}

std::string Grants::sealed(const std::string& key, const std::string& record) const {
  return base64url(util::seal(seal_key_, key, record));
}

// A stored record that does not open or decode is tampering, another deployment's secret or our
// bug: treated as unknown (fail closed), and logged without its content.
std::optional<std::string> Grants::opened(const std::string& key, const std::string& stored) const {
  const auto bytes = base64url_decode(stored);
  auto record = bytes ? util::unseal(seal_key_, key, *bytes) : std::nullopt;
  if (!record) log::error("oidc_grant_unreadable", {{"kind", key.substr(0, key.rfind(':'))}});
  return record;
}

template <typename Grant>
Redeemed<Grant> Grants::redeemed_from(const std::string& key, const store::Fetched& fetched,
                                      std::optional<Grant> (*decode)(const std::string&)) const {
  if (fetched.error != store::StoreError::None) return Redeemed<Grant>{fetched.error, {}};
  if (!fetched.value) return Redeemed<Grant>{};
  const auto record = opened(key, *fetched.value);
  if (!record) return Redeemed<Grant>{};
  return Redeemed<Grant>{store::StoreError::None, decode(*record)};
}

Issued Grants::issue_code(const CodeGrant& grant) {
  Issued issued{store::StoreError::None, random_token()};
  const std::string key = key_for(kCodeKind, issued.value);
  issued.error = store_.put(key, sealed(key, encode(grant)), kCodeLifetime);
  if (issued.error != store::StoreError::None) issued.value.clear();
  return issued;
}

Redeemed<CodeGrant> Grants::redeem_code(std::string_view code) {
  if (code.size() != kValueLength || !is_base64url(code)) return {};
  const std::string key = key_for(kCodeKind, code);
  return redeemed_from<CodeGrant>(key, store_.take(key), decode_code);
}

Issued Grants::issue_access_token(const AccessGrant& grant) {
  Issued issued{store::StoreError::None, random_token()};
  const std::string key = key_for(kAccessKind, issued.value);
  issued.error = store_.put(key, sealed(key, encode(grant)), kAccessTokenLifetime);
  if (issued.error != store::StoreError::None) issued.value.clear();
  return issued;
}

Redeemed<AccessGrant> Grants::find_access_token(std::string_view token) {
  if (token.size() != kValueLength || !is_base64url(token)) return {};
  const std::string key = key_for(kAccessKind, token);
  return redeemed_from<AccessGrant>(key, store_.get(key), decode_access);
}

}  // namespace voiceverify::oidc
