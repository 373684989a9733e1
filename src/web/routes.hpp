// The route table: every path the pool answers, in one constexpr array. The matcher, the Allow
// header of a 405, the route's name in the log, the dispatch (handler and CSRF check), the fuzz
// target and the tests all read it; nothing else lists routes. Paths follow the seed guide: "/",
// "/EnterCode/<id>", "/success"; the code page's two buttons post to "/EnterCode/<id>/call-again"
// and "/EnterCode/<id>/other-number"; the three local-only rows are for operators
// (docs/operations.md, "Health and metrics").
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "web/pages.hpp"

namespace voiceverify::web {

enum class Method { Get, Post, Delete };  // HEAD is answered as GET, without the body

using Handler = Reply (*)(Context&);

// Whom a row serves, and so when it exists and how it refuses a body it cannot read.
enum class Family {
  Site,        // the pages: the site's error pages (415, 400, 413)
  OidcClient,  // an OpenID Connect endpoint a client's code calls: exists only with OIDC_ISSUER
               // set; a body it cannot read is a JSON invalid_request (RFC 6749 section 5.2),
               // and the handler parses the body itself
  Api,         // the verification API (docs/api.md), for servers: exists only with OIDC_ISSUER
               // set (its clients are OIDC's); no cookie read or set, the handler reads the body
               // and refuses in application/problem+json
};

struct RouteRow {
  std::string_view name;  // in the log's route= field
  Method method;
  std::string_view path;  // exact; with takes_id, the prefix before the id
  bool takes_id;          // path + one MessageBird verify id (^[0-9a-z]{32}$) + suffix
  bool csrf;              // a form post: its csrf_token must be this browser's
  bool local_only;        // exists only for loopback and METRICS_ALLOW; 404 for anyone else
  Handler handler;
  std::string_view suffix = {};  // with takes_id: what follows the id ("/call-again"), exact
  Family family = Family::Site;
};

inline constexpr auto kRoutes = std::to_array<RouteRow>({
    {"phone_form", Method::Get, "/", false, false, false, show_phone_form},
    {"start_call", Method::Post, "/", false, true, false, start_call},
    {"code_form", Method::Get, "/EnterCode/", true, false, false, show_code_form},
    {"check_code", Method::Post, "/EnterCode/", true, true, false, check_code},
    {"call_again", Method::Post, "/EnterCode/", true, true, false, call_again, "/call-again"},
    {"other_number", Method::Post, "/EnterCode/", true, true, false, other_number, "/other-number"},
    {"success", Method::Get, "/success", false, false, false, show_success},
    {"healthz", Method::Get, "/healthz", false, false, true, show_healthz},
    {"readyz", Method::Get, "/readyz", false, false, true, show_readyz},
    {"metrics", Method::Get, "/metrics", false, false, true, show_metrics},
    // OpenID Connect (docs/oidc.md); each is unknown (404) when OIDC_ISSUER is empty.
    {"oidc_discovery", Method::Get, "/.well-known/openid-configuration", false, false, false,
     show_discovery, "", Family::OidcClient},
    {"oidc_jwks", Method::Get, "/jwks.json", false, false, false, show_jwks, "",
     Family::OidcClient},
    {"oidc_authorize", Method::Get, "/authorize", false, false, false, authorize},
    {"oidc_token", Method::Post, "/token", false, false, false, exchange_code, "",
     Family::OidcClient},
    {"oidc_userinfo", Method::Get, "/userinfo", false, false, false, show_userinfo, "",
     Family::OidcClient},
    {"oidc_userinfo", Method::Post, "/userinfo", false, false, false, show_userinfo, "",
     Family::OidcClient},
    // The verification API (docs/api.md); each is unknown (404) when OIDC_ISSUER is empty.
    {"api_start", Method::Post, "/api/v1/verifications", false, false, false, api_start, "",
     Family::Api},
    {"api_show", Method::Get, "/api/v1/verifications/", true, false, false, api_show, "",
     Family::Api},
    {"api_check", Method::Post, "/api/v1/verifications/", true, false, false, api_check, "/check",
     Family::Api},
    {"api_resend", Method::Post, "/api/v1/verifications/", true, false, false, api_resend,
     "/resend", Family::Api},
    {"api_cancel", Method::Delete, "/api/v1/verifications/", true, false, false, api_cancel, "",
     Family::Api},
    {"api_openapi", Method::Get, "/api/v1/openapi.json", false, false, false, show_openapi, "",
     Family::Api},
});

// Who asks: the pipeline says Local for loopback and METRICS_ALLOW (http/address_allow.hpp).
enum class Asker { Public, Local };

enum class RouteMatch { Found, NotFound, MethodNotAllowed };

struct Route {
  RouteMatch match = RouteMatch::NotFound;
  const RouteRow* row = nullptr;  // Found
  std::string verify_id;          // Found, for a row that takes_id: already of the right shape
  std::string allow;              // MethodNotAllowed: "GET, HEAD, POST"
};

// Deny by default: a path in no row is NotFound whatever the method; a known path with a method
// no row takes is MethodNotAllowed with the Allow list (RFC 9110 section 15.5.6). Matching is
// exact, byte for byte, on the decoded path nginx passes: no trailing-slash forgiveness, no case
// folding, no normalising of "//" or "..", so exactly one spelling reaches each handler. Methods
// are case-sensitive (RFC 9110 section 9.1). For a Public asker the local_only rows do not exist
// (404 whatever the method, as for any unknown path); without `oidc` (OIDC_ISSUER empty) the
// OidcClient and Api rows do not exist either.
Route route(std::string_view method, std::string_view path, Asker asker = Asker::Public,
            bool oidc = true);

// The row's name, or "not_found" / "method_not_allowed".
std::string_view route_log_name(const Route& route);

// The path of the GET row whose handler is `page`, with `verify_id` after its prefix for a row
// that takes an id: every redirect's Location is built here, so no page spells a path. Throws
// std::logic_error for a page in no GET row, or an id given to a row without one (or none to a
// row with one): our bug, the 500 page.
std::string path_of(Handler page, std::string_view verify_id = {});

}  // namespace voiceverify::web
