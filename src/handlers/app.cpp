// The request pipeline (kcgi's sample.c shape): caps, route, cookies, body, CSRF, handler.
// Deny by default: a closed route table, 404 and 405 with Allow, 415 for other content types,
// 400 for a form that cannot be read, 403 for a missing or foreign CSRF token.
#include "handlers/app.hpp"

#include <chrono>
#include <exception>

#include "http/cookies.hpp"
#include "http/router.hpp"
#include "log/log.hpp"

namespace voiceverify::handlers {
namespace {

using namespace std::chrono_literals;

// Session cookies outlive the code by this much, so a slow typist still owns the page.
constexpr std::chrono::seconds kSessionMargin{120};

struct ErrorText {
  int status;
  const char* title;
  const char* message;
};

constexpr ErrorText kErrors[] = {
    {400, "Bad request", "The form could not be read. Please go back and try again."},
    {403, "Request refused",
     "This form has expired or was not sent from this site. Please go back, reload the page and "
     "try again."},
    {404, "Page not found", "There is nothing at this address."},
    {405, "Method not allowed", "This page cannot be used that way."},
    {413, "Request too large", "What you sent is larger than this site accepts."},
    {415, "Unsupported form", "This site only accepts its own forms."},
    {431, "Too many cookies",
     "Your browser sent more cookies than this site can read. Please clear the cookies for this "
     "site in your browser's settings, then reload the page."},
    {500, "Something went wrong",
     "Something went wrong on our side. Please try again in a moment."},
};

bool has_control_char(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

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
  bool ok = !id.empty() && id.size() <= 32;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) ok = false;
  return ok ? id : http::random_hex(8);
}

const char* route_name(http::RouteId id) {
  switch (id) {
    case http::RouteId::PhoneForm:
      return "phone_form";
    case http::RouteId::StartCall:
      return "start_call";
    case http::RouteId::CodeForm:
      return "code_form";
    case http::RouteId::CheckCode:
      return "check_code";
    case http::RouteId::Success:
      return "success";
    case http::RouteId::MethodNotAllowed:
      return "method_not_allowed";
    default:
      return "not_found";
  }
}

// Only our two cookies are read; whatever else the header carries (another application's on the
// same domain) is skipped.
void load_cookies(Context& ctx, const RequestCaps& caps) {
  const auto& header = ctx.request.cookie_header;
  if (auto raw = http::find_cookie(header, kSessionCookie, caps.max_cookie_bytes)) {
    if (auto payload = ctx.deps.signer.verify("session", *raw)) {
      if (auto session = decode_session(*payload)) {
        ctx.session = *session;
      } else {
        // We signed it, so we wrote it: a payload we cannot read back is our bug (or a cookie
        // from an older version), and it silently cost the person their verification in
        // progress. Log it loudly; the payload itself stays out of the log. The browser then
        // starts afresh.
        log::error("session_undecodable", {{"request_id", ctx.request.request_id}});
      }
    }
  }
  if (ctx.session.browser_id.empty()) {
    ctx.session.browser_id = http::random_hex(16);
    ctx.session_is_new = true;
  }
  if (auto raw = http::find_cookie(header, kFlashCookie, caps.max_cookie_bytes)) {
    ctx.flash_seen = true;
    if (auto payload = ctx.deps.signer.verify("flash", *raw)) ctx.flash = decode_flash(*payload);
  }
}

// Runs the pipeline; may throw only on our own bugs.
http::Response dispatch(Context& ctx, const http::Route& route, const RequestCaps& caps) {
  const http::Request& request = ctx.request;
  if (route.id == http::RouteId::NotFound) return error_page(ctx.deps, 404);
  if (route.id == http::RouteId::MethodNotAllowed) {
    http::Response response = error_page(ctx.deps, 405);
    response.add_header("Allow", route.allow);
    return response;
  }
  if (request.query.size() > caps.max_query_bytes) return error_page(ctx.deps, 400);
  ctx.verify_id = route.verify_id;

  const bool is_post = route.id == http::RouteId::StartCall || route.id == http::RouteId::CheckCode;
  if (is_post) {
    if (!is_form_content_type(request.content_type)) return error_page(ctx.deps, 415);
    http::FormParse parsed = http::parse_urlencoded(request.body);
    if (parsed.error != http::FormError::None) return error_page(ctx.deps, 400);
    for (const auto& [name, value] : parsed.fields.pairs) {
      if (has_control_char(name) || has_control_char(value)) return error_page(ctx.deps, 400);
      if (parsed.fields.count(name) > 1) return error_page(ctx.deps, 400);
    }
    ctx.form = std::move(parsed.fields);
    // CSRF: the token must be the one this browser's session was given (constant-time).
    const auto token = ctx.form.single("csrf_token");
    if (ctx.session_is_new || !token ||
        !http::constant_time_equal(*token, csrf_token(ctx.deps.signer, ctx.session))) {
      log::warning("csrf_rejected", {{"request_id", request.request_id}});
      return error_page(ctx.deps, 403);
    }
  }

  switch (route.id) {
    case http::RouteId::PhoneForm:
      return show_phone_form(ctx);
    case http::RouteId::StartCall:
      return start_call(ctx);
    case http::RouteId::CodeForm:
      return show_code_form(ctx);
    case http::RouteId::CheckCode:
      return check_code(ctx);
    case http::RouteId::Success:
      return show_success(ctx);
    default:
      return error_page(ctx.deps, 404);
  }
}

}  // namespace

