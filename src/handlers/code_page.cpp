// "/EnterCode/<id>": the code form, and POST which checks the code with MessageBird (the seed
// guide's enterCode). The verify id comes from the route and must be the one this browser's
// signed session holds; it is never taken from a form field.
#include "forms/code.hpp"
#include "handlers/app.hpp"
#include "handlers/messages.hpp"
#include "log/log.hpp"

namespace voiceverify::handlers {
namespace {

bool owns_verification(const Context& ctx) {
  return !ctx.session.verify_id.empty() && !ctx.session.verified &&
         http::constant_time_equal(ctx.session.verify_id, ctx.verify_id);
}

std::string code_page(const Context& ctx) {
  return "/EnterCode/" + ctx.verify_id;
}

// The verification is over (verified elsewhere, expired, spent): forget it and start again.
http::Response start_over(Context& ctx, const char* text) {
  ctx.deps.limiter.finish(ctx.verify_id, ctx.deps.config.code_timeout);
  ctx.session.verify_id.clear();
  ctx.session.masked_number.clear();
  return redirect_with_banner(ctx, "/", "error", text);
}

// The check never got an answer about the code: give the attempt back (see the default branch).
void refund_attempt(Context& ctx) {
  if (ctx.deps.limiter.refund_attempt(ctx.verify_id) != store::StoreError::None) {
    log::warning("attempt_refund_failed", {{"request_id", ctx.request.request_id}});
  }
}

}  // namespace

http::Response show_code_form(Context& ctx) {
  if (!owns_verification(ctx)) return redirect_plain(ctx, "/");
  view::CodeFormView page{ctx.flash, csrf_token(ctx.deps.signer, ctx.session), ctx.verify_id,
                          ctx.session.masked_number, ctx.deps.config.token_length};
  return render_page(ctx, 200, ctx.deps.templates.code_form(page));
}

http::Response check_code(Context& ctx) {
  if (!owns_verification(ctx)) return redirect_plain(ctx, "/");
  const std::string& rid = ctx.request.request_id;
  const int length = ctx.deps.config.token_length;

  const forms::CodeCheck code = forms::check_code(ctx.form.single("token").value_or(""), length);
  if (code.error == forms::CodeError::Missing)
    return redirect_with_banner(ctx, code_page(ctx), "error", messages::kCodeMissing);
  if (code.error != forms::CodeError::None)
    return redirect_with_banner(ctx, code_page(ctx), "error", messages::code_format(length));

  int attempts_left = 0;
  const store::LimitResult limit =
      ctx.deps.limiter.before_check(ctx.verify_id, ctx.deps.config.code_timeout, attempts_left);
  if (limit.verdict == store::LimitVerdict::StoreDown) {
    log::error("store_unavailable", {{"request_id", rid}, {"during", "check_code"}});
    return redirect_with_banner(ctx, code_page(ctx), "error", messages::kServiceUnavailable);
  }
  if (limit.verdict == store::LimitVerdict::Limited) {
    log::warning("attempts_spent", {{"request_id", rid}});
    return start_over(ctx, messages::kNoTriesLeft);
  }

  const messagebird::VerifyResult check = ctx.client.check_code(ctx.verify_id, code.code);
  const char* error_name = messagebird::verify_error_name(check.error);
  switch (check.error) {
    case messagebird::VerifyError::None:
      log::info("number_verified", {{"request_id", rid}});
      ctx.deps.limiter.finish(ctx.verify_id, ctx.deps.config.code_timeout);
      ctx.session.verified = true;
      return redirect_plain(ctx, "/success");
    case messagebird::VerifyError::WrongCode:
      log::info("wrong_code",
                {{"request_id", rid}, {"attempts_left", std::to_string(attempts_left)}});
      if (attempts_left > 0)
        return redirect_with_banner(ctx, code_page(ctx), "error",
                                    messages::wrong_code(attempts_left));
      // The last try is spent: delete the verification upstream so the code is dead for sure.
      if (auto cancel = ctx.client.cancel(ctx.verify_id);
          cancel.error != messagebird::VerifyError::None &&
          cancel.error != messagebird::VerifyError::NotFound) {
        log::warning("cancel_failed", {{"request_id", rid},
                                       {"error", messagebird::verify_error_name(cancel.error)}});
      }
      return start_over(ctx, messages::kNoTriesLeft);
    case messagebird::VerifyError::Expired:
      log::info("code_expired", {{"request_id", rid}});
      return start_over(ctx, messages::kExpired);
    case messagebird::VerifyError::AlreadyProcessed:
      log::info("code_already_processed", {{"request_id", rid}});
      return start_over(ctx, messages::kAlreadyUsed);
    case messagebird::VerifyError::NotFound:
      log::warning("verification_not_found", {{"request_id", rid}, {"detail", check.detail}});
      return start_over(ctx, messages::kUnknownVerification);
    case messagebird::VerifyError::Unauthorized:
    case messagebird::VerifyError::NoBalance:
      refund_attempt(ctx);
      log::error("upstream_account_problem",
                 {{"request_id", rid}, {"error", error_name}, {"detail", check.detail}});
      return redirect_with_banner(ctx, code_page(ctx), "error", messages::kServiceUnavailable);
    default:
      // Timeout, 5xx, garbage: we do not know whether the code was right, and the person could
      // not have done better, so the try is not theirs to lose. MessageBird keeps its own count
      // of attempts for a check that did reach it, so refunding ours cannot give more tries
      // than the API allows.
      refund_attempt(ctx);
      log::warning("check_failed", {{"request_id", rid},
                                    {"error", error_name},
                                    {"http_status", std::to_string(check.http_status)},
                                    {"detail", check.detail}});
      return redirect_with_banner(ctx, code_page(ctx), "error", messages::kCheckFailed);
  }
}

}  // namespace voiceverify::handlers
