// "/EnterCode/<id>": the code form, and POST which asks the flow to check the code with
// MessageBird (the seed guide's enterCode); its two other buttons, "call me again" and "use a
// different number" (docs/architecture.md, "The code page"). The verify id comes from the route;
// whether this browser's signed session holds it is the flow's to say (verify/flow.hpp), and it
// is never taken from a form field. Outcomes are answered by outcome_reply.hpp.
#include <optional>

#include "view/templates.hpp"
#include "web/outcome_reply.hpp"
#include "web/pages.hpp"
#include "web/reply.hpp"
#include "web/routes.hpp"

namespace voiceverify::web {

Reply show_code_form(Context& ctx) {
  const std::optional<verify::CodePage> state =
      verify::code_page(ctx.deps.flow, ctx.current(), ctx.verify_id, verify::epoch_seconds());
  if (!state) return redirect_plain(ctx, path_of(show_phone_form));
  view::CodeFormView page{ctx.flash,
                          csrf_token(ctx.deps.signer, ctx.session),
                          ctx.verify_id,
                          ctx.session.masked_number,
                          ctx.deps.flow.settings.token_length,
                          state->call_again_in,
                          state->code_time_left};
  return render_page(ctx, 200, ctx.deps.templates.code_form(page, ctx.language));
}

Reply check_code(Context& ctx) {
  return continue_with(ctx,
                       verify::check_code(ctx.deps.flow, ctx.caller(), ctx.verify_id,
                                          ctx.form.value_or_empty(Field::Token), ctx.current()),
                       path_of(show_code_form, ctx.verify_id));
}

// A refusal of "call me again" is a banner on the code page it came from (a limit, too soon,
// MessageBird trouble), unless the old verification is over (cancelled for a create that then
// failed): then the number form.
Reply call_again(Context& ctx) {
  return continue_with(
      ctx, verify::call_again(ctx.deps.flow, ctx.caller(), ctx.verify_id, ctx.current()),
      path_of(show_code_form, ctx.verify_id));
}

// The person goes back to the number form whatever MessageBird does (verify::other_number).
Reply other_number(Context& ctx) {
  return continue_with(
      ctx, verify::other_number(ctx.deps.flow, ctx.caller(), ctx.verify_id, ctx.current()),
      path_of(show_phone_form));
}

}  // namespace voiceverify::web
