// "/EnterCode/<id>": the code form, and POST which asks the flow to check the code with
// MessageBird (the seed guide's enterCode); its two other buttons, "call me again" and "use a
// different number" (docs/architecture.md, "The code page"). The verify id comes from the route
// and must be the one this browser's signed session holds; it is never taken from a form field.
#include <chrono>
#include <optional>
#include <utility>
#include <variant>

#include "forms/phone.hpp"
#include "log/log.hpp"
#include "util/metrics.hpp"
#include "view/templates.hpp"
#include "web/outcome_banner.hpp"
#include "web/pages.hpp"
#include "web/reply.hpp"

namespace voiceverify::web {

Reply show_code_form(Context& ctx) {
  if (!verify::owns(ctx.current(), ctx.verify_id)) return redirect_plain(ctx, "/");
  const long now = verify::epoch_seconds();
  view::CodeFormView page{ctx.flash,
                          csrf_token(ctx.deps.signer, ctx.session),
                          ctx.verify_id,
                          ctx.session.masked_number,
                          ctx.deps.flow.token_length,
                          verify::call_again_in(ctx.deps.flow, ctx.current(), now),
                          verify::code_time_left(ctx.deps.flow, ctx.current(), now)};
  return render_page(ctx, 200, ctx.deps.templates.code_form(page, ctx.language));
}

namespace {

std::string code_page_path(const Context& ctx) {
  return "/EnterCode/" + ctx.verify_id;
}

http::Response code_checked(Context& ctx, const verify::Outcome& outcome) {
  switch (outcome.kind) {
    case verify::OutcomeKind::NotOwner:
      return redirect_plain(ctx, "/");
    case verify::OutcomeKind::Verified:
      ctx.session.verified = true;
      util::metrics().verification(util::Verification::Verified,
                                   forms::calling_code_region(ctx.session.masked_number));
      return redirect_plain(ctx, "/success");
    default:
      break;
  }
  const view::Banner banner = *banner_for(outcome, ctx.deps.flow.token_length);
  if (outcome.forget_current) {
    // The verification is over: start again from the number.
    ctx.session.forget_verification();
    return redirect_with_banner(ctx, "/", banner);
  }
  return redirect_with_banner(ctx, "/EnterCode/" + ctx.verify_id, banner);
}

// A refusal of "call me again" is a banner on the code page it came from (a limit, too soon,
// MessageBird trouble), unless the old verification is over (cancelled for a create that then
// failed): then the number form.
http::Response called_again(Context& ctx, const verify::Outcome& outcome) {
  switch (outcome.kind) {
    case verify::OutcomeKind::NotOwner:
      return redirect_plain(ctx, "/");
    case verify::OutcomeKind::CallPlaced:
      ctx.session.verify_id = outcome.verify_id;
      ctx.session.masked_number = outcome.masked_number;
      ctx.session.verified = false;
      ctx.session.called_at = outcome.called_at;
      util::metrics().verification(util::Verification::Started,
                                   forms::calling_code_region(outcome.masked_number));
      return redirect_plain(ctx, "/EnterCode/" + outcome.verify_id);
    default:
      break;
  }
  const view::Banner banner = *banner_for(outcome, ctx.deps.flow.token_length);
  if (outcome.forget_current) {
    ctx.session.forget_verification();
    return redirect_with_banner(ctx, "/", banner);
  }
  return redirect_with_banner(ctx, code_page_path(ctx), banner);
}

}  // namespace

Reply check_code(Context& ctx) {
  if (!verify::owns(ctx.current(), ctx.verify_id)) return redirect_plain(ctx, "/");
  auto admitted = admit_upstream(ctx, "/EnterCode/" + ctx.verify_id);
  if (auto* refused = std::get_if<http::Response>(&admitted)) return std::move(*refused);
  verify::Step step = verify::check_code(ctx.deps.flow, ctx.caller(), ctx.verify_id,
                                         ctx.form.value_or_empty(Field::Token), ctx.current());
  return continue_with(ctx, std::move(step), std::get<verify::Runner::Ticket>(admitted),
                       code_checked);
}

Reply call_again(Context& ctx) {
  if (!verify::owns(ctx.current(), ctx.verify_id)) return redirect_plain(ctx, "/");
  // Too soon is said before asking for a place upstream: it costs nothing either way.
  verify::Outcome too_soon;
  too_soon.kind = verify::OutcomeKind::TooSoon;
  too_soon.retry_after =
      verify::call_again_in(ctx.deps.flow, ctx.current(), verify::epoch_seconds());
  if (too_soon.retry_after > std::chrono::seconds{0}) return called_again(ctx, too_soon);
  auto admitted = admit_upstream(ctx, code_page_path(ctx));
  if (auto* refused = std::get_if<http::Response>(&admitted)) return std::move(*refused);
  verify::Step step = verify::call_again(ctx.deps.flow, ctx.caller(), ctx.verify_id, ctx.current());
  return continue_with(ctx, std::move(step), std::get<verify::Runner::Ticket>(admitted),
                       called_again);
}

Reply other_number(Context& ctx) {
  if (!verify::owns(ctx.current(), ctx.verify_id)) return redirect_plain(ctx, "/");
  verify::Step step =
      verify::other_number(ctx.deps.flow, ctx.caller(), ctx.verify_id, ctx.current());
  auto back_to_the_form = [](Context& c, const verify::Outcome&) {
    c.session.forget_verification();
    return redirect_plain(c, "/");
  };
  // The person goes back to the number form whatever MessageBird does: a cancel that cannot be
  // sent now is logged, and the code dies by CODE_TIMEOUT (the limiter already refuses it).
  std::optional<verify::Runner::Ticket> ticket;
  if (!ctx.deps.runner.upstream_down()) ticket = ctx.deps.runner.admit();
  if (!ticket) {
    log::warning("cancel_skipped", {{"request_id", ctx.request.request_id}});
    return back_to_the_form(ctx, {});
  }
  return continue_with(ctx, std::move(step), std::move(*ticket), back_to_the_form);
}

}  // namespace voiceverify::web
