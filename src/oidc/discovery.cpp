// See discovery.hpp. Every list here is what the parsers accept: a client library that reads
// the document and follows it never meets a refusal it could have avoided.
#include "oidc/discovery.hpp"

#include <initializer_list>

#include "oidc/jose.hpp"
#include "oidc/json.hpp"
#include "oidc/redirect_uri.hpp"
#include "oidc/token.hpp"

namespace voiceverify::oidc {
namespace {

constexpr std::size_t kMaxIssuerBytes = 256;

Json::Value list(std::initializer_list<const char*> values) {
  Json::Value array(Json::arrayValue);
  for (const char* value : values) array.append(value);
  return array;
}

}  // namespace

std::string issuer_problem(std::string_view issuer) {
  if (issuer.size() > kMaxIssuerBytes) return "longer than 256 bytes";
  // The redirect URI rules are the issuer's too (https, or http on loopback; no fragment, no user
  // info, no blanks), plus no query and no trailing '/'.
  if (auto problem = redirect_uri_problem(issuer); !problem.empty()) return problem;
  if (issuer.find('?') != std::string_view::npos) return "has a query";
  if (issuer.ends_with('/')) return "ends with '/': drop it (the endpoints are issuer + /path)";
  return {};
}

std::string discovery_json(std::string_view issuer, const EndpointPaths& paths) {
  const std::string base(issuer);
  Json::Value doc(Json::objectValue);
  doc["issuer"] = base;
  doc["authorization_endpoint"] = base + std::string(paths.authorization);
  doc["token_endpoint"] = base + std::string(paths.token);
  doc["userinfo_endpoint"] = base + std::string(paths.userinfo);
  doc["jwks_uri"] = base + std::string(paths.jwks);
  doc["response_types_supported"] = list({"code"});
  doc["response_modes_supported"] = list({"query"});
  doc["grant_types_supported"] = list({"authorization_code"});
  doc["subject_types_supported"] = list({"pairwise"});
  // Discovery 1.0 section 3: RS256 MUST be listed; ES256 is the default of our clients.
  Json::Value algs(Json::arrayValue);
  for (const auto& row : kSigningAlgs) algs.append(std::string(row.name));
  doc["id_token_signing_alg_values_supported"] = algs;
  doc["scopes_supported"] = list({"openid", "phone"});
  doc["claims_supported"] = list({"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr",
                                  "phone_number", "phone_number_verified"});
  doc["code_challenge_methods_supported"] = list({"S256"});
  Json::Value methods(Json::arrayValue);
  for (const auto& row : kClientAuthMethods) methods.append(std::string(row.name));
  doc["token_endpoint_auth_methods_supported"] = methods;
  doc["prompt_values_supported"] = list({"none", "login", "consent", "select_account"});
  doc["claims_parameter_supported"] = false;
  doc["request_parameter_supported"] = false;
  doc["request_uri_parameter_supported"] = false;
  // RFC 9207: every authorization response carries iss.
  doc["authorization_response_iss_parameter_supported"] = true;
  return compact_json(doc);
}

}  // namespace voiceverify::oidc
