// The pages, one file each; the route table (routes.hpp) binds them to paths. A page answers at
// once, or (when the flow needs MessageBird) with a Pending: the pipeline runs its step and
// answers its outcome (outcome_reply.hpp), on whichever thread the answer arrives, with the same
// Context.
#pragma once

#include <functional>
#include <string>
#include <variant>

#include "http/request.hpp"
#include "verify/runner.hpp"
#include "verify/step.hpp"
#include "web/context.hpp"

namespace voiceverify::web {

struct Pending {
  verify::Step step;
  verify::Runner::Ticket ticket;  // the step's place upstream
  std::string back_to;            // the path of the page the request came from
  // Set by a route that answers outcomes its own way (the API, api_endpoints.cpp); empty: the
  // pipeline answers with answer_outcome and back_to.
  std::function<http::Response(Context&, const verify::Outcome&)> answer = {};
};

using Reply = std::variant<http::Response, Pending>;

Reply show_phone_form(Context& ctx);  // phone_page.cpp
Reply start_call(Context& ctx);       // phone_page.cpp
Reply show_code_form(Context& ctx);   // code_page.cpp
Reply check_code(Context& ctx);       // code_page.cpp
Reply call_again(Context& ctx);       // code_page.cpp
Reply other_number(Context& ctx);     // code_page.cpp
Reply show_success(Context& ctx);     // success_page.cpp
Reply show_healthz(Context& ctx);     // health_page.cpp
Reply show_readyz(Context& ctx);      // health_page.cpp
Reply show_metrics(Context& ctx);     // health_page.cpp
Reply show_discovery(Context& ctx);   // oidc_endpoints.cpp
Reply show_jwks(Context& ctx);        // oidc_endpoints.cpp
Reply authorize(Context& ctx);        // authorization.cpp
Reply exchange_code(Context& ctx);    // oidc_token.cpp
Reply show_userinfo(Context& ctx);    // oidc_token.cpp
Reply api_start(Context& ctx);        // api_endpoints.cpp
Reply api_check(Context& ctx);        // api_endpoints.cpp
Reply api_show(Context& ctx);         // api_endpoints.cpp
Reply api_resend(Context& ctx);       // api_endpoints.cpp
Reply api_cancel(Context& ctx);       // api_endpoints.cpp
Reply show_openapi(Context& ctx);     // api_endpoints.cpp

}  // namespace voiceverify::web
