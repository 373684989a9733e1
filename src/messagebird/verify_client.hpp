// The MessageBird Verify API client (docs/messagebird-verify.md): the three requests. Every
// answer comes back as a typed VerifyError (verify_response.hpp); nothing here throws for
// upstream trouble.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "messagebird/transport.hpp"
#include "messagebird/verify_response.hpp"

namespace voiceverify::messagebird {

// The configured fields have no defaults here: app::verify_settings (src/app/settings.cpp) fills
// them from the MESSAGEBIRD_*, VERIFY_*, TOKEN_LENGTH, CODE_TIMEOUT, MAX_ATTEMPTS, VOICE,
// LANGUAGE and ORIGINATOR keys.
struct VerifySettings {
  std::string endpoint;  // no trailing slash
  std::string access_key;
  std::string template_text;  // empty: not sent unless the call brings one (Speech)
  std::string originator;     // empty: not sent
  std::string voice;          // empty: not sent
  std::string language;       // empty: not sent
  int token_length;
  std::chrono::seconds timeout;
  int max_attempts;  // sent as maxAttempts only when above 1
  std::string user_agent = "voiceverify/0.1 MessageBird/ApiClient/Cpp";
};

// What one call says, chosen per request (verify/call_language.hpp). Each field, when set, is
// sent instead of the settings' one; a template that is empty in both is not sent, and
// MessageBird speaks its own sentence in the language (docs/messagebird-verify.md, "TTS
// languages").
struct Speech {
  std::string language;
  std::string template_text;
};

// Asynchronous only, the way production uses it: each request is handed to the transport and its
// result given to `done` (on the transport's thread, see Transport::submit), or at once for a
// request refused locally. An access key or user agent holding a control byte (header injection)
// is Unavailable without any request.
class VerifyClient {
 public:
  using Done = std::function<void(VerifyResult)>;

  // Keeps references: both must outlive the client.
  VerifyClient(const VerifySettings& settings, Transport& transport);

  // One of the three requests; `subject` is the recipient (Create) or the verify id, `code` the
  // code (Check); `speech` counts for Create only. `timeout` zero: the transport's total timeout.
  // - Create: POST /verify with the recipient's E.164 digits. Success: error None, id set, status
  //   "sent". A recipient that is not 1 to 15 digits is InvalidRecipient without any request.
  // - Check: GET /verify/{id}?token=CODE. The caller validates `id` (^[0-9a-z]{32}$) and `code`
  //   (digits); this checks again and answers Rejected without any request if either is off (a
  //   code over 10 digits included). Success means status "verified"; a 200 with "expired" is
  //   Expired, "failed" AlreadyProcessed, "deleted" NotFound, anything else ("sent") WrongCode.
  // - Cancel: DELETE /verify/{id}. Success: 204. NotFound is reported as such.
  void start(Call call, const std::string& subject, const std::string& code, const Speech& speech,
             std::chrono::milliseconds timeout, Done done);

  // GET /verify/{id} without a token, within the transport's total timeout: reads a verification
  // and changes nothing, so it can ask whether the key works. An unknown id is NotFound (the key
  // works), a bad key Unauthorized; an id of the wrong shape Rejected without any request.
  void look_up(const std::string& id, Done done);

 private:
  const VerifySettings& settings_;
  Transport& transport_;
};

}  // namespace voiceverify::messagebird
