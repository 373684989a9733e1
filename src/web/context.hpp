// What every page handler gets: the site's long-lived parts (AppDeps) and one request's state
// (Context), built by the pipeline. Handlers never see FastCGI, curl or the socket.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "guard/limits.hpp"
#include "http/address_allow.hpp"
#include "http/request.hpp"
#include "http/signed_cookie.hpp"
#include "oidc/pending.hpp"
#include "verify/flow.hpp"
#include "verify/runner.hpp"
#include "view/templates.hpp"
#include "web/form_fields.hpp"
#include "web/known_cookie.hpp"
#include "web/session.hpp"

namespace voiceverify::web {

class ErrorPages;
struct OidcSite;
struct ApiSite;

// Everything shared by all threads; read-only after start-up except the limiter and the runner
// (both thread-safe).
struct AppDeps {
  const http::CookieSigner& signer;
  const view::Templates& templates;
  const ErrorPages& error_pages;
  verify::FlowDeps flow;
  verify::Runner& runner;  // makes the flow's upstream calls without holding a thread
  std::chrono::seconds session_lifetime;       // CODE_TIMEOUT plus a margin for a slow typist
  const http::AddressAllowList& local_askers;  // METRICS_ALLOW: see the local_only routes
  const OidcSite* oidc;                        // null: OpenID Connect is off (OIDC_ISSUER empty)
  const ApiSite* api = nullptr;                // null: the API is off (docs/api.md)
};

// One request's state. It lives as long as the request, also while it waits for MessageBird.
struct Context {
  const http::Request& request;
  const AppDeps& deps;
  std::optional<view::Banner> flash;  // banner carried from the previous request
  Session session;                    // always set: a new browser gets a fresh one
  bool session_is_new = false;
  FormValues form;          // the POST's known fields (form_fields.hpp)
  std::string verify_id;    // from the route, already validated
  bool flash_seen = false;  // the request carried a flash cookie (valid or not)
  bool flash_set = false;   // this response sets a new one (redirect_with_banner)
  // The language of every page this request renders, banners included: the browser's
  // Accept-Language against the catalogues we have (pipeline.cpp; docs/architecture.md).
  std::string_view language = view::kFallbackLanguage;
  // This browser's OpenID Connect authorization in progress (web/authorization.hpp), if any.
  std::optional<oidc::PendingAuthorization> authorization{};
  // This browser's known mark (known_cookie.hpp): read with the cookies, or a fresh id.
  guard::BrowserMark known{};
  bool known_renewed = false;  // a number was verified: this response sets the mark anew

  // An OpenID Connect authorization in progress makes its client the call's application:
  // CLIENT_LIMIT_HOUR counts it (docs/oidc.md, "The flow through the pages").
  verify::Caller caller() const {
    return {request.request_id, request.remote_addr, request.accept_language,
            authorization ? authorization->request.client_id : std::string(), known};
  }
  verify::Current current() const {
    return {session.verify_id, session.verified, session.browser_id, session.called_at};
  }
};

}  // namespace voiceverify::web
