// See reply.hpp. Every page the pool renders is marked no-store: it carries a CSRF token or a
// masked number, neither of which belongs in a shared cache. Its words depend on the request's
// Accept-Language, which it says in Vary (RFC 9110, 12.5.5) too, should a cache keep it anyway.
#include "web/reply.hpp"

#include "http/cookies.hpp"

namespace voiceverify::web {

namespace {

void add_page_headers(http::Response& response) {
  response.add_header("Cache-Control", "no-store");
  response.add_header("Vary", "Accept-Language");
}

}  // namespace

ErrorPages::ErrorPages(const view::Templates& templates) {
  for (const std::string_view language : templates.languages().tags()) {
    for (const int status : view::kErrorStatuses) {
      bodies_[std::string(language)][status] =
          templates.error_page({status, false, std::nullopt}, language);
    }
  }
}

http::Response ErrorPages::page(int status, std::string_view language) const {
  auto pages = bodies_.find(language);
  if (pages == bodies_.end()) pages = bodies_.find(view::kFallbackLanguage);
  auto body = pages->second.find(status);
  if (body == pages->second.end()) {
    status = 500;
    body = pages->second.find(status);
  }
  http::Response response;
  response.status = status;
  add_page_headers(response);
  response.body = body->second;
  return response;
}

http::Response error_page(const Context& ctx, int status) {
  return ctx.deps.error_pages.page(status, ctx.language);
}

http::Response error_page_saying(const Context& ctx, int status, view::MessageId message) {
  http::Response response;
  response.status = status;
  add_page_headers(response);
  response.body = ctx.deps.templates.error_page({status, false, message}, ctx.language);
  return response;
}

void set_session_cookie(Context& ctx, http::Response& response) {
  const auto lifetime = ctx.deps.session_lifetime;
  http::SetCookie cookie{http::scheme_cookie_name(kSessionCookie, ctx.request.https),
                         ctx.deps.signer.sign("session", encode_session(ctx.session), lifetime),
                         lifetime, ctx.request.https};
  response.add_header("Set-Cookie", http::format_set_cookie(cookie));
}

http::Response render_page(Context& ctx, int status, std::string body) {
  http::Response response;
  response.status = status;
  add_page_headers(response);
  response.body = std::move(body);
  set_session_cookie(ctx, response);
  return response;
}

http::Response redirect_plain(Context& ctx, const std::string& location) {
  http::Response response = http::redirect_to(location);
  response.add_header("Cache-Control", "no-store");
  set_session_cookie(ctx, response);
  return response;
}

http::Response redirect_with_banner(Context& ctx, const std::string& location,
                                    const view::Banner& banner) {
  http::Response response = redirect_plain(ctx, location);
  http::SetCookie flash{http::scheme_cookie_name(kFlashCookie, ctx.request.https),
                        ctx.deps.signer.sign("flash", encode_flash(banner), kFlashLifetime),
                        kFlashLifetime, ctx.request.https};
  response.add_header("Set-Cookie", http::format_set_cookie(flash));
  ctx.flash_set = true;
  return response;
}

}  // namespace voiceverify::web
