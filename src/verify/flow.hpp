// The verification flow: the seed guide's two steps (call the number, check the code) with every
// limit and upstream answer decided here, on plain values. Pages (src/web/) feed it what the
// request and the browser's session hold and turn the Outcome into a page; they decide nothing
// about the flow themselves.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "forms/phone.hpp"
#include "store/fraud_guard.hpp"
#include "store/limits.hpp"
#include "verify/call_language.hpp"
#include "verify/step.hpp"

namespace voiceverify::verify {

// What the flow needs from the running site; read-only but for the limiter (thread-safe).
struct FlowDeps {
  const forms::PhonePolicy& phone_policy;
  store::Limiter& limiter;
  store::FraudGuard& fraud_guard;
  std::chrono::seconds code_timeout;  // CODE_TIMEOUT: how long a finished mark must outlive a code
  int token_length;                   // TOKEN_LENGTH
  // What a call says (call_language.hpp); null: the client's settings (LANGUAGE, VERIFY_TEMPLATE).
  const CallVoice* call_voice = nullptr;
};

// Who asks: for the log and the per-client limit.
struct Caller {
  std::string request_id;
  std::string client_address;   // REMOTE_ADDR
  std::string accept_language;  // HTTP_ACCEPT_LANGUAGE, raw: never logged (call_language.hpp)
};

// The verification the browser's session holds, if any.
struct Current {
  std::string verify_id;  // empty: none
  bool verified = false;
};

// POST /: check the number, apply every limit, then cancel the verification in progress (only
// once this call will be placed) and ask MessageBird to call.
Step start_call(const FlowDeps& deps, const Caller& caller, std::string_view number,
                const Current& current);

// POST /EnterCode/<id>: `verify_id` comes from the route (already of MessageBird's shape). The
// browser must hold it; the code is checked locally, an attempt counted, then upstream.
Step check_code(const FlowDeps& deps, const Caller& caller, const std::string& verify_id,
                std::string_view code, const Current& current);

// True when the session holds `verify_id`, unverified (compared in constant time).
bool owns(const Current& current, std::string_view verify_id);

}  // namespace voiceverify::verify
