// What every file of the flow shares (flow.cpp, place_call.cpp, call_again.cpp): building an
// Outcome, who holds a verification, the place upstream, marking a verification finished, and the
// log lines of upstream and store trouble. Internal to verify/; it calls nothing else of the
// flow, so calls go one way: flow.cpp and call_again.cpp to place_call.cpp, all three to here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "messagebird/verify_response.hpp"
#include "store/store.hpp"
#include "verify/flow.hpp"

namespace voiceverify::verify {

// An Outcome of `kind`; `forget_current`: the verification the browser held is over.
Outcome outcome_of(OutcomeKind kind, bool forget_current = false);

// True when the session holds `verify_id`, unverified (compared in constant time). The flow's
// entries that take a verify id ask this first, and the pages never do.
bool owns(const Current& current, std::string_view verify_id);

// A place among the requests waiting for MessageBird (admission.hpp), or the refusal to answer
// with: UpstreamDown, or Busy (logged). Asked after the free refusals, before anything is spent.
struct Place {
  Admission::Ticket ticket;
  std::optional<Outcome> refused;
};
Place place_upstream(const FlowDeps& deps, const Caller& caller);

// Marks a verification finished in the limiter: later checks are refused.
void finish(const FlowDeps& deps, const std::string& verify_id);

// Our key or balance refused: the operator must act, so an error, not a warning.
void log_account_problem(const std::string& request_id, const messagebird::VerifyResult& answer);

// What the fraud guard and the limits are told of a call after the fact; a store that fails here
// cannot undo the call, so it is logged and the person goes on.
void log_if_unrecorded(const std::string& request_id, store::StoreError error, const char* what);

// A cancel that failed for another reason than "not found" is a warning.
void log_failed_cancel(const std::string& request_id, const messagebird::VerifyResult& answer);

}  // namespace voiceverify::verify
