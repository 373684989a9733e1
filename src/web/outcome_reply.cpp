// See outcome_reply.hpp.
#include "web/outcome_reply.hpp"

#include <optional>
#include <utility>

#include "forms/phone.hpp"
#include "util/metrics.hpp"
#include "web/authorization.hpp"
#include "web/outcome_banner.hpp"
#include "web/reply.hpp"
#include "web/routes.hpp"

namespace voiceverify::web {

http::Response answer_outcome(Context& ctx, const verify::Outcome& outcome,
                              const std::string& back_to) {
  Session& session = ctx.session;
  if (outcome.forget_current) session.forget_verification();
  switch (outcome.kind) {
    case verify::OutcomeKind::CallPlaced:
      // The browser now holds this verification (the one it held is over, or was this one).
      session.verify_id = outcome.verify_id;
      session.masked_number = outcome.masked_number;
      session.verified = false;
      session.called_at = outcome.called_at;
      util::metrics().verification(util::Verification::Started,
                                   forms::calling_code_region(outcome.masked_number));
      return redirect_plain(ctx, path_of(show_code_form, outcome.verify_id));
    case verify::OutcomeKind::Verified: {
      util::metrics().verification(util::Verification::Verified,
                                   forms::calling_code_region(session.masked_number));
      // The flow marked this browser's id with the number: the cookie carries the id on.
      ctx.known.verified = true;
      ctx.known_renewed = true;
      // An application that sent the person here gets the number instead of /success.
      if (auto to_client = finish_authorization(ctx, outcome)) return std::move(*to_client);
      session.verified = true;
      return redirect_plain(ctx, path_of(show_success));
    }
    default:
      break;
  }
  // Without a banner (not the owner, given up) or with the verification over: the number form.
  const std::optional<view::Banner> banner =
      banner_for(outcome, ctx.deps.flow.settings.token_length);
  if (!banner) return redirect_plain(ctx, path_of(show_phone_form));
  return redirect_with_banner(ctx, outcome.forget_current ? path_of(show_phone_form) : back_to,
                              *banner);
}

Reply continue_with(Context& ctx, verify::Step step, std::string back_to) {
  if (step.finished()) return answer_outcome(ctx, step.outcome(), back_to);
  verify::Runner::Ticket ticket = step.take_place();
  return Pending{std::move(step), std::move(ticket), std::move(back_to)};
}

}  // namespace voiceverify::web
