// See oidc_site.hpp.
#include "web/oidc_site.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "oidc/discovery.hpp"
#include "oidc/id_token.hpp"
#include "oidc/redirect_uri.hpp"
#include "oidc/token.hpp"

namespace voiceverify::web {

namespace {

// A client's secret that verified is taken from memory for 5 minutes (oidc/verified_secrets.hpp):
// a client calling many times a second costs one PBKDF2 per 5 minutes, and a memory of 4096
// entries outgrows any registry's clients, each with its one secret.
constexpr std::size_t kVerifiedSecrets = 4096;
constexpr std::chrono::seconds kVerifiedSecretLifetime = std::chrono::minutes{5};

}  // namespace

void OidcSite::add_cors(std::string_view origin, http::Response& response) const {
  response.add_header("Vary", "Origin");
  if (allows_origin(origin))
    response.add_header("Access-Control-Allow-Origin", std::string(origin));
}

bool OidcSite::allows_origin(std::string_view origin) const {
  if (origin.empty() || origin.size() > oidc::kMaxRedirectUriBytes) return false;
  const bool clean = std::all_of(origin.begin(), origin.end(), [](char ch) {
    const auto b = static_cast<unsigned char>(ch);
    return b > 0x20 && b < 0x7f;
  });
  return clean && origins.allows(origin);
}

http::Response OidcSite::unreadable_body(std::string_view origin) const {
  const oidc::JsonReply reply = oidc::token_refusal_reply(
      oidc::TokenRefusal{{oidc::ErrorCode::InvalidRequest,
                          "The body must be a small application/x-www-form-urlencoded form."},
                         false});
  http::Response response;
  response.status = reply.status;
  response.content_type = "application/json";
  response.body = reply.body;
  for (const auto& [name, value] : reply.headers) response.add_header(name, value);
  add_cors(origin, response);
  return response;
}

OidcSite make_oidc_site(std::string issuer, oidc::ClientRegistry clients,
                        std::shared_ptr<const oidc::SigningKey> signing_key,
                        std::shared_ptr<const oidc::SigningKey> previous_key,
                        std::string_view subject_secret, store::Store& store) {
  OidcSite site;
  site.discovery_json = oidc::discovery_json(issuer);
  site.jwks_json = oidc::jwks_json(*signing_key, previous_key.get());
  site.issuer = std::move(issuer);
  site.clients = std::move(clients);
  site.verified_secrets =
      std::make_shared<oidc::VerifiedSecrets>(kVerifiedSecrets, kVerifiedSecretLifetime);
  for (const auto& client : site.clients.clients) {
    for (const auto& uri : client.redirect_uris) site.origins.add(uri);
  }
  site.signing_key = std::move(signing_key);
  site.previous_key = std::move(previous_key);
  // Both keys come from the one secret that never rotates, each under a label of its own:
  // a code issued before a restart with a new signing key is still redeemed.
  site.subject_key = oidc::derive_subject_key(subject_secret);
  site.grants = std::make_unique<oidc::Grants>(store, subject_secret);
  return site;
}

}  // namespace voiceverify::web
