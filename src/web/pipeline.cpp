// The request pipeline (kcgi's sample.c shape): caps, route, cookies, body, CSRF, handler.
// Deny by default: a closed route table, 404 and 405 with Allow, 415 for other content types,
// 400 for a form that cannot be read, 403 for a missing or foreign CSRF token; an OpenID
// Connect client's body that cannot be read is a JSON 400 instead (RFC 6749 section 5.2).
#include "web/pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <utility>
#include <variant>

#include "http/accept_language.hpp"
#include "http/cookies.hpp"
#include "log/log.hpp"
#include "util/ascii.hpp"
#include "util/metrics.hpp"
#include "web/api_problem.hpp"
#include "web/authorization.hpp"
#include "web/oidc_site.hpp"
#include "web/outcome_reply.hpp"
#include "web/reply.hpp"
#include "web/routes.hpp"

namespace voiceverify::web {
namespace {

using namespace std::chrono_literals;

bool is_form_content_type(std::string_view type) {
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  if (type.size() < kForm.size()) return false;
  for (std::size_t i = 0; i < kForm.size(); ++i) {
    char c = type[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kForm[i]) return false;
  }
  return type.size() == kForm.size() || type[kForm.size()] == ';' || type[kForm.size()] == ' ';
}

// A request id for the log: nginx's $request_id when it looks like one, else our own.
std::string request_id_of(const http::Request& request) {
  const std::string& id = request.request_id;
  const bool ok = !id.empty() && id.size() <= 32 && std::all_of(id.begin(), id.end(), util::is_hex);
  return ok ? id : http::random_hex(8);
}

// Only our cookies are read (the session, the flash, an authorization in progress), under the names
// of this request's scheme (__Host- over https); whatever else the header carries (another
// application's on the same domain) is skipped.
void load_cookies(Context& ctx, const RequestCaps& caps) {
  const auto& header = ctx.request.cookie_header;
  const bool https = ctx.request.https;
  const std::string session_name = http::scheme_cookie_name(kSessionCookie, https);
  if (auto raw = http::find_cookie(header, session_name, caps.max_cookie_bytes)) {
    if (auto payload = ctx.deps.signer.verify("session", *raw)) {
      if (auto session = decode_session(*payload)) {
        ctx.session = *session;
      } else {
        // Signed by us but unreadable: a cookie of an older version, or our bug. Never the
        // payload in the log.
        log::error("session_undecodable", {{"request_id", ctx.request.request_id}});
      }
    }
  }
  if (ctx.session.browser_id.empty()) {
    ctx.session.browser_id = http::random_hex(16);
    ctx.session_is_new = true;
  }
  const std::string flash_name = http::scheme_cookie_name(kFlashCookie, https);
  if (auto raw = http::find_cookie(header, flash_name, caps.max_cookie_bytes)) {
    ctx.flash_seen = true;
    if (auto payload = ctx.deps.signer.verify("flash", *raw)) ctx.flash = decode_flash(*payload);
  }
  load_authorization(ctx, caps.max_cookie_bytes);
  ctx.known = read_known_mark(ctx.deps.signer, header, https,
                              ctx.deps.flow.limiter.settings().known_lifetime,
                              verify::epoch_seconds(), caps.max_cookie_bytes);
}

// A refusal the pipeline makes itself: the site's error page, or under /api/v1 the API's
// problem (docs/api.md, "Errors"), whether a route serves the path or not.
http::Response refusal(const Context& ctx, int status) {
  return is_api_path(ctx.request.path) ? pipeline_problem(status) : error_page(ctx, status);
}

// Runs the pipeline after the caps; may throw only on our own bugs.
Reply dispatch(Context& ctx, const Route& route, const RequestCaps& caps) {
  const http::Request& request = ctx.request;
  if (route.match == RouteMatch::NotFound) return refusal(ctx, 404);
  if (route.match == RouteMatch::MethodNotAllowed) {
    http::Response response = refusal(ctx, 405);
    response.add_header("Allow", route.allow);
    return response;
  }
  if (request.query.size() > caps.max_query_bytes) return refusal(ctx, 400);
  ctx.verify_id = route.verify_id;

  if (route.row->family == Family::OidcClient) {
    // A client's code, not a browser: refusals in JSON, and the handler reads the body. An
    // empty body needs no type (POST /userinfo with the token in the header).
    const bool readable = request.body.empty() || is_form_content_type(request.content_type);
    if (route.row->method == Method::Post && !readable)
      return ctx.deps.oidc->unreadable_body(request.origin);
  } else if (route.row->family == Family::Api) {
    // A server's code: the handler reads the body and refuses in problem+json (docs/api.md).
  } else if (route.row->method == Method::Post) {
    if (!is_form_content_type(request.content_type)) return error_page(ctx, 415);
    if (read_form(request.body, ctx.form) != FormVerdict::Ok) return error_page(ctx, 400);
  }
  if (route.row->csrf) {
    // The token must be the one this browser's session was given (constant-time).
    const auto token = ctx.form.get(Field::CsrfToken);
    if (ctx.session_is_new || !token || !csrf_token_matches(ctx.deps.signer, ctx.session, *token)) {
      log::warning("csrf_rejected", {{"request_id", request.request_id}});
      return error_page(ctx, 403);
    }
  }
  return route.row->handler(ctx);
}

// One request from its arrival to its answer; shared by the continuation while it waits.
struct Exchange {
  http::Request request;
  Context ctx;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string_view route_name = "not_found";

