// The checks POST /verify makes of its parameters before anything is stored or sent, with the
// defaults the API fills in (docs/messagebird-verify.md, Create a verification). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/sim_wire.hpp"

namespace voiceverify::simulator {

// A create's parameters once checked, defaults filled in.
struct CreateParams {
  std::string type;                     // sms (the default), flash, tts or email
  std::string recipient;                // digits, or an address for email
  std::string template_text;            // as sent, else the API's default
  bool template_sent = false;           // the create carried a template
  std::optional<std::string> language;  // as sent
  int token_length = 6;
  long long timeout = 30;  // seconds
  int max_attempts = 1;
  std::optional<std::string> reference;
};

struct CheckedCreate {
  CreateParams params;           // meaningful only when `errors` is empty
  std::vector<ApiError> errors;  // every invalid parameter, in the order they are checked
};

// Checks recipient, type, template, tokenLength, timeout, maxAttempts, voice, datacoding,
// language, originator and reference. Every invalid parameter is reported at once: the API allows
// several errors per body (docs/messagebird-verify.md, Errors; The simulator).
CheckedCreate check_create(const Params& params);

}  // namespace voiceverify::simulator
