// See grants.hpp. Records are small JSON objects: readable in a store dump by an operator who
// debugs, and tolerant of a field added later.
#include "oidc/grants.hpp"

#include "oidc/crypto.hpp"
#include "oidc/json.hpp"

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

// A stored record that does not decode is our bug or tampering: treated as unknown.
template <typename Grant>
Redeemed<Grant> redeemed_from(const store::Fetched& fetched,
                              std::optional<Grant> (*decode)(const std::string&)) {
  if (fetched.error != store::StoreError::None) return Redeemed<Grant>{fetched.error, {}};
  if (!fetched.value) return Redeemed<Grant>{};
  return Redeemed<Grant>{store::StoreError::None, decode(*fetched.value)};
}

}  // namespace

Grants::Grants(store::Store& store, std::string hash_key)
    : store_(store), hash_key_(std::move(hash_key)) {}

std::string Grants::key_for(std::string_view kind, std::string_view value) const {
  return std::string(kind) + base64url(hmac_sha256(hash_key_, value));
}

Issued Grants::issue_code(const CodeGrant& grant) {
  Issued issued{store::StoreError::None, random_token()};
  issued.error = store_.put(key_for(kCodeKind, issued.value), encode(grant), kCodeLifetime);
  if (issued.error != store::StoreError::None) issued.value.clear();
  return issued;
}

Redeemed<CodeGrant> Grants::redeem_code(std::string_view code) {
  if (code.size() != kValueLength || !is_base64url(code)) return {};
  return redeemed_from<CodeGrant>(store_.take(key_for(kCodeKind, code)), decode_code);
}

Issued Grants::issue_access_token(const AccessGrant& grant) {
  Issued issued{store::StoreError::None, random_token()};
  issued.error =
      store_.put(key_for(kAccessKind, issued.value), encode(grant), kAccessTokenLifetime);
  if (issued.error != store::StoreError::None) issued.value.clear();
  return issued;
}

Redeemed<AccessGrant> Grants::find_access_token(std::string_view token) {
  if (token.size() != kValueLength || !is_base64url(token)) return {};
  return redeemed_from<AccessGrant>(store_.get(key_for(kAccessKind, token)), decode_access);
}

}  // namespace voiceverify::oidc
