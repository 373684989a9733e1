// What the OpenID Connect endpoints share (docs/oidc.md): the issuer, the registered clients,
// the keys, and the documents made from them once at start-up. The pages find it in
// AppDeps::oidc; null when OIDC_ISSUER is empty, and then every OIDC path answers 404.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "oidc/clients.hpp"
#include "oidc/grants.hpp"
#include "oidc/jose.hpp"
#include "oidc/redirect_uri.hpp"
#include "oidc/verified_secrets.hpp"
#include "store/store.hpp"

namespace voiceverify::web {

struct OidcSite {
  std::string issuer;  // OIDC_ISSUER, exactly
  oidc::ClientRegistry clients;
  // The secrets that verified lately, for /token and the API: one per registry, so a client file
  // read again starts with an empty memory (oidc/verified_secrets.hpp).
  std::shared_ptr<oidc::VerifiedSecrets> verified_secrets;
  std::shared_ptr<const oidc::SigningKey> signing_key;
  std::shared_ptr<const oidc::SigningKey> previous_key;  // or null
  std::string subject_key;  // the pairwise subjects' key, from OIDC_SUBJECT_KEY_FILE's secret
  std::unique_ptr<oidc::Grants> grants;  // codes and access tokens, in the shared store
  std::string discovery_json;            // made once by make_oidc_site
  std::string jwks_json;
  oidc::RedirectOrigins origins;  // of every client's redirect URIs, gathered by make_oidc_site

  // Whether `origin` (a browser's Origin header) is the origin of a registered redirect URI,
  // and so may read the endpoints' answers from a script (CORS): a single-page application
  // that is a public client.
  bool allows_origin(std::string_view origin) const;

  // The CORS headers of every OpenID Connect answer: Vary: Origin always (the answer depends on
  // it), Access-Control-Allow-Origin only for an origin allows_origin accepts.
  void add_cors(std::string_view origin, http::Response& response) const;

  // The answer to a client whose body cannot be read (another Content-Type, too large): 400
  // invalid_request in JSON, not stored (RFC 6749 section 5.2), with the CORS headers.
  http::Response unreadable_body(std::string_view origin) const;
};

OidcSite make_oidc_site(std::string issuer, oidc::ClientRegistry clients,
                        std::shared_ptr<const oidc::SigningKey> signing_key,
                        std::shared_ptr<const oidc::SigningKey> previous_key,
                        std::string_view subject_secret, store::Store& store);

}  // namespace voiceverify::web
