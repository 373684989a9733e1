// "/": the phone form, and POST / which asks the flow to have MessageBird call the number (the
// seed guide's submitPhone). The decisions are the flow's (verify/flow.hpp); its outcome is
// answered by outcome_reply.hpp.
#include "view/templates.hpp"
#include "web/outcome_reply.hpp"
#include "web/pages.hpp"
#include "web/reply.hpp"
#include "web/routes.hpp"

namespace voiceverify::web {

Reply show_phone_form(Context& ctx) {
  view::PhoneFormView page{ctx.flash, csrf_token(ctx.deps.signer, ctx.session), {}, {}};
  if (ctx.authorization) {
    page.client_name = ctx.authorization->request.client_name;
    page.number = ctx.authorization->request.login_hint;
  }
  return render_page(ctx, 200, ctx.deps.templates.phone_form(page, ctx.language));
}

Reply start_call(Context& ctx) {
  return continue_with(ctx,
                       verify::start_call(ctx.deps.flow, ctx.caller(),
                                          ctx.form.value_or_empty(Field::Number), ctx.current()),
                       path_of(show_phone_form));
}

}  // namespace voiceverify::web
