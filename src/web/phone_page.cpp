// "/": the phone form, and POST / which asks the flow to have MessageBird call the number (the
// seed guide's submitPhone). The decisions are the flow's (verify/flow.hpp); this page only turns
// its outcome into a redirect.
#include <utility>
#include <variant>

#include "forms/phone.hpp"
#include "util/metrics.hpp"
#include "view/templates.hpp"
#include "web/outcome_banner.hpp"
#include "web/pages.hpp"
#include "web/reply.hpp"

namespace voiceverify::web {

Reply show_phone_form(Context& ctx) {
  view::PhoneFormView page{ctx.flash, csrf_token(ctx.deps.signer, ctx.session)};
  return render_page(ctx, 200, ctx.deps.templates.phone_form(page, ctx.language));
}

namespace {

http::Response call_started(Context& ctx, const verify::Outcome& outcome) {
  if (outcome.forget_current) ctx.session.forget_verification();
  if (outcome.kind == verify::OutcomeKind::CallPlaced) {
    ctx.session.verify_id = outcome.verify_id;
    ctx.session.masked_number = outcome.masked_number;
    ctx.session.verified = false;
    ctx.session.called_at = outcome.called_at;
    util::metrics().verification(util::Verification::Started,
                                 forms::calling_code_region(outcome.masked_number));
    return redirect_plain(ctx, "/EnterCode/" + outcome.verify_id);
  }
  return redirect_with_banner(ctx, "/", *banner_for(outcome, ctx.deps.flow.token_length));
}

}  // namespace

Reply start_call(Context& ctx) {
  auto admitted = admit_upstream(ctx, "/");
  if (auto* refused = std::get_if<http::Response>(&admitted)) return std::move(*refused);
  verify::Step step = verify::start_call(ctx.deps.flow, ctx.caller(),
                                         ctx.form.value_or_empty(Field::Number), ctx.current());
  return continue_with(ctx, std::move(step), std::get<verify::Runner::Ticket>(admitted),
                       call_started);
}

}  // namespace voiceverify::web
