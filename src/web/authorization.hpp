// The OpenID Connect authorization as the pages see it (docs/oidc.md, "The flow through the
// pages"): GET /authorize checks the request and hands the browser to the phone form with the
// request in a signed cookie ("vv_authz", purpose "authz", "__Host-" over https) bound to the
// browser (GET /authorize is `authorize` in pages.hpp); the pages show who asks; a verification
// whose call was placed after the request began, in the same browser, ends with a redirect (303) to
// the client with a code instead of /success.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "http/request.hpp"
#include "verify/outcome.hpp"
#include "web/context.hpp"
#include "web/pages.hpp"

namespace voiceverify::web {

inline constexpr const char* kAuthorizationCookie = "vv_authz";
// How long a person has, from the application's link to the code: the number, the call, the
// code, a second call and some hesitation.
inline constexpr std::chrono::seconds kAuthorizationLifetime{30 * 60};

// Reads this browser's pending authorization into ctx.authorization, after the session (it must
// be this browser's); with the request's ui_locales, chooses ctx.language again. Does nothing
// when OpenID Connect is off.
void load_authorization(Context& ctx, std::size_t max_cookie_bytes);

// For a Verified outcome: the 303 to the client with a code when this browser's verification
// finishes its pending authorization (or with an error when no code can be given); nullopt when
// there is none, and the person sees /success.
std::optional<http::Response> finish_authorization(Context& ctx, const verify::Outcome& outcome);

}  // namespace voiceverify::web
