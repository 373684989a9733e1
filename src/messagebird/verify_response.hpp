// How one MessageBird Verify answer becomes one typed result (docs/messagebird-verify.md,
// "Errors": the order of the rules). Every answer maps to a VerifyError; nothing here throws for
// upstream trouble, whatever the body holds.
#pragma once

#include <string>
#include <string_view>

#include "messagebird/transport.hpp"

namespace voiceverify::messagebird {

// The three Verify API calls (docs/messagebird-verify.md): create a verification (the call),
// check a code, cancel (DELETE) a verification.
enum class Call { Create, Check, Cancel };

// "create", "check", "cancel": the operation's name in /metrics and the log.
const char* call_name(Call call);

enum class VerifyError {
  None,
  InvalidRecipient,  // 422 with parameter "recipient" (codes 9/10)
  Unauthorized,      // 401 code 2: bad access key
  NoBalance,         // code 25
  WrongCode,         // 422 code 10 "The token is invalid."
  Expired,           // 422 code 10 "The token has expired."
  AlreadyProcessed,  // 422 code 10 "The token has already been processed."
  NotFound,          // 404 code 20
  Rejected,          // another 4xx / error code we do not map (generic banner)
  Unavailable,       // 5xx, timeout, refused, non-JSON, wrong shape, 2xx without id, not "sent"
};

const char* verify_error_name(VerifyError error);

struct VerifyResult {
  VerifyError error = VerifyError::None;
  std::string id;      // create: the verify id (checked against ^[0-9a-z]{32}$)
  std::string status;  // "sent", "verified", ...
  // check, "verified": the number MessageBird called, "+" and 8 to 15 digits (E.164); empty when
  // the answer did not carry one of that shape. The only place the verified number comes from.
  std::string recipient;
  long http_status = 0;
  std::string detail;  // upstream description or transport detail: for the log only
};

// A result of `error` and `http_status` with nothing else but `detail`, made fit for the log:
// phone numbers masked, cut to 200 bytes, control bytes replaced. For refusals of the client's
// own too.
VerifyResult failed_result(VerifyError error, long http_status, std::string_view detail);

// Parses one upstream answer into a result; used by VerifyClient, exposed for unit tests and the
// fuzzer. Never throws, whatever the body holds.
VerifyResult interpret(Call call, const HttpResponse& response);

}  // namespace voiceverify::messagebird
