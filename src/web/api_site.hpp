// What the verification API's endpoints share (docs/api.md): the client registry (the OpenID
// Connect one: a client marked api may call), the records that bind each verification to its
// client, the answers kept for Idempotency-Keys, and the OpenAPI document, read once at start-up
// from the templates folder. The pages find it in AppDeps::api; null when OIDC_ISSUER is empty, and
// then every API path answers 404.
#pragma once

#include <memory>
#include <string>

#include "oidc/clients.hpp"
#include "oidc/verified_secrets.hpp"
#include "store/store.hpp"
#include "web/api_idempotency.hpp"
#include "web/api_records.hpp"

namespace voiceverify::web {

struct ApiSite {
  const oidc::ClientRegistry& clients;      // outlives the site (OidcSite::clients)
  oidc::VerifiedSecrets* verified_secrets;  // OidcSite::verified_secrets, or null
  ApiRecords records;
  ApiIdempotency idempotency;  // the POSTs' Idempotency-Key (api_idempotency.hpp)
  std::string openapi_json;    // <templates>/openapi.json, as installed
};

// The site, or null with `error` when the OpenAPI document cannot be read or is no JSON object.
// `key_secret`: the store secret (app::store_secret: STORE_KEY, or derived from SIGNING_KEY).
std::unique_ptr<ApiSite> make_api_site(const oidc::ClientRegistry& clients,
                                       oidc::VerifiedSecrets* verified_secrets, store::Store& store,
                                       std::string key_secret, const std::string& templates_dir,
                                       std::string& error);

}  // namespace voiceverify::web
