// See reply.hpp. Every page the pool renders is marked no-store: it carries a CSRF token or a
// masked number, neither of which belongs in a shared cache.
#include "web/reply.hpp"

#include "http/cookies.hpp"
#include "log/log.hpp"

namespace voiceverify::web {

ErrorPages::ErrorPages(const view::Templates& templates) {
  for (const int status : view::kErrorStatuses) bodies_[status] = templates.error_page({status});
}

http::Response ErrorPages::page(int status) const {
  auto body = bodies_.find(status);
  if (body == bodies_.end()) {
    status = 500;
    body = bodies_.find(status);
  }
  http::Response response;
  response.status = status;
  response.add_header("Cache-Control", "no-store");
  response.body = body->second;
  return response;
}

http::Response error_page(const AppDeps& deps, int status) {
  return deps.error_pages.page(status);
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
  response.add_header("Cache-Control", "no-store");
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

std::variant<verify::Runner::Ticket, http::Response> admit_upstream(Context& ctx,
                                                                    const std::string& back_to) {
  if (ctx.deps.runner.upstream_down()) {
    return redirect_with_banner(ctx, back_to,
                                {view::BannerKind::Error, view::MessageId::ServiceUnavailable, 0});
  }
  auto ticket = ctx.deps.runner.admit();
  if (!ticket) {
    log::warning("upstream_busy", {{"request_id", ctx.request.request_id}});
    return redirect_with_banner(ctx, back_to, {view::BannerKind::Error, view::MessageId::Busy, 0});
  }
  return std::move(*ticket);
}

Reply continue_with(Context& ctx, verify::Step step, verify::Runner::Ticket ticket,
                    std::function<http::Response(Context&, const verify::Outcome&)> finish) {
  if (step.finished()) return finish(ctx, step.outcome());
  return Pending{std::move(step), std::move(ticket), std::move(finish)};
}

}  // namespace voiceverify::web