  Exchange(const http::Request& raw, const AppDeps& deps)
      : request(raw), ctx{request, deps, std::nullopt, Session{}, false, {}, {}, false, false} {
    request.request_id = request_id_of(raw);
    // First, so that every page of this request, error pages included, is in it. The header is
    // capped and checked by preferred_languages, and never logged.
    ctx.language =
        deps.templates.languages().choose(http::preferred_languages(request.accept_language));
  }
};

http::Response internal_error(const Exchange& exchange, const char* what) {
  log::error("handler_exception", {{"request_id", exchange.request.request_id}, {"what", what}});
  return refusal(exchange.ctx, 500);
}

// The answer's last touches, and the request's log line.
http::Response finalize(Exchange& exchange, http::Response response) {
  const http::Request& request = exchange.request;
  const Context& ctx = exchange.ctx;
  // A number verified from this browser: it is known for KNOWN_DAYS from now (known_cookie.hpp).
  if (ctx.known_renewed) {
    response.add_header("Set-Cookie",
                        known_mark_cookie(ctx.deps.signer, ctx.known, request.https,
                                          ctx.deps.flow.limiter.settings().known_lifetime,
                                          verify::epoch_seconds()));
  }
  // A banner is shown once: clear the flash cookie unless this response sets a new one.
  if (ctx.flash_seen && !ctx.flash_set) {
    const std::string name = http::scheme_cookie_name(kFlashCookie, request.https);
    response.add_header("Set-Cookie",
                        http::format_set_cookie(http::SetCookie{name, "", 0s, request.https}));
  }
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - exchange.started)
                          .count();
  const bool known_method = request.method == "GET" || request.method == "HEAD" ||
                            request.method == "POST" || request.method == "DELETE";
  log::info("request", {{"request_id", request.request_id},
                        {"method", known_method ? request.method : std::string("other")},
                        {"route", exchange.route_name},
                        {"status", std::to_string(response.status)},
                        {"us", std::to_string(micros)}});
  util::metrics().request(exchange.route_name, response.status, std::chrono::microseconds(micros));
  return response;
}

// The caps, then the route's page; an exception is our bug and answers 500.
Reply first_answer(Exchange& exchange) {
  const http::Request& request = exchange.request;
  const AppDeps& deps = exchange.ctx.deps;
  const RequestCaps caps;
  try {
    // Routed first (exact matches over a small table, whatever the path's length) so that a
    // client of an OpenID Connect endpoint is refused in JSON.
    const Asker asker =
        deps.local_askers.allows(request.remote_addr) ? Asker::Local : Asker::Public;
    const Route route = web::route(request.method, request.path, asker, deps.oidc != nullptr);
    if (request.body_too_large) {
      log::warning("body_too_large", {{"request_id", request.request_id}});
      const bool client = route.row != nullptr && route.row->family == Family::OidcClient;
      return client ? Reply{deps.oidc->unreadable_body(request.origin)}
                    : refusal(exchange.ctx, 413);
    }
    if (request.path.size() > caps.max_path_bytes) return refusal(exchange.ctx, 404);
    exchange.route_name = route_log_name(route);
    if (request.cookie_header.size() > caps.max_cookie_bytes) {
      log::warning("cookies_too_large", {{"request_id", request.request_id},
                                         {"bytes", std::to_string(request.cookie_header.size())}});
      return refusal(exchange.ctx, 431);
    }
    // The API reads no cookie and so sets none (docs/api.md).
    if (route.row == nullptr || route.row->family != Family::Api) load_cookies(exchange.ctx, caps);
    return dispatch(exchange.ctx, route, caps);
  } catch (const std::exception& e) {
    return internal_error(exchange, e.what());
  } catch (...) {
    return internal_error(exchange, "unknown");
  }
}

// The answer to the outcome of a page's step, on the thread the answer came on.
http::Response resumed_answer(Exchange& exchange, const Pending& pending,
                              const verify::Outcome& outcome) {
  try {
    if (pending.answer) return pending.answer(exchange.ctx, outcome);
    return answer_outcome(exchange.ctx, outcome, pending.back_to);
  } catch (const std::exception& e) {
    return internal_error(exchange, e.what());
  } catch (...) {
    return internal_error(exchange, "unknown");
  }
}

}  // namespace

http::Handled handle_request(const http::Request& raw_request, const AppDeps& deps) {
  auto exchange = std::make_shared<Exchange>(raw_request, deps);
  Reply reply = first_answer(*exchange);
  if (auto* response = std::get_if<http::Response>(&reply)) {
    return finalize(*exchange, std::move(*response));
  }
  auto pending = std::make_shared<Pending>(std::move(std::get<Pending>(reply)));
  return http::Deferred{[exchange, pending](const http::Answer& answer) {
    exchange->ctx.deps.runner.run(
        pending->step, pending->ticket,
        [exchange, pending, answer](const verify::Outcome& outcome) {
          answer(finalize(*exchange, resumed_answer(*exchange, *pending, outcome)));
        },
        // The runner has logged the exception: a 500 as first_answer gives one.
        [exchange, answer](const char*) {
          answer(finalize(*exchange, refusal(exchange->ctx, 500)));
        });
  }};
}

}  // namespace voiceverify::web
