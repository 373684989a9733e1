// See flow.hpp. Log lines name the event by cause (error: ours or the operator's to fix; warning:
// trouble from outside; info: the flow going on), carry the request id, and show a number only
// masked. Order matters in start_call: validate locally, apply every limit, and only then pay.
#include "verify/flow.hpp"

#include <utility>

#include "http/signed_cookie.hpp"
#include "log/log.hpp"
#include "util/metrics.hpp"

namespace voiceverify::verify {
namespace {

using messagebird::VerifyError;
using messagebird::VerifyResult;

Outcome of(OutcomeKind kind) {
  Outcome outcome;
  outcome.kind = kind;
  return outcome;
}

Outcome over(OutcomeKind kind) {
  Outcome outcome = of(kind);
  outcome.forget_current = true;
  return outcome;
}

void log_account_problem(const std::string& request_id, const VerifyResult& answer) {
  // The operator must act (a wrong key, an empty balance): an error, not a warning.
  log::error("upstream_account_problem", {{"request_id", request_id},
                                          {"error", messagebird::verify_error_name(answer.error)},
                                          {"detail", answer.detail}});
}

void log_failed_cancel(const std::string& request_id, const VerifyResult& answer) {
  if (answer.error == VerifyError::None || answer.error == VerifyError::NotFound) return;
  log::warning("cancel_failed", {{"request_id", request_id},
                                 {"error", messagebird::verify_error_name(answer.error)},
                                 {"detail", answer.detail}});
}

// What the fraud guard and the limits are told of a call after the fact; a store that fails here
// cannot undo the call, so it is logged and the person goes on.
void log_if_unrecorded(const std::string& request_id, store::StoreError error, const char* what) {
  if (error != store::StoreError::None) {
    log::error("store_unavailable", {{"request_id", request_id}, {"during", what}});
  }
}

// The number a call went to, for its answer.
struct Called {
  std::string digits;  // E.164 digits
  std::string region;  // ISO region code
  std::string masked;  // as the code page shows it
};

// The answer to POST /verify.
Outcome call_answered(const FlowDeps& deps, const std::string& request_id, const Called& called,
                      bool cancelled_current, const VerifyResult& answer) {
  Outcome outcome;
  const std::string number = log::mask_number("+" + called.digits);
  const std::string& masked = called.masked;
  switch (answer.error) {
    case VerifyError::None:
      log::info("call_placed", {{"request_id", request_id}, {"number", number}});
      log_if_unrecorded(request_id,
                        deps.fraud_guard.call_started(answer.id, called.digits, called.region),
                        "fraud_call_started");
      log_if_unrecorded(request_id,
                        deps.limiter.note_call(answer.id, called.digits, deps.code_timeout),
                        "note_call");
      outcome.kind = OutcomeKind::CallPlaced;
      outcome.verify_id = answer.id;
      outcome.masked_number = masked;
      break;
    case VerifyError::InvalidRecipient:
      log::warning("call_refused", {{"request_id", request_id},
                                    {"error", messagebird::verify_error_name(answer.error)},
                                    {"number", number},
                                    {"detail", answer.detail}});
      outcome.kind = OutcomeKind::RecipientRefused;
      break;
    case VerifyError::Unauthorized:
    case VerifyError::NoBalance:
      log_account_problem(request_id, answer);
      outcome.kind = OutcomeKind::AccountProblem;
      break;
    default:
      log::warning("call_failed", {{"request_id", request_id},
                                   {"error", messagebird::verify_error_name(answer.error)},
                                   {"http_status", std::to_string(answer.http_status)},
                                   {"detail", answer.detail}});
      outcome.kind = OutcomeKind::CallFailed;
      break;
  }
  outcome.forget_current = cancelled_current;
  return outcome;
}

// A check whose answer never came, or our account refused: the person did not get to try their
// code, so the try is given back (MessageBird keeps its own count for a check that reached it,
// so this cannot give more tries than the API allows).
void refund(const FlowDeps& deps, const std::string& request_id, const std::string& verify_id) {
  if (deps.limiter.refund_attempt(verify_id) != store::StoreError::None) {
    util::metrics().store_error();
    log::warning("attempt_refund_failed", {{"request_id", request_id}});
  }
}

// The verification is over (verified elsewhere, expired, spent): later checks are refused.
void finish(const FlowDeps& deps, const std::string& verify_id) {
  deps.limiter.finish(verify_id, deps.code_timeout);
}

// The answer to GET /verify/{id}?token=.
Step code_answered(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                   int tries_left, const VerifyResult& answer) {
  const std::string& request_id = caller.request_id;
  switch (answer.error) {
    case VerifyError::None:
      log::info("number_verified", {{"request_id", request_id}});
      log_if_unrecorded(request_id,
                        deps.fraud_guard.call_settled(verify_id, store::Settlement::Verified),
                        "fraud_call_settled");
      log_if_unrecorded(request_id, deps.limiter.verified_from(verify_id, caller.client_address),
                        "verified_from");
      finish(deps, verify_id);
      return Step::done(of(OutcomeKind::Verified));
    case VerifyError::WrongCode: {
      log::info("wrong_code",
                {{"request_id", request_id}, {"attempts_left", std::to_string(tries_left)}});
      if (tries_left > 0) {
        Outcome outcome = of(OutcomeKind::WrongCode);
        outcome.tries_left = tries_left;
        return Step::done(outcome);
      }
      // The last try is spent: delete the verification upstream so the code is dead for sure.
      log_if_unrecorded(request_id,
                        deps.fraud_guard.call_settled(verify_id, store::Settlement::TriesSpent),
                        "fraud_call_settled");
      finish(deps, verify_id);
      return Step::call({UpstreamOp::Cancel, {}, verify_id, {}, {}},
                        [request_id](const VerifyResult& cancelled) {
                          log_failed_cancel(request_id, cancelled);
                          return Step::done(over(OutcomeKind::NoTriesLeft));
                        });
    }
    case VerifyError::Expired:
      log::info("code_expired", {{"request_id", request_id}});
      finish(deps, verify_id);
      return Step::done(over(OutcomeKind::Expired));
    case VerifyError::AlreadyProcessed:
      log::info("code_already_processed", {{"request_id", request_id}});
      finish(deps, verify_id);
      return Step::done(over(OutcomeKind::AlreadyUsed));
    case VerifyError::NotFound:
      log::warning("verification_not_found",
                   {{"request_id", request_id}, {"detail", answer.detail}});
      finish(deps, verify_id);
      return Step::done(over(OutcomeKind::UnknownVerification));
    case VerifyError::Unauthorized:
    case VerifyError::NoBalance:
      refund(deps, request_id, verify_id);
      log_account_problem(request_id, answer);
      return Step::done(of(OutcomeKind::AccountProblem));
    default:
      // Timeout, 5xx, garbage: we do not know whether the code was right.
      refund(deps, request_id, verify_id);
      log::warning("check_failed", {{"request_id", request_id},
                                    {"error", messagebird::verify_error_name(answer.error)},
                                    {"http_status", std::to_string(answer.http_status)},
                                    {"detail", answer.detail}});
      return Step::done(of(OutcomeKind::CheckFailed));
  }
}

}  // namespace

bool owns(const Current& current, std::string_view verify_id) {
  return !current.verify_id.empty() && !current.verified &&
         http::constant_time_equal(current.verify_id, verify_id);
}

Step start_call(const FlowDeps& deps, const Caller& caller, std::string_view number,
                const Current& current) {
  const std::string& rid = caller.request_id;
  const forms::PhoneCheck phone = forms::check_phone(number, deps.phone_policy);
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
         {"number", phone.log_number}});
  } else if (phone.error != forms::PhoneError::None) {
    log::info("number_refused", {{"request_id", rid}, {"reason", "invalid"}});
  }
  if (phone.error != forms::PhoneError::None) {
    Outcome outcome = of(OutcomeKind::NumberRefused);
    outcome.phone_error = phone.error;
    return Step::done(outcome);
  }

  // The fraud guard first: a call it refuses must count in no limit window.
  const store::GuardResult guard = deps.fraud_guard.before_call(phone.digits, phone.region);
  if (guard.verdict == store::GuardVerdict::StoreDown) {
    log::error("store_unavailable", {{"request_id", rid}, {"during", "fraud_guard"}});
    return Step::done(of(OutcomeKind::StoreDown));
  }
  if (guard.verdict == store::GuardVerdict::Refused) {
    util::metrics().fraud_refused(store::guard_scope_name(guard.scope));
    log::warning("fraud_refused", {{"request_id", rid},
                                   {"scope", store::guard_scope_name(guard.scope)},
                                   {"number", log::mask_number("+" + phone.digits)},
                                   {"retry_after", std::to_string(guard.retry_after.count())}});
    Outcome outcome = of(OutcomeKind::NumberBlocked);
    outcome.retry_after = guard.retry_after;
    return Step::done(outcome);
  }

  const store::LimitResult limit =
      deps.limiter.before_call(phone.digits, caller.client_address, phone.region);
  if (limit.verdict == store::LimitVerdict::StoreDown ||
      limit.verdict == store::LimitVerdict::BadKey) {
    // A store that is down fails closed; a key the limiter refuses is our bug. Neither pays.
    util::metrics().store_error();
    log::error("store_unavailable",
               {{"request_id", rid},
                {"during", "start_call"},
                {"limit", limit.verdict == store::LimitVerdict::BadKey ? "bad-key" : ""}});
    return Step::done(of(OutcomeKind::StoreDown));
  }
  if (limit.verdict == store::LimitVerdict::Limited) {
    util::metrics().limit_hit(store::limit_window_name(limit.window));
    log::warning("limit_hit", {{"request_id", rid},
                               {"limit", store::limit_window_name(limit.window)},
                               {"number", log::mask_number("+" + phone.digits)},
                               {"retry_after", std::to_string(limit.retry_after.count())}});
    Outcome outcome = of(OutcomeKind::Limited);
    outcome.window = limit.window;
    outcome.retry_after = limit.retry_after;
    return Step::done(outcome);
  }

  // The call's language and sentence (README.md, "The call's language"); without a CallVoice,
  // the client's settings alone.
  const messagebird::Speech speech =
      deps.call_voice != nullptr ? deps.call_voice->speech(caller.accept_language, phone.region)
                                 : messagebird::Speech{};
  auto create = [&deps, rid, speech, called = Called{phone.digits, phone.region, phone.masked}](
                    bool cancelled_current) {
    return Step::call(
        {UpstreamOp::Create, called.digits, {}, {}, speech},
        [&deps, rid, called, cancelled_current](const VerifyResult& answer) {
          return Step::done(call_answered(deps, rid, called, cancelled_current, answer));
        });
  };
  // One active verification per browser: only a call that will be placed replaces the one in
  // progress, so a refused one leaves it usable.
  if (current.verify_id.empty() || current.verified) return create(false);
  finish(deps, current.verify_id);
  return Step::call({UpstreamOp::Cancel, {}, current.verify_id, {}, {}},
                    [rid, create](const VerifyResult& cancelled) {
                      log_failed_cancel(rid, cancelled);
                      return create(true);
                    });
}

