// See id_token.hpp.
#include "oidc/id_token.hpp"

#include "oidc/crypto.hpp"
#include "oidc/json.hpp"

namespace voiceverify::oidc {
namespace {

void add_phone_claims(Json::Value& claims, std::string_view phone_number) {
  claims["phone_number"] = std::string(phone_number);
  claims["phone_number_verified"] = true;
}

}  // namespace

std::string id_token_payload(const IdTokenClaims& c) {
  Json::Value claims(Json::objectValue);
  claims["iss"] = c.issuer;
  claims["sub"] = c.subject;
  claims["aud"] = c.client_id;
  claims["iat"] = Json::Int64{c.issued_at};
  claims["exp"] = Json::Int64{c.issued_at + kIdTokenLifetime.count()};
  claims["auth_time"] = Json::Int64{c.auth_time};
  if (!c.nonce.empty()) claims["nonce"] = c.nonce;
  Json::Value amr(Json::arrayValue);
  amr.append("tel");
  amr.append("otp");
  claims["amr"] = amr;
  if (c.phone_scope) add_phone_claims(claims, c.phone_number);
  return compact_json(claims);
}

std::string userinfo_json(std::string_view subject, bool phone_scope,
                          std::string_view phone_number) {
  Json::Value claims(Json::objectValue);
  claims["sub"] = std::string(subject);
  if (phone_scope) add_phone_claims(claims, phone_number);
  return compact_json(claims);
}

std::string derive_subject_key(std::string_view service_secret) {
  return hmac_sha256(service_secret, "voiceverify oidc pairwise subject v1");
}

std::string pairwise_subject(std::string_view subject_key, std::string_view phone_number,
                             std::string_view client_id) {
  // Client ids hold no '|' (clients.cpp), so the pair has exactly one spelling.
  std::string message(client_id);
  message += '|';
  message += phone_number;
  return base64url(hmac_sha256(subject_key, message));
}

}  // namespace voiceverify::oidc
