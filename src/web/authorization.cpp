// See authorization.hpp. Log lines name the client (an operator's own label) and never the
// state, the nonce, the code or the number.
#include "web/authorization.hpp"

#include <string_view>
#include <utility>
#include <vector>

#include "http/accept_language.hpp"
#include "http/cookies.hpp"
#include "http/urlencoded.hpp"
#include "log/log.hpp"
#include "oidc/authorize.hpp"
#include "oidc/grants.hpp"
#include "oidc/pending.hpp"
#include "util/metrics.hpp"
#include "web/oidc_site.hpp"
#include "web/reply.hpp"
#include "web/routes.hpp"

namespace voiceverify::web {
namespace {

constexpr std::string_view kPurpose = "authz";

// The query of GET /authorize: as many pairs as the parameters it may carry, each as long as the
// longest (a state or a redirect URI); anything larger is not a request we would take.
constexpr http::FormLimits kQueryLimits{32, 2048};

std::string cookie_name(const Context& ctx) {
  return http::scheme_cookie_name(kAuthorizationCookie, ctx.request.https);
}

void set_cookie(const Context& ctx, http::Response& response, std::string value,
                std::chrono::seconds max_age) {
  response.add_header("Set-Cookie",
                      http::format_set_cookie(http::SetCookie{cookie_name(ctx), std::move(value),
                                                              max_age, ctx.request.https}));
}

// A 303 to the client's registered redirect URI (never a page of ours), keeping the session;
// `ended`: the pending authorization is over, and its cookie goes.
http::Response redirect_to_client(Context& ctx, std::string location, bool ended) {
  http::Response response = http::redirect_to_registered(std::move(location));
  response.add_header("Cache-Control", "no-store");
  set_session_cookie(ctx, response);
  if (ended) set_cookie(ctx, response, "", std::chrono::seconds{0});
  return response;
}

}  // namespace

void load_authorization(Context& ctx, std::size_t max_cookie_bytes) {
  const OidcSite* site = ctx.deps.oidc;
  if (site == nullptr) return;
  const auto raw = http::find_cookie(ctx.request.cookie_header, cookie_name(ctx), max_cookie_bytes);
  if (!raw) return;
  const auto payload = ctx.deps.signer.verify(kPurpose, *raw);
  if (!payload) return;
  std::optional<oidc::PendingAuthorization> pending = oidc::decode_pending(*payload);
  if (!pending || pending->browser_id != ctx.session.browser_id) return;
  // The client may have been removed, or its redirect URI, since: then the request is void.
  const oidc::Client* client = site->clients.find(pending->request.client_id);
  if (client == nullptr || !client->allows_redirect_uri(pending->request.redirect_uri)) return;
  pending->request.client_name = client->name;
  if (!pending->request.ui_locales.empty()) {
    // OpenID Connect Core 1.0 section 3.1.2.1: ui_locales before the browser's own preferences.
    std::vector<std::string> preferred = pending->request.ui_locales;
    for (std::string& tag : http::preferred_languages(ctx.request.accept_language)) {
      preferred.push_back(std::move(tag));
    }
    ctx.language = ctx.deps.templates.languages().choose(preferred);
  }
  ctx.authorization = std::move(pending);
}

Reply authorize(Context& ctx) {
  const OidcSite* site = ctx.deps.oidc;
  if (site == nullptr) return error_page(ctx, 404);
  const http::FormParse query = http::parse_urlencoded(ctx.request.query, kQueryLimits);
  oidc::AuthorizationParse parse;
  if (query.error == http::FormError::None) {
    parse = oidc::parse_authorization_request(query.fields.pairs, site->clients);
  } else {
    parse.refusal.error = {oidc::ErrorCode::InvalidRequest, "the query cannot be read"};
  }
  if (!parse.request) {
    const oidc::AuthorizationRefusal& refusal = parse.refusal;
    log::warning("authorization_refused",
                 {{"request_id", ctx.request.request_id},
                  {"error", std::string(oidc::error_name(refusal.error.code))},
                  {"reason", std::string(refusal.error.description)},
                  {"redirected", refusal.redirect ? "yes" : "no"}});
    // RFC 6749 section 4.1.2.1: never to a redirect URI that is not the client's.
    if (!refusal.redirect) {
      return error_page_saying(ctx, 400, view::MessageId::AuthorizationRefused);
    }
    return redirect_to_client(ctx, oidc::refusal_redirect(refusal, site->issuer), false);
  }
  const oidc::AuthorizationRequest& request = *parse.request;
  util::metrics().authorization(request.client_id, util::Authorization::Started);
  log::info("authorization_started",
            {{"request_id", ctx.request.request_id}, {"client", request.client_id}});
  // Every authorization needs a call placed after it began: a verification the browser held or
  // finished before cannot answer it (docs/oidc.md).
  ctx.session.forget_verification();
  ctx.session.verified = false;
  const oidc::PendingAuthorization pending{request, ctx.session.browser_id,
                                           verify::epoch_seconds()};
  http::Response response = redirect_plain(ctx, path_of(show_phone_form));
  set_cookie(ctx, response,
             ctx.deps.signer.sign(kPurpose, oidc::encode_pending(pending), kAuthorizationLifetime),
             kAuthorizationLifetime);
  return response;
}

std::optional<http::Response> finish_authorization(Context& ctx, const verify::Outcome& outcome) {
  const OidcSite* site = ctx.deps.oidc;
  if (site == nullptr || !ctx.authorization) return std::nullopt;
  const oidc::PendingAuthorization& pending = *ctx.authorization;
  // A call placed before the request began (in another tab, for another application) does not
  // answer it.
  if (ctx.session.called_at < pending.began_at) return std::nullopt;
  const oidc::AuthorizationRequest& request = pending.request;
  const auto refuse = [&](oidc::ErrorCode code, std::string_view description, const char* why) {
    log::error(
        "authorization_failed",
        {{"request_id", ctx.request.request_id}, {"client", request.client_id}, {"reason", why}});
    util::metrics().authorization(request.client_id, util::Authorization::Failed);
    oidc::AuthorizationRefusal refusal{
        true, {code, description}, request.redirect_uri, request.state};
    return redirect_to_client(ctx, oidc::refusal_redirect(refusal, site->issuer), true);
  };
  if (outcome.phone_number.empty()) {
    return refuse(oidc::ErrorCode::ServerError, "the verified number is unknown",
                  "no_recipient_in_answer");
  }
  oidc::CodeGrant grant{request.client_id,      request.redirect_uri, request.code_challenge,
                        request.nonce,          outcome.phone_number, request.phone_scope,
                        verify::epoch_seconds()};
  const oidc::Issued code = site->grants->issue_code(grant);
  if (code.error != store::StoreError::None || code.value.empty()) {
    util::metrics().store_error();
    return refuse(oidc::ErrorCode::TemporarilyUnavailable, "please try again in a minute",
                  "store_down");
  }
  util::metrics().authorization(request.client_id, util::Authorization::Completed);
  log::info("authorization_completed",
            {{"request_id", ctx.request.request_id}, {"client", request.client_id}});
  ctx.session.forget_verification();
  return redirect_to_client(ctx, oidc::code_redirect(request, code.value, site->issuer), true);
}

}  // namespace voiceverify::web
