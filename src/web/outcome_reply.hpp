// The one place a verification's Outcome reaches the browser: it changes the session (a new
// verification, verified, forgotten), counts the verification for /metrics, and chooses the next
// page: the code page, the success page (or, for an application's authorization, the redirect
// back to it with a code: authorization.hpp), the number form, or the page the request came from
// with the outcome's banner (outcome_banner.hpp). Every page that asks the flow answers through
// here, at once or once MessageBird has answered (pipeline.cpp).
#pragma once

#include <string>

#include "http/request.hpp"
#include "verify/outcome.hpp"
#include "verify/step.hpp"
#include "web/context.hpp"
#include "web/pages.hpp"

namespace voiceverify::web {

// `back_to`: the path of the page the request came from, where a banner is shown unless the
// verification is over (then the number form).
http::Response answer_outcome(Context& ctx, const verify::Outcome& outcome,
                              const std::string& back_to);

// The page's reply for the flow's `step`: answer_outcome at once when it is finished, else a
// Pending that holds the step's place upstream and `back_to`.
Reply continue_with(Context& ctx, verify::Step step, std::string back_to);

}  // namespace voiceverify::web
