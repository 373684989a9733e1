// "/EnterCode/<id>": the code form, and POST which asks the flow to check the code with
// MessageBird (the seed guide's enterCode). The verify id comes from the route and must be the
// one this browser's signed session holds; it is never taken from a form field.
#include <utility>
#include <variant>

#include "forms/phone.hpp"
#include "util/metrics.hpp"
#include "view/templates.hpp"
#include "web/outcome_banner.hpp"
#include "web/pages.hpp"
#include "web/reply.hpp"

namespace voiceverify::web {

Reply show_code_form(Context& ctx) {
  if (!verify::owns(ctx.current(), ctx.verify_id)) return redirect_plain(ctx, "/");
  view::CodeFormView page{ctx.flash, csrf_token(ctx.deps.signer, ctx.session), ctx.verify_id,
                          ctx.session.masked_number, ctx.deps.flow.token_length};
  return render_page(ctx, 200, ctx.deps.templates.code_form(page, ctx.language));
}

namespace {

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

}  // namespace voiceverify::web
