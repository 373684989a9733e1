// The request pipeline, visible in one place: caps, route (404/405), cookies, form body
// (415/400/403 CSRF), handler, finish. Handlers get a Context and return a Response; they never
// see FastCGI or curl. Every request runs inside one try/catch that answers the 500 page.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "forms/phone.hpp"
#include "handlers/session.hpp"
#include "http/request.hpp"
#include "http/signed_cookie.hpp"
#include "http/urlencoded.hpp"
#include "messagebird/verify_client.hpp"
#include "store/limits.hpp"
#include "store/store.hpp"
#include "view/templates.hpp"

namespace voiceverify::handlers {

// The error page for each status the pipeline answers (400, 403, 404, 405, 413, 415, 431, 500),
// rendered once at start-up: it depends on nothing but the status, and a flood of 404s should
// cost no template expansion.
class ErrorPages {
 public:
  explicit ErrorPages(const view::Templates& templates);
  // The page for `status`; the 500 page for a status without one of its own.
  http::Response page(int status) const;

 private:
  std::map<int, std::string> bodies_;
};

// Everything shared by all threads; read-only after start-up except the store (thread-safe).
struct AppDeps {
  const config::Config& config;
  const http::CookieSigner& signer;
  const view::Templates& templates;
  const ErrorPages& error_pages;
  store::Store& store;
  store::Limiter& limiter;
  forms::PhonePolicy phone_policy;
  messagebird::VerifySettings verify_settings;
};

// One request's state, built by the pipeline.
struct Context {
  const http::Request& request;
  const AppDeps& deps;
  messagebird::VerifyClient& client;  // this thread's
  std::optional<view::Banner> flash;  // banner carried from the previous request
  Session session;                    // always set: a new browser gets a fresh one
  bool session_is_new = false;
  http::FormFields form;    // POST fields
  std::string verify_id;    // from the route, already validated
  bool flash_seen = false;  // the request carried a flash cookie (valid or not)
  bool flash_set = false;   // this response sets a new one (redirect_with_banner)
};

// Cap values for the request's parts (issue 3's hardening); over a cap is a clear error.
struct RequestCaps {
  std::size_t max_path_bytes = 256;
  // As much as nginx lets through in one header line (large_client_header_buffers 8k): other
  // sites' cookies on the same domain must not lock our visitors out.
  std::size_t max_cookie_bytes = 8192;
  std::size_t max_query_bytes = 1024;
};

// Handles one request with this thread's client. Never throws.
http::Response handle_request(const http::Request& request, const AppDeps& deps,
                              messagebird::VerifyClient& client);

// Helpers the pages share.
http::Response render_page(Context& ctx, int status, std::string body);
http::Response redirect_with_banner(Context& ctx, const std::string& location,
                                    const std::string& kind, const std::string& text);
http::Response redirect_plain(Context& ctx, const std::string& location);
http::Response error_page(const AppDeps& deps, int status);
// Writes the session cookie (signed, CODE_TIMEOUT + margin) onto `response`.
void set_session_cookie(Context& ctx, http::Response& response);

// The pages (one file each).
http::Response show_phone_form(Context& ctx);
http::Response start_call(Context& ctx);
http::Response show_code_form(Context& ctx);
http::Response check_code(Context& ctx);
http::Response show_success(Context& ctx);

}  // namespace voiceverify::handlers
