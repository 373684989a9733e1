// The code page's two ways on (flow.hpp): "call me again" and "use a different number"
// (docs/architecture.md, "The code page"). The number of the call to repeat is never in the
// session: it is read from the store's sealed record, which only this browser's id opens.
#include <algorithm>
#include <optional>
#include <utility>

#include "log/log.hpp"
#include "util/metrics.hpp"
#include "verify/flow.hpp"
#include "verify/flow_parts.hpp"
#include "verify/place_call.hpp"

namespace voiceverify::verify {
namespace {

std::chrono::seconds left_of(long until, long now) {
  return std::chrono::seconds{std::max(0L, until - now)};
}

// call_again once the browser is known to hold `verify_id`, the wait is over and a place upstream
// is taken.
Step again_placed(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                  const Current& current) {
  const std::string& rid = caller.request_id;
  guard::CallRecords& records = deps.call_records;
  const guard::Recalled number = records.number_of(verify_id, current.browser_id);
  if (number.error != store::StoreError::None) {
    util::metrics().store_error();
    log::error("store_unavailable", {{"request_id", rid}, {"during", "call_again"}});
    return Step::done(outcome_of(OutcomeKind::StoreDown));
  }
  if (!number.digits) {
    // The record expired with the code, or was never kept (a store that failed then).
    log::warning("call_again_number_unknown", {{"request_id", rid}});
    finish(deps, verify_id);
    return Step::done(outcome_of(OutcomeKind::UnknownVerification, true));
  }
  // The number is checked again: the policy may have changed since (ALLOWED_COUNTRIES).
  const forms::PhoneCheck phone = forms::check_phone("+" + *number.digits, deps.phone_policy);
  if (phone.error != forms::PhoneError::None) {
    log::info("number_refused", {{"request_id", rid}, {"reason", "call_again"}});
    Outcome outcome = outcome_of(OutcomeKind::NumberRefused);
    outcome.phone_error = phone.error;
    return Step::done(outcome);
  }
  log::info("call_again", {{"request_id", rid}, {"number", phone.log_number}});
  ClaimKeys keys{records.call_again_key(current.browser_id, verify_id),
                 records.submission_key(current.browser_id, phone.digits)};
  return place_call(deps, caller, phone, current, std::move(keys));
}

}  // namespace

std::chrono::seconds call_again_in(const FlowDeps& deps, const Current& current, long now) {
  if (current.called_at <= 0) return std::chrono::seconds{0};
  return left_of(current.called_at + deps.limiter.settings().resend_interval().count(), now);
}

std::chrono::seconds code_time_left(const FlowDeps& deps, const Current& current, long now) {
  if (current.called_at <= 0) return deps.settings.code_timeout;
  return left_of(current.called_at + deps.settings.code_timeout.count(), now);
}

std::optional<CodePage> code_page(const FlowDeps& deps, const Current& current,
                                  std::string_view verify_id, long now) {
  if (!owns(current, verify_id)) return std::nullopt;
  return CodePage{call_again_in(deps, current, now), code_time_left(deps, current, now)};
}

Step call_again(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                const Current& current) {
  if (!owns(current, verify_id)) return Step::done(outcome_of(OutcomeKind::NotOwner));
  const std::string& rid = caller.request_id;
  const std::chrono::seconds wait = call_again_in(deps, current, epoch_seconds());
  if (wait > std::chrono::seconds{0}) {
    // Said before asking for a place upstream: it costs nothing either way.
    log::info("call_again_too_soon", {{"request_id", rid}, {"wait", std::to_string(wait.count())}});
    Outcome outcome = outcome_of(OutcomeKind::TooSoon);
    outcome.retry_after = wait;
    return Step::done(outcome);
  }
  Place place = place_upstream(deps, caller);
  if (place.refused) return Step::done(*place.refused);
  return again_placed(deps, caller, verify_id, current).holding(std::move(place.ticket));
}

Step other_number(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                  const Current& current) {
  if (!owns(current, verify_id)) return Step::done(outcome_of(OutcomeKind::NotOwner));
  const std::string rid = caller.request_id;
  finish(deps, verify_id);
  guard::CallRecords& records = deps.call_records;
  // The same number typed again is a new call now, not this one joined.
  const guard::Recalled number = records.number_of(verify_id, current.browser_id);
  if (number.digits) records.release(records.submission_key(current.browser_id, *number.digits));
  records.forget_number(verify_id);
  log::info("verification_abandoned", {{"request_id", rid}});
  // The person goes back to the number form whatever MessageBird does: a cancel that cannot be
  // sent now is logged, and the code dies by CODE_TIMEOUT (the limiter already refuses it).
  std::optional<Admission::Ticket> place;
  if (!deps.admission.upstream_down()) place = deps.admission.admit();
  if (!place) {
    log::warning("cancel_skipped", {{"request_id", rid}});
    return Step::done(outcome_of(OutcomeKind::Cancelled, true));
  }
  return Step::call({messagebird::Call::Cancel, {}, verify_id, {}, {}},
                    [rid](const messagebird::VerifyResult& cancelled) {
                      log_failed_cancel(rid, cancelled);
                      return Step::done(outcome_of(OutcomeKind::Cancelled, true));
                    })
      .holding(std::move(*place));
}

}  // namespace voiceverify::verify
