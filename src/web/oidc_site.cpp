// See oidc_site.hpp.
#include "web/oidc_site.hpp"

#include <algorithm>

#include "oidc/discovery.hpp"
#include "oidc/id_token.hpp"
#include "oidc/redirect_uri.hpp"

namespace voiceverify::web {
namespace {

// The scheme and authority of an absolute URI (what an Origin header holds), or "".
std::string_view origin_of(std::string_view uri) {
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const auto path = uri.find_first_of("/?#", scheme_end + 3);
  return uri.substr(0, path == std::string_view::npos ? uri.size() : path);
}

}  // namespace

void OidcSite::add_cors(std::string_view origin, http::Response& response) const {
  response.add_header("Vary", "Origin");
  if (allows_origin(origin))
    response.add_header("Access-Control-Allow-Origin", std::string(origin));
}

bool OidcSite::allows_origin(std::string_view origin) const {
  if (origin.empty() || origin.size() > oidc::kMaxRedirectUriBytes) return false;
  if (origin_of(origin) != origin) return false;  // a bare origin: no path, query or fragment
  const bool clean = std::all_of(origin.begin(), origin.end(), [](char ch) {
    const auto b = static_cast<unsigned char>(ch);
    return b > 0x20 && b < 0x7f;
  });
  if (!clean) return false;
  // The registered URI with its origin swapped for the asker's must still match it: exact,
  // but for a loopback URI's port (RFC 8252 section 7.3), as redirect_uri_matches decides.
  for (const auto& client : clients.clients) {
    for (const auto& uri : client.redirect_uris) {
      const std::string_view rest = std::string_view(uri).substr(origin_of(uri).size());
      if (oidc::redirect_uri_matches(uri, std::string(origin) + std::string(rest))) return true;
    }
  }
  return false;
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
  site.signing_key = std::move(signing_key);
  site.previous_key = std::move(previous_key);
  // Both keys come from the one secret that never rotates, each under a label of its own:
  // a code issued before a restart with a new signing key is still redeemed.
  site.subject_key = oidc::derive_subject_key(subject_secret);
  site.grants = std::make_unique<oidc::Grants>(store, subject_secret);
  return site;
}

}  // namespace voiceverify::web
