// The verification flow: the seed guide's two steps (call the number, check the code) with every
// limit and upstream answer decided here, on plain values. Pages (src/web/) feed it what the
// request and the browser's session hold and turn the Outcome into a page; they decide nothing
// about the flow themselves.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "forms/phone.hpp"
#include "guard/call_records.hpp"
#include "guard/fraud_guard.hpp"
#include "guard/limits.hpp"
#include "verify/admission.hpp"
#include "verify/call_language.hpp"
#include "verify/step.hpp"
#include "verify/test_numbers.hpp"

namespace voiceverify::verify {

// The flow's settings. No defaults here: app::flow_settings (src/app/settings.cpp) fills them.
struct FlowSettings {
  std::chrono::seconds code_timeout;  // CODE_TIMEOUT: how long a finished mark must outlive a code
  int token_length;                   // TOKEN_LENGTH
};

// What the flow needs from the running site; read-only but for the limiter, the records and the
// admission (each thread-safe).
struct FlowDeps {
  const forms::PhonePolicy& phone_policy;
  guard::Limiter& limiter;
  guard::FraudGuard& fraud_guard;
  FlowSettings settings;
  const CallVoice& call_voice;  // what a call says (call_language.hpp)
  // The code page's records (store/call_records.hpp): the sealed number for "call me again" and
  // the double-submission guard.
  guard::CallRecords& call_records;
  // Places among the requests waiting for MessageBird (the runner): every entry below that may
  // call MessageBird takes one before it spends anything, and the Step it returns holds it.
  Admission& admission;
  // TEST_NUMBERS (test_numbers.hpp), or none. The runner answers their calls; the flow asks only
  // so that the fraud guard does not count them (docs/operations.md, "Test numbers").
  const TestNumbers* test_numbers = nullptr;
};

// Who asks: for the log and the per-client limit.
struct Caller {
  std::string request_id;
  std::string client_address;   // REMOTE_ADDR
  std::string accept_language;  // HTTP_ACCEPT_LANGUAGE, raw: never logged (call_language.hpp)
  // The registered application the call is for: the API client (docs/api.md), or the OpenID
  // Connect client whose authorization the pages carry (docs/oidc.md); empty for anyone else.
  std::string app_client = {};
  // The browser's known mark (web/known_cookie.hpp): its id is the one a verification marks,
  // known or not yet; empty for the API, which has no browser.
  guard::BrowserMark browser = {};
};

// The verification the browser's session holds, if any.
struct Current {
  std::string verify_id;  // empty: none
  bool verified = false;
  std::string browser_id = {};  // the session's random id: keys this browser's call records
  long called_at = 0;  // when verify_id's call was placed, seconds since the epoch; 0: unknown
};

// Every entry below that may call MessageBird answers Busy or UpstreamDown, nothing spent, when
// no place upstream is to be had (admission.hpp); one that takes a verify id answers NotOwner
// first when the browser does not hold it, unverified. The pages ask nothing of their own.

// POST /: check the number, apply every limit, ask MessageBird to call and, only once the call
// is placed, cancel the verification in progress; a call never placed gives back every window
// it took (Limiter::give_back) and ends nothing. The same browser submitting the
// same number again within RESEND_INTERVAL joins the first submission's call (CallPlaced with its
// id), waiting up to a second for it when it is still in flight; nothing is paid twice.
Step start_call(const FlowDeps& deps, const Caller& caller, std::string_view number,
                const Current& current);

// POST /EnterCode/<id>: `verify_id` comes from the route (already of MessageBird's shape). The
// browser must hold it; the code is checked locally, an attempt counted, then upstream.
Step check_code(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                std::string_view code, const Current& current);

// POST /EnterCode/<id>/call-again: calls the number of the browser's verification again, through
// every fraud rule and limit as start_call, once RESEND_INTERVAL has passed since its call
// (TooSoon with retry_after before that, nothing spent). The new verification replaces it.
// call_again.cpp.
Step call_again(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                const Current& current);

// POST /EnterCode/<id>/other-number: the browser gives its verification up; it is finished here
// and cancelled upstream (a failed cancel is logged only; without a place upstream it is not
// sent, and logged): Cancelled, forget_current. call_again.cpp.
Step other_number(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                  const Current& current);

// How long until "call me again" is allowed (0: now), and how long the code has left (0: none),
// counted from current.called_at; `now` in seconds since the epoch.
std::chrono::seconds call_again_in(const FlowDeps& deps, const Current& current, long now);
std::chrono::seconds code_time_left(const FlowDeps& deps, const Current& current, long now);
// Seconds since the epoch, as Current::called_at counts.
long epoch_seconds();

// GET /EnterCode/<id>: what the code page shows, or nothing when the browser does not hold
// `verify_id` (the page then sends it to the number form). call_again.cpp.
struct CodePage {
  std::chrono::seconds call_again_in;   // as call_again_in below
  std::chrono::seconds code_time_left;  // as code_time_left below
};
std::optional<CodePage> code_page(const FlowDeps& deps, const Current& current,
                                  std::string_view verify_id, long now);

}  // namespace voiceverify::verify
