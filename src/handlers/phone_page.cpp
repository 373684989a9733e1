// "/": the phone form, and POST / which asks MessageBird to call the number (the seed guide's
// submitPhone). Order matters: validate locally, apply every limit, and only then pay for a call.
#include "forms/phone.hpp"
#include "handlers/app.hpp"
#include "handlers/messages.hpp"
#include "log/log.hpp"

namespace voiceverify::handlers {
namespace {

const char* phone_error_text(forms::PhoneError error) {
  switch (error) {
    case forms::PhoneError::Missing:
      return messages::kNumberMissing;
    case forms::PhoneError::TypeNotAllowed:
      return messages::kNumberTypeRefused;
    case forms::PhoneError::CountryNotAllowed:
      return messages::kCountryRefused;
    default:
      return messages::kNumberInvalid;
  }
}

// One active verification per browser: a new call cancels the one in progress.
void cancel_previous(Context& ctx) {
  if (ctx.session.verify_id.empty() || ctx.session.verified) return;
  const std::string old_id = ctx.session.verify_id;
  ctx.deps.limiter.finish(old_id, ctx.deps.config.code_timeout);
  const auto result = ctx.client.cancel(old_id);
  if (result.error != messagebird::VerifyError::None &&
      result.error != messagebird::VerifyError::NotFound) {
    log::warning("cancel_failed", {{"request_id", ctx.request.request_id},
                                   {"error", messagebird::verify_error_name(result.error)},
                                   {"detail", result.detail}});
  }
  ctx.session.verify_id.clear();
  ctx.session.masked_number.clear();
}

}  // namespace

http::Response show_phone_form(Context& ctx) {
  view::PhoneFormView page{ctx.flash, csrf_token(ctx.deps.signer, ctx.session)};
  return render_page(ctx, 200, ctx.deps.templates.phone_form(page));
}

http::Response start_call(Context& ctx) {
  const std::string& rid = ctx.request.request_id;
  const forms::PhoneCheck phone =
      forms::check_phone(ctx.form.single("number").value_or(""), ctx.deps.phone_policy);
  if (phone.error == forms::PhoneError::CountryNotAllowed ||
      phone.error == forms::PhoneError::TypeNotAllowed) {
    // A real number we refuse to pay for (a country outside ALLOWED_COUNTRIES, a satellite or
    // premium-rate number): a warning, like a limit, since a run of them is how toll fraud
    // shows itself.
    log::warning(
        "number_refused",
        {{"request_id", rid},
         {"reason", phone.error == forms::PhoneError::CountryNotAllowed ? "country" : "type"},
         {"region", phone.region},
         {"type", forms::number_type_name(phone.type)},
         {"number", phone.masked}});
    return redirect_with_banner(ctx, "/", "error", phone_error_text(phone.error));
  }
  if (phone.error != forms::PhoneError::None) {
    log::info("number_refused", {{"request_id", rid}, {"reason", "invalid"}});
    return redirect_with_banner(ctx, "/", "error", phone_error_text(phone.error));
  }

  const store::LimitResult limit =
      ctx.deps.limiter.before_call(phone.digits, ctx.request.remote_addr);
  if (limit.verdict == store::LimitVerdict::StoreDown ||
      (limit.verdict == store::LimitVerdict::Limited && limit.which == "bad-key")) {
    // A store that is down fails closed; a key the limiter refuses is our bug. Neither pays.
    log::error("store_unavailable",
               {{"request_id", rid}, {"during", "start_call"}, {"limit", limit.which}});
    return redirect_with_banner(ctx, "/", "error", messages::kServiceUnavailable);
  }
  if (limit.verdict == store::LimitVerdict::Limited) {
    log::warning("limit_hit", {{"request_id", rid},
                               {"limit", limit.which},
                               {"number", log::mask_number("+" + phone.digits)},
                               {"retry_after", std::to_string(limit.retry_after.count())}});
    return redirect_with_banner(ctx, "/", "error",
                                messages::limited(limit.which, limit.retry_after));
  }

  // Only a call that will be placed replaces the one in progress: a refused one leaves it usable.
  cancel_previous(ctx);
  const messagebird::VerifyResult call = ctx.client.create_call(phone.digits);
  const char* error_name = messagebird::verify_error_name(call.error);
  switch (call.error) {
    case messagebird::VerifyError::None:
      log::info("call_placed",
                {{"request_id", rid}, {"number", log::mask_number("+" + phone.digits)}});
      ctx.session.verify_id = call.id;
      ctx.session.masked_number = phone.masked;
      ctx.session.verified = false;
      return redirect_plain(ctx, "/EnterCode/" + call.id);
    case messagebird::VerifyError::InvalidRecipient:
      log::warning("call_refused", {{"request_id", rid},
                                    {"error", error_name},
                                    {"number", log::mask_number("+" + phone.digits)},
                                    {"detail", call.detail}});
      return redirect_with_banner(ctx, "/", "error", messages::kNumberInvalid);
    case messagebird::VerifyError::Unauthorized:
    case messagebird::VerifyError::NoBalance:
      // The operator must act (a wrong key, an empty balance): an error, not a warning.
      log::error("upstream_account_problem",
                 {{"request_id", rid}, {"error", error_name}, {"detail", call.detail}});
      return redirect_with_banner(ctx, "/", "error", messages::kServiceUnavailable);
    default:
      log::warning("call_failed", {{"request_id", rid},
                                   {"error", error_name},
                                   {"http_status", std::to_string(call.http_status)},
                                   {"detail", call.detail}});
      return redirect_with_banner(ctx, "/", "error", messages::kCallFailed);
  }
}

}  // namespace voiceverify::handlers
