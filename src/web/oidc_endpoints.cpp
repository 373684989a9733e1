// The OpenID Connect documents a client library fetches before anything else (docs/oidc.md):
// GET /.well-known/openid-configuration and GET /jwks.json. Both are made once at start-up
// (oidc_site.cpp); here they get their caching and CORS headers. With OIDC_ISSUER empty both
// answer the 404 of any unknown path.
#include <string>

#include "web/oidc_site.hpp"
#include "web/pages.hpp"
#include "web/reply.hpp"

namespace voiceverify::web {
namespace {

// Public documents that change only with a restart (a new key, a new client): a client may
// keep them an hour. Readable from the scripts of registered origins (CORS).
Reply public_json(const Context& ctx, const std::string& body) {
  http::Response response;
  response.content_type = "application/json";
  response.body = body;
  response.add_header("Cache-Control", "public, max-age=3600");
  ctx.deps.oidc->add_cors(ctx.request.origin, response);
  return response;
}

}  // namespace

Reply show_discovery(Context& ctx) {
  if (ctx.deps.oidc == nullptr) return error_page(ctx, 404);
  return public_json(ctx, ctx.deps.oidc->discovery_json);
}

Reply show_jwks(Context& ctx) {
  if (ctx.deps.oidc == nullptr) return error_page(ctx, 404);
  return public_json(ctx, ctx.deps.oidc->jwks_json);
}

}  // namespace voiceverify::web
