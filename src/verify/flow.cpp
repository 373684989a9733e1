// See flow.hpp. Log lines name the event by cause (error: ours or the operator's to fix; warning:
// trouble from outside; info: the flow going on), carry the request id, and show a number only
// masked. start_call checks the number here; place_call.cpp then applies every limit, and only
// then pays.
#include "verify/flow.hpp"

#include <utility>

#include "log/log.hpp"
#include "util/metrics.hpp"
#include "verify/flow_parts.hpp"
#include "verify/place_call.hpp"

namespace voiceverify::verify {
namespace {

using messagebird::VerifyError;
using messagebird::VerifyResult;

// A check whose answer never came, or our account refused: the person did not get to try their
// code, so the try is given back (MessageBird keeps its own count for a check that reached it,
// so this cannot give more tries than the API allows).
void refund(const FlowDeps& deps, const std::string& request_id, const std::string& verify_id) {
  if (deps.limiter.refund_attempt(verify_id) != store::StoreError::None) {
    util::metrics().store_error();
    log::warning("attempt_refund_failed", {{"request_id", request_id}});
  }
}

// The answer to GET /verify/{id}?token=.
Step code_answered(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                   int tries_left, const VerifyResult& answer) {
  const std::string& request_id = caller.request_id;
  switch (answer.error) {
    case VerifyError::None: {
      log::info("number_verified", {{"request_id", request_id}});
      log_if_unrecorded(request_id,
                        deps.fraud_guard.call_settled(verify_id, guard::Settlement::Verified),
                        "fraud_call_settled");
      log_if_unrecorded(request_id, deps.limiter.verified_from(verify_id, caller.client_address),
                        "verified_from");
      // The number, and this browser for it, are known from now on (docs/fraud-guard.md).
      log_if_unrecorded(request_id, deps.limiter.mark_known(verify_id, caller.browser.id),
                        "mark_known");
      finish(deps, verify_id);
      Outcome verified = outcome_of(OutcomeKind::Verified);
      verified.phone_number = answer.recipient;
      return Step::done(verified);
    }
    case VerifyError::WrongCode: {
      log::info("wrong_code",
                {{"request_id", request_id}, {"attempts_left", std::to_string(tries_left)}});
      if (tries_left > 0) {
        Outcome outcome = outcome_of(OutcomeKind::WrongCode);
        outcome.tries_left = tries_left;
        return Step::done(outcome);
      }
      // The last try is spent: delete the verification upstream so the code is dead for sure.
      log_if_unrecorded(request_id,
                        deps.fraud_guard.call_settled(verify_id, guard::Settlement::TriesSpent),
                        "fraud_call_settled");
      finish(deps, verify_id);
      return Step::call({messagebird::Call::Cancel, {}, verify_id, {}, {}},
                        [request_id](const VerifyResult& cancelled) {
                          log_failed_cancel(request_id, cancelled);
                          return Step::done(outcome_of(OutcomeKind::NoTriesLeft, true));
                        });
    }
    case VerifyError::Expired:
      log::info("code_expired", {{"request_id", request_id}});
      finish(deps, verify_id);
      return Step::done(outcome_of(OutcomeKind::Expired, true));
    case VerifyError::AlreadyProcessed:
      log::info("code_already_processed", {{"request_id", request_id}});
      finish(deps, verify_id);
      return Step::done(outcome_of(OutcomeKind::AlreadyUsed, true));
    case VerifyError::NotFound:
      log::warning("verification_not_found",
                   {{"request_id", request_id}, {"detail", answer.detail}});
      finish(deps, verify_id);
      return Step::done(outcome_of(OutcomeKind::UnknownVerification, true));
    case VerifyError::Unauthorized:
    case VerifyError::NoBalance:
      refund(deps, request_id, verify_id);
      log_account_problem(request_id, answer);
      return Step::done(outcome_of(OutcomeKind::AccountProblem));
    default:
      // Timeout, 5xx, garbage: we do not know whether the code was right.
      refund(deps, request_id, verify_id);
      log::warning("check_failed", {{"request_id", request_id},
                                    {"error", messagebird::verify_error_name(answer.error)},
                                    {"http_status", std::to_string(answer.http_status)},
                                    {"detail", answer.detail}});
      return Step::done(outcome_of(OutcomeKind::CheckFailed));
  }
}

// start_call once a place upstream is taken.
Step start_placed(const FlowDeps& deps, const Caller& caller, std::string_view number,
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
    Outcome outcome = outcome_of(OutcomeKind::NumberRefused);
    outcome.phone_error = phone.error;
    return Step::done(outcome);
  }
  ClaimKeys keys;
  keys.submission = deps.call_records.submission_key(current.browser_id, phone.digits);
  keys.claim = keys.submission;
  return place_call(deps, caller, phone, current, std::move(keys));
}

// check_code once the browser is known to hold `verify_id` and a place upstream is taken.
Step check_placed(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                  std::string_view code) {
  const std::string& rid = caller.request_id;

  const forms::CodeCheck checked = forms::check_code(code, deps.settings.token_length);
  if (checked.error != forms::CodeError::None) {
    Outcome outcome = outcome_of(OutcomeKind::CodeRefused);
    outcome.code_error = checked.error;
    return Step::done(outcome);
  }

  int tries_left = 0;
  const guard::LimitResult limit =
      deps.limiter.before_check(verify_id, deps.settings.code_timeout, tries_left);
  if (limit.verdict == guard::LimitVerdict::StoreDown ||
      limit.verdict == guard::LimitVerdict::BadKey) {
    util::metrics().store_error();
    log::error("store_unavailable", {{"request_id", rid}, {"during", "check_code"}});
    return Step::done(outcome_of(OutcomeKind::StoreDown));
  }
  if (limit.verdict == guard::LimitVerdict::Limited) {
    util::metrics().limit_hit(guard::limit_window_name(guard::LimitWindow::Attempts));
    log::warning("attempts_spent", {{"request_id", rid}});
    log_if_unrecorded(rid, deps.fraud_guard.call_settled(verify_id, guard::Settlement::TriesSpent),
                      "fraud_call_settled");
    finish(deps, verify_id);
    return Step::done(outcome_of(OutcomeKind::NoTriesLeft, true));
  }
  return Step::call({messagebird::Call::Check, {}, verify_id, checked.code, {}},
                    [&deps, caller, verify_id, tries_left](const VerifyResult& answer) {
                      return code_answered(deps, caller, verify_id, tries_left, answer);
                    });
}

}  // namespace

Step start_call(const FlowDeps& deps, const Caller& caller, std::string_view number,
                const Current& current) {
  Place place = place_upstream(deps, caller);
  if (place.refused) return Step::done(*place.refused);
  return start_placed(deps, caller, number, current).holding(std::move(place.ticket));
}

Step check_code(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                std::string_view code, const Current& current) {
  if (!owns(current, verify_id)) return Step::done(outcome_of(OutcomeKind::NotOwner));
  Place place = place_upstream(deps, caller);
  if (place.refused) return Step::done(*place.refused);
  return check_placed(deps, caller, verify_id, code).holding(std::move(place.ticket));
}

}  // namespace voiceverify::verify
