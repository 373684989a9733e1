// What a verification step ended in, as plain values: the pages turn each kind into a page or a
// redirect with a banner; later a JSON API or metrics can read the same values. Nothing here
// knows of HTML, cookies or FastCGI.
#pragma once

#include <chrono>
#include <string>

#include "forms/code.hpp"
#include "forms/phone.hpp"
#include "guard/limits.hpp"

namespace voiceverify::verify {

enum class OutcomeKind {
  CallPlaced,           // verify_id, masked_number, called_at: the browser now owns this one
  NumberRefused,        // phone_error: missing, invalid, a type or country we do not call
  Limited,              // window, retry_after
  NumberBlocked,        // the fraud guard quarantines the number's range or country
  StoreDown,            // counters unreachable (or our bug): fail closed, nothing was paid
  CallFailed,           // MessageBird did not place the call (timeout, 5xx, refusal)
  AccountProblem,       // our key or balance: the operator must act
  RecipientRefused,     // MessageBird says the number cannot be called
  NotOwner,             // the browser does not hold this verification
  CodeRefused,          // code_error: missing or malformed, never sent upstream
  WrongCode,            // tries_left (> 0)
  NoTriesLeft,          // the last try was wrong, or the tries were spent before
  Expired,              // the code is too old
  AlreadyUsed,          // MessageBird has finished this verification
  UnknownVerification,  // MessageBird does not know it (any more)
  CheckFailed,          // the answer to a check never came: the try was given back
  Verified,
  TooSoon,       // "call me again" before RESEND_INTERVAL has passed: retry_after, nothing spent
  Cancelled,     // the browser gave its verification up ("use a different number")
  Busy,          // UPSTREAM_MAX_INFLIGHT requests already wait for MessageBird: nothing spent
  UpstreamDown,  // the circuit breaker is open (MessageBird is known down): nothing spent
};

// "call_placed", "number_refused", ...: one name per kind, for logs and tests.
const char* outcome_name(OutcomeKind kind);

struct Outcome {
  OutcomeKind kind = OutcomeKind::StoreDown;
  std::string verify_id;                                    // CallPlaced
  std::string masked_number;                                // CallPlaced: "+31 * ******78"
  forms::PhoneError phone_error = forms::PhoneError::None;  // NumberRefused
  forms::CodeError code_error = forms::CodeError::None;     // CodeRefused
  guard::LimitWindow window = guard::LimitWindow::Resend;   // Limited
  std::chrono::seconds retry_after{0};                      // Limited
  int tries_left = 0;                                       // WrongCode
  long called_at = 0;  // CallPlaced: when MessageBird placed it, seconds since the epoch
  // Verified: the number MessageBird called, E.164 (messagebird::VerifyResult::recipient); empty
  // when its answer did not say. Handed only to an application the person sent it to
  // (docs/oidc.md); never logged, never in a cookie, never stored in clear.
  std::string phone_number;
  // The verification the browser held is over (cancelled for a new call, spent, expired,
  // unknown, verified elsewhere): forget it.
  bool forget_current = false;
};

}  // namespace voiceverify::verify
