// "/success": shown only to the browser whose session holds a verified number.
#include "view/templates.hpp"
#include "web/pages.hpp"
#include "web/reply.hpp"
#include "web/routes.hpp"

namespace voiceverify::web {

Reply show_success(Context& ctx) {
  if (!ctx.session.verified) return redirect_plain(ctx, path_of(show_phone_form));
  view::SuccessView page{ctx.flash, ctx.session.masked_number};
  return render_page(ctx, 200, ctx.deps.templates.success(page, ctx.language));
}

}  // namespace voiceverify::web
