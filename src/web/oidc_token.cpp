// The OpenID Connect endpoints a client calls itself, not a browser's form (docs/oidc.md, "The
// token endpoint"): POST /token exchanges a code for an ID token and an access token, and
// GET/POST /userinfo answers for an access token. oidc/ parses, checks and writes every answer;
// this file only looks things up and copies the answers. No CSRF token: the client proves
// itself by its secret or by PKCE. With OIDC_ISSUER empty both answer the 404 of any unknown
// path.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "http/urlencoded.hpp"
#include "log/log.hpp"
#include "oidc/id_token.hpp"
#include "oidc/token.hpp"
#include "util/metrics.hpp"
#include "web/oidc_site.hpp"
#include "web/pages.hpp"
#include "web/reply.hpp"

namespace voiceverify::web {
namespace {

http::Response json_reply(const Context& ctx, const oidc::JsonReply& reply) {
  http::Response response;
  response.status = reply.status;
  response.content_type = "application/json";
  response.body = reply.body;
  for (const auto& [name, value] : reply.headers) response.add_header(name, value);
  ctx.deps.oidc->add_cors(ctx.request.origin, response);
  return response;
}

http::Response refused(const Context& ctx, oidc::ErrorCode code, std::string_view why) {
  return json_reply(ctx, oidc::token_refusal_reply(oidc::TokenRefusal{{code, why}, false}));
}

long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

namespace {

// One POST /token's answer, and what /metrics counts of it: the client once it proved itself,
// "ok" or the OAuth error.
struct Counted {
  http::Response response;
  std::string_view client = "unknown";
  std::string_view outcome = "ok";
};

Counted counted(http::Response response, const oidc::Client* client, oidc::ErrorCode code) {
  return {std::move(response), client != nullptr ? std::string_view(client->id) : "unknown",
          oidc::error_name(code)};
}

Counted redeem(const Context& ctx, const OidcSite& site) {
  const http::FormParse form = http::parse_urlencoded(ctx.request.body);
  if (form.error != http::FormError::None) {
    const auto code = oidc::ErrorCode::InvalidRequest;
    return counted(refused(ctx, code, "The form cannot be read."), nullptr, code);
  }
  const auto parsed = oidc::parse_token_request(form.fields.pairs, ctx.request.authorization);
  if (!parsed.request) {
    return counted(json_reply(ctx, oidc::token_refusal_reply(parsed.refusal)), nullptr,
                   parsed.refusal.error.code);
  }
  const oidc::TokenRequest& request = *parsed.request;
  oidc::TokenRefusal refusal;
  const oidc::Client* client =
      oidc::authenticate_client(request, site.clients, refusal, site.verified_secrets.get());
  if (client == nullptr) {
    return counted(json_reply(ctx, oidc::token_refusal_reply(refusal)), nullptr,
                   refusal.error.code);
  }
  const auto store_failed = [&]() {
    log::error("oidc_store_failed", {{"request_id", ctx.request.request_id}});
    const auto code = oidc::ErrorCode::TemporarilyUnavailable;
    return counted(refused(ctx, code, "Try again later."), client, code);
  };

  const auto redeemed = site.grants->redeem_code(request.code);
  if (redeemed.error != store::StoreError::None) return store_failed();
  if (!redeemed.grant) {
    const auto code = oidc::ErrorCode::InvalidGrant;
    return counted(refused(ctx, code, "The code is unknown, used or expired."), client, code);
  }
  const oidc::CodeGrant& grant = *redeemed.grant;
  if (auto wrong = oidc::check_code_grant(request, grant)) {
    return counted(json_reply(ctx, oidc::token_refusal_reply(*wrong)), client, wrong->error.code);
  }
  const std::string subject =
      oidc::pairwise_subject(site.subject_key, grant.phone_number, client->id);
  const oidc::IdTokenClaims claims{site.issuer,       subject,           client->id,
                                   now_seconds(),     grant.auth_time,   grant.nonce,
                                   grant.phone_scope, grant.phone_number};
  const std::string id_token =
      site.signing_key->sign(oidc::id_token_payload(claims), client->id_token_alg());
  const auto access = site.grants->issue_access_token(
      oidc::AccessGrant{client->id, subject, grant.phone_number, grant.phone_scope});
  if (access.error != store::StoreError::None) return store_failed();
  Counted ok{json_reply(ctx, oidc::token_reply(id_token, access.value, grant.phone_scope))};
  ok.client = client->id;
  return ok;
}

}  // namespace

Reply exchange_code(Context& ctx) {
  const OidcSite* site = ctx.deps.oidc;
  if (site == nullptr) return error_page(ctx, 404);
  Counted answer = redeem(ctx, *site);
  util::metrics().token_request(answer.client, answer.outcome);
  return std::move(answer.response);
}

Reply show_userinfo(Context& ctx) {
  const OidcSite* site = ctx.deps.oidc;
  if (site == nullptr) return error_page(ctx, 404);
  const auto token = oidc::bearer_token(ctx.request.authorization);
  if (!token) return json_reply(ctx, oidc::userinfo_refusal_reply());
  const auto found = site->grants->find_access_token(*token);
  if (!found.grant) return json_reply(ctx, oidc::userinfo_refusal_reply());
  const oidc::AccessGrant& grant = *found.grant;
  return json_reply(ctx, oidc::userinfo_reply(oidc::userinfo_json(grant.subject, grant.phone_scope,
                                                                  grant.phone_number)));
}

}  // namespace voiceverify::web
