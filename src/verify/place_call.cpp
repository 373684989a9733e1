// See place_call.hpp: start_call and call_again after the number is known, through the fraud
// guard, every limit and the double-submission claim (docs/architecture.md, "The code page"),
// then the create and, once the new call is placed, the cancel of the verification in progress.
// Order matters: validate locally, apply every limit, and only then pay; a call that was never
// placed spends nothing and ends nothing.
#include "verify/place_call.hpp"

#include <utility>

#include "log/log.hpp"
#include "util/metrics.hpp"
#include "verify/flow_parts.hpp"

namespace voiceverify::verify {
namespace {

using messagebird::VerifyError;
using messagebird::VerifyResult;

// The number a call went to, for its answer.
struct Called {
  std::string digits;  // E.164 digits
  std::string region;  // ISO region code
  std::string masked;  // as the code page shows it
  std::string client;  // the caller's address: its network is one of the guard's sources
};

// The answer to POST /verify.
Outcome call_answered(const FlowDeps& deps, const std::string& request_id, const Called& called,
                      const VerifyResult& answer) {
  Outcome outcome;
  const std::string number = log::mask_number("+" + called.digits);
  const std::string& masked = called.masked;
  switch (answer.error) {
    case VerifyError::None:
      log::info("call_placed", {{"request_id", request_id}, {"number", number}});
      // A test number's calls cost nothing and prove nothing about its range or country:
      // counted, an automated test's wrong codes could quarantine real numbers beside it, and
      // its successes hide a pumping run. The guard still judges it before the call.
      if (deps.test_numbers == nullptr || !deps.test_numbers->holds(called.digits)) {
        log_if_unrecorded(
            request_id,
            deps.fraud_guard.call_started(answer.id, called.digits, called.region, called.client),
            "fraud_call_started");
      }
      log_if_unrecorded(
          request_id, deps.limiter.note_call(answer.id, called.digits, deps.settings.code_timeout),
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
  return outcome;
}

// A create that never reached a person: MessageBird down or timed out, the breaker open, the
// request's budget spent (all Unavailable), or our own account refused. The windows it took are
// given back. A number MessageBird refused (InvalidRecipient, Rejected) stays counted: it was
// judged, and counting it keeps a run of such numbers bounded like any other.
bool never_placed(messagebird::VerifyError error) {
  return error == VerifyError::Unavailable || error == VerifyError::Unauthorized ||
         error == VerifyError::NoBalance;
}

// A double submission is joined only if the first call comes back within this; the worker
// thread waits for it (docs/architecture.md, "The code page").
constexpr std::chrono::milliseconds kJoinWait{1000};
// A pending claim outlives the longest a create may take (TOTAL_TIMEOUT_MS is at most 25 s), so
// a second submission never takes over one still in flight.
constexpr std::chrono::seconds kPendingHold{30};
// The sealed number lives as long as the session that can ask for it: CODE_TIMEOUT plus the
// session's margin (docs/operations.md, "Changing the signing key").
constexpr std::chrono::seconds kSessionMargin{120};

Outcome limited_resend(std::chrono::seconds retry_after) {
  Outcome outcome = outcome_of(OutcomeKind::Limited);
  outcome.window = guard::LimitWindow::Resend;
  outcome.retry_after = retry_after;
  return outcome;
}

// After the create's answer: a placed call keeps its number sealed for this browser and settles
// the claims (later submissions join it); any other answer releases the claim.
void record_call(const FlowDeps& deps, const std::string& request_id, const std::string& browser_id,
                 const std::string& digits, const ClaimKeys& keys, Outcome& outcome) {
  guard::CallRecords& records = deps.call_records;
  if (outcome.kind != OutcomeKind::CallPlaced) {
    if (!keys.claim.empty()) records.release(keys.claim);
    return;
  }
  outcome.called_at = epoch_seconds();
  if (!browser_id.empty()) {
    log_if_unrecorded(request_id,
                      records.keep_number(outcome.verify_id, browser_id, digits,
                                          deps.settings.code_timeout + kSessionMargin),
                      "keep_number");
  }
  const auto resend = deps.limiter.settings().resend_interval();
  if (resend <= std::chrono::seconds{0}) return;  // no window, no record to join
  for (const std::string* key : {&keys.claim, &keys.submission}) {
    if (key->empty() || (key == &keys.submission && *key == keys.claim)) continue;
    log_if_unrecorded(request_id,
                      records.settle(*key, outcome.verify_id, outcome.called_at, resend),
                      "settle_claim");
  }
}

}  // namespace

Step place_call(const FlowDeps& deps, const Caller& caller, const forms::PhoneCheck& phone,
                const Current& current, ClaimKeys keys) {
  const std::string& rid = caller.request_id;
  guard::CallRecords& records = deps.call_records;
  const auto resend = deps.limiter.settings().resend_interval();
  // Without a resend interval there is no window to keep a second submission out of.
  if (resend <= std::chrono::seconds{0}) keys.claim.clear();
  if (!keys.claim.empty()) {
    const guard::Claim claim = records.claim(keys.claim, resend + kPendingHold, kJoinWait);
    switch (claim.verdict) {
      case guard::ClaimVerdict::StoreDown:
        util::metrics().store_error();
        log::error("store_unavailable", {{"request_id", rid}, {"during", "claim"}});
        return Step::done(outcome_of(OutcomeKind::StoreDown));
      case guard::ClaimVerdict::Pending:
        // The first submission is still waiting for MessageBird: today's resend banner.
        log::info("call_still_pending", {{"request_id", rid}, {"number", phone.log_number}});
        return Step::done(limited_resend(resend));
      case guard::ClaimVerdict::Joined: {
        // A verification that is over (verified, or replaced by another number since, or given
        // up) is not joined: the number asked again is a new call, for the limits to judge.
        // Anything else is the same submission twice: the same code page.
        bool over = false;
        if (deps.limiter.finished(claim.verify_id, over) != store::StoreError::None) {
          util::metrics().store_error();
          log::error("store_unavailable", {{"request_id", rid}, {"during", "claim"}});
          return Step::done(outcome_of(OutcomeKind::StoreDown));
        }
        if (!over) {
          log::info("call_joined", {{"request_id", rid}, {"number", phone.log_number}});
          Outcome outcome = outcome_of(OutcomeKind::CallPlaced);
          outcome.verify_id = claim.verify_id;
          outcome.masked_number = phone.masked;
          outcome.called_at = claim.called_at;
          return Step::done(outcome);
        }
        keys.claim.clear();
        break;
      }
      case guard::ClaimVerdict::Ours:
        break;
    }
  }
  // Every refusal below gives the claim back, so that a retry is judged afresh.
  auto refuse = [&](Outcome outcome) {
    if (!keys.claim.empty()) records.release(keys.claim);
    return Step::done(std::move(outcome));
  };
  // A refusal the number earned (a quarantine, a limit window): one warning line, with what
  // refused it (`by` = `name`) and when to try again, then the refusal.
  auto refuse_number = [&](const char* event, const char* by, const char* name, Outcome outcome) {
    log::warning(event, {{"request_id", rid},
                         {by, name},
                         {"number", log::mask_number("+" + phone.digits)},
                         {"retry_after", std::to_string(outcome.retry_after.count())}});
    return refuse(std::move(outcome));
  };

  // The fraud guard first: a call it refuses must count in no limit window. A number verified
  // within KNOWN_DAYS passes a quarantine (docs/fraud-guard.md, "Known people").
  bool number_known = false;
  if (deps.limiter.number_known(phone.digits, number_known) != guard::StoreError::None) {
    log::error("store_unavailable", {{"request_id", rid}, {"during", "known_number"}});
    return refuse(outcome_of(OutcomeKind::StoreDown));
  }
  const guard::GuardResult guard =
      deps.fraud_guard.before_call(phone.digits, phone.region, number_known);
  if (guard.verdict == guard::GuardVerdict::StoreDown) {
    log::error("store_unavailable", {{"request_id", rid}, {"during", "fraud_guard"}});
    return refuse(outcome_of(OutcomeKind::StoreDown));
  }
  if (guard.verdict == guard::GuardVerdict::Refused) {
    util::metrics().fraud_refused(guard::guard_scope_name(guard.scope));
    Outcome outcome = outcome_of(OutcomeKind::NumberBlocked);
    outcome.retry_after = guard.retry_after;
    return refuse_number("fraud_refused", "scope", guard::guard_scope_name(guard.scope), outcome);
  }

  const guard::LimitResult limit = deps.limiter.before_call(
      phone.digits, caller.client_address, phone.region, caller.app_client, caller.browser);
  if (limit.verdict == guard::LimitVerdict::StoreDown ||
      limit.verdict == guard::LimitVerdict::BadKey) {
    // A store that is down fails closed; a key the limiter refuses is our bug. Neither pays.
    util::metrics().store_error();
    log::error("store_unavailable",
               {{"request_id", rid},
                {"during", "start_call"},
                {"limit", limit.verdict == guard::LimitVerdict::BadKey ? "bad-key" : ""}});
    return refuse(outcome_of(OutcomeKind::StoreDown));
  }
  if (limit.verdict == guard::LimitVerdict::Limited) {
    util::metrics().limit_hit(guard::limit_window_name(limit.window));
    Outcome outcome = outcome_of(OutcomeKind::Limited);
    outcome.window = limit.window;
    outcome.retry_after = limit.retry_after;
    return refuse_number("limit_hit", "limit", guard::limit_window_name(limit.window), outcome);
  }
  util::metrics().share_spent(limit.known ? util::Share::Known : util::Share::Strangers);

  // The call's language and sentence (docs/operations.md, "The call's language").
  const messagebird::Speech speech = deps.call_voice.speech(caller.accept_language, phone.region);
  // One active verification per browser: the one in progress ends only once the new call is
  // placed, so a refused or failed call leaves it usable.
  const std::string previous =
      current.verify_id.empty() || current.verified ? std::string() : current.verify_id;
  return Step::call(
      {messagebird::Call::Create, phone.digits, {}, {}, speech},
      [&deps, rid, called = Called{phone.digits, phone.region, phone.masked, caller.client_address},
       browser_id = current.browser_id, keys, taken = limit.taken,
       previous](const VerifyResult& answer) {
        Outcome outcome = call_answered(deps, rid, called, answer);
        record_call(deps, rid, browser_id, called.digits, keys, outcome);
        if (outcome.kind != OutcomeKind::CallPlaced) {
          if (never_placed(answer.error)) {
            log_if_unrecorded(rid, deps.limiter.give_back(taken), "give_back");
          }
          return Step::done(outcome);
        }
        if (previous.empty()) return Step::done(outcome);
        finish(deps, previous);
        outcome.forget_current = true;
        return Step::call({messagebird::Call::Cancel, {}, previous, {}, {}},
                          [rid, outcome](const VerifyResult& cancelled) {
                            log_failed_cancel(rid, cancelled);
                            return Step::done(outcome);
                          });
      });
}

}  // namespace voiceverify::verify