Step check_code(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                std::string_view code, const Current& current) {
  if (!owns(current, verify_id)) return Step::done(of(OutcomeKind::NotOwner));
  const std::string& rid = caller.request_id;

  const forms::CodeCheck checked = forms::check_code(code, deps.token_length);
  if (checked.error != forms::CodeError::None) {
    Outcome outcome = of(OutcomeKind::CodeRefused);
    outcome.code_error = checked.error;
    return Step::done(outcome);
  }

  int tries_left = 0;
  const store::LimitResult limit =
      deps.limiter.before_check(verify_id, deps.code_timeout, tries_left);
  if (limit.verdict == store::LimitVerdict::StoreDown ||
      limit.verdict == store::LimitVerdict::BadKey) {
    util::metrics().store_error();
    log::error("store_unavailable", {{"request_id", rid}, {"during", "check_code"}});
    return Step::done(of(OutcomeKind::StoreDown));
  }
  if (limit.verdict == store::LimitVerdict::Limited) {
    util::metrics().limit_hit(store::limit_window_name(store::LimitWindow::Attempts));
    log::warning("attempts_spent", {{"request_id", rid}});
    log_if_unrecorded(rid, deps.fraud_guard.call_settled(verify_id, store::Settlement::TriesSpent),
                      "fraud_call_settled");
    finish(deps, verify_id);
    return Step::done(over(OutcomeKind::NoTriesLeft));
  }
  return Step::call({UpstreamOp::Check, {}, verify_id, checked.code, {}},
                    [&deps, caller, verify_id, tries_left](const VerifyResult& answer) {
                      return code_answered(deps, caller, verify_id, tries_left, answer);
                    });
}

}  // namespace voiceverify::verify
