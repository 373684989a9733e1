// What start_call (flow.cpp) and call_again (call_again.cpp) share: placing a call to a number
// already checked, through the fraud guard and every limit, replacing the browser's verification.
// Internal to verify/.
#pragma once

#include <string>

#include "forms/phone.hpp"
#include "messagebird/verify_client.hpp"
#include "store/store.hpp"
#include "verify/flow.hpp"

namespace voiceverify::verify {

// The records that keep a double submission to one call (guard/call_records.hpp): `claim` is
// taken before anything is paid and joined by a second submission; `submission` (the browser's
// submission of this number) is pointed at the new call as well. Empty: no record.
struct ClaimKeys {
  std::string claim;
  std::string submission;
};

Step place_call(const FlowDeps& deps, const Caller& caller, const forms::PhoneCheck& phone,
                const Current& current, ClaimKeys keys);

// Our key or balance refused: the operator must act, so an error, not a warning.
void log_account_problem(const std::string& request_id, const messagebird::VerifyResult& answer);

// What the fraud guard and the limits are told of a call after the fact; a store that fails here
// cannot undo the call, so it is logged and the person goes on.
void log_if_unrecorded(const std::string& request_id, store::StoreError error, const char* what);

// A cancel that failed for another reason than "not found" is a warning.
void log_failed_cancel(const std::string& request_id, const messagebird::VerifyResult& answer);

// Marks a verification finished in the limiter: later checks are refused.
void finish(const FlowDeps& deps, const std::string& verify_id);

}  // namespace voiceverify::verify
