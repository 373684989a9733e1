// See flow_parts.hpp.
#include "verify/flow_parts.hpp"

#include <chrono>
#include <utility>

#include "http/signed_cookie.hpp"
#include "log/log.hpp"

namespace voiceverify::verify {

using messagebird::VerifyError;
using messagebird::VerifyResult;

Outcome outcome_of(OutcomeKind kind, bool forget_current) {
  Outcome outcome;
  outcome.kind = kind;
  outcome.forget_current = forget_current;
  return outcome;
}

bool owns(const Current& current, std::string_view verify_id) {
  return !current.verify_id.empty() && !current.verified &&
         http::constant_time_equal(current.verify_id, verify_id);
}

Place place_upstream(const FlowDeps& deps, const Caller& caller) {
  Place place;
  if (deps.admission.upstream_down()) {
    place.refused = outcome_of(OutcomeKind::UpstreamDown);
    return place;
  }
  std::optional<Admission::Ticket> ticket = deps.admission.admit();
  if (!ticket) {
    log::warning("upstream_busy", {{"request_id", caller.request_id}});
    place.refused = outcome_of(OutcomeKind::Busy);
    return place;
  }
  place.ticket = std::move(*ticket);
  return place;
}

void finish(const FlowDeps& deps, const std::string& verify_id) {
  deps.limiter.finish(verify_id, deps.settings.code_timeout);
}

long epoch_seconds() {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
}

void log_account_problem(const std::string& request_id, const VerifyResult& answer) {
  log::error("upstream_account_problem", {{"request_id", request_id},
                                          {"error", messagebird::verify_error_name(answer.error)},
                                          {"detail", answer.detail}});
}

void log_if_unrecorded(const std::string& request_id, store::StoreError error, const char* what) {
  if (error != store::StoreError::None) {
    log::error("store_unavailable", {{"request_id", request_id}, {"during", what}});
  }
}

void log_failed_cancel(const std::string& request_id, const VerifyResult& answer) {
  if (answer.error == VerifyError::None || answer.error == VerifyError::NotFound) return;
  log::warning("cancel_failed", {{"request_id", request_id},
                                 {"error", messagebird::verify_error_name(answer.error)},
                                 {"detail", answer.detail}});
}

}  // namespace voiceverify::verify