ErrorPages::ErrorPages(const view::Templates& templates) {
  for (const auto& e : kErrors)
    bodies_[e.status] = templates.error_page({e.status, e.title, e.message});
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
  const auto lifetime = ctx.deps.config.code_timeout + kSessionMargin;
  http::SetCookie cookie{kSessionCookie,
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
                                    const std::string& kind, const std::string& text) {
  http::Response response = redirect_plain(ctx, location);
  http::SetCookie flash{kFlashCookie,
                        ctx.deps.signer.sign("flash", encode_flash({kind, text}), kFlashLifetime),
                        kFlashLifetime, ctx.request.https};
  response.add_header("Set-Cookie", http::format_set_cookie(flash));
  ctx.flash_set = true;
  return response;
}

http::Response handle_request(const http::Request& raw_request, const AppDeps& deps,
                              messagebird::VerifyClient& client) {
  const auto started = std::chrono::steady_clock::now();
  http::Request request = raw_request;
  request.request_id = request_id_of(raw_request);
  const RequestCaps caps;
  http::Response response;
  http::RouteId route_id = http::RouteId::NotFound;
  try {
    if (request.body_too_large) {
      log::warning("body_too_large", {{"request_id", request.request_id}});
      response = error_page(deps, 413);
    } else if (request.path.size() > caps.max_path_bytes) {
      response = error_page(deps, 404);
    } else if (request.cookie_header.size() > caps.max_cookie_bytes) {
      log::warning("cookies_too_large", {{"request_id", request.request_id},
                                         {"bytes", std::to_string(request.cookie_header.size())}});
      response = error_page(deps, 431);
    } else {
      const http::Route route = http::route(request.method, request.path);
      route_id = route.id;
      Context ctx{request, deps, client, std::nullopt, Session{}, false, {}, {}, false, false};
      load_cookies(ctx, caps);
      response = dispatch(ctx, route, caps);
      // A banner is shown once: clear the flash cookie unless this response sets a new one.
      if (ctx.flash_seen && !ctx.flash_set) {
        response.add_header("Set-Cookie", http::format_set_cookie(http::SetCookie{
                                              kFlashCookie, "", 0s, request.https}));
      }
    }
  } catch (const std::exception& e) {
    log::error("handler_exception", {{"request_id", request.request_id}, {"what", e.what()}});
    response = error_page(deps, 500);
  } catch (...) {
    log::error("handler_exception", {{"request_id", request.request_id}});
    response = error_page(deps, 500);
  }
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  const std::string status = std::to_string(response.status);
  const std::string took = std::to_string(micros);
  const bool known_method =
      request.method == "GET" || request.method == "HEAD" || request.method == "POST";
  log::info("request", {{"request_id", request.request_id},
                        {"method", known_method ? request.method : std::string("other")},
                        {"route", route_name(route_id)},
                        {"status", status},
                        {"us", took}});
  return response;
}

}  // namespace voiceverify::handlers
