// OpenID Provider metadata, GET /.well-known/openid-configuration (OpenID Connect Discovery 1.0
// section 3, RFC 8414), and the check of the issuer it names (docs/oidc.md, "The issuer").
#pragma once

#include <string>
#include <string_view>

namespace voiceverify::oidc {

// Where the endpoints live below the issuer; the routes the web layer adds use the same paths.
struct EndpointPaths {
  std::string_view authorization = "/authorize";
  std::string_view token = "/token";
  std::string_view userinfo = "/userinfo";
  std::string_view jwks = "/jwks.json";
};

// Empty when `issuer` may be OIDC_ISSUER, else why not: an https URL with a host and no query
// or fragment (Discovery 1.0 section 3, RFC 8414 section 2), or http on a loopback host for
// development (scripts/run); no trailing '/', so that issuer + path is the endpoint's URL.
std::string issuer_problem(std::string_view issuer);

// The discovery document for `issuer` (already checked by issuer_problem): `issuer` exactly as
// given, each endpoint as issuer + its path, and what we support, from the same tables the
// request parsers use (client authentication methods, error-free scopes and claims).
std::string discovery_json(std::string_view issuer, const EndpointPaths& paths = {});

}  // namespace voiceverify::oidc
