// The Verify client: the three requests as docs/messagebird-verify.md ("Authentication",
// "Create a verification", "Check a code", "Cancel") describes them, and the look-up of
// "Checking a key", each checked locally before anything is sent. Reading the answers is
// verify_response.cpp's job.
#include "messagebird/verify_client.hpp"

#include <json/json.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "messagebird/verify_id.hpp"
#include "util/ascii.hpp"
#include "util/metrics.hpp"

namespace voiceverify::messagebird {
namespace {

// E.164 allows at most 15 digits; the API wants the recipient as digits only.
constexpr std::size_t kMaxRecipientDigits = 15;
// The API allows tokenLength 6..10; nothing longer can be right, so nothing longer is sent.
constexpr std::size_t kMaxCodeDigits = 10;

std::string json_body(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  builder["emitUTF8"] = true;
  return Json::writeString(builder, value);
}

// docs/messagebird-verify.md, "Authentication": AccessKey authorization, JSON in both directions,
// a client User-Agent.
// nullopt when a setting would corrupt the header block (a config bug, refused locally).
std::optional<std::vector<std::string>> request_headers(const VerifySettings& settings,
                                                        bool with_body) {
  // A CR or LF in a header value would let a setting inject headers: refuse any control byte.
  if (util::has_control(settings.access_key) || util::has_control(settings.user_agent)) {
    return std::nullopt;
  }
  std::vector<std::string> headers{
      "Authorization: AccessKey " + settings.access_key,
      "Accept: application/json",
  };
  if (with_body) headers.emplace_back("Content-Type: application/json");
  headers.push_back("User-Agent: " + settings.user_agent);
  return headers;
}

// A request ready to send, or the local refusal that stands for its answer.
struct Prepared {
  std::optional<HttpRequest> request;
  VerifyResult refusal;
};

Prepared refused(VerifyError error, std::string_view why) {
  return {std::nullopt, failed_result(error, 0, why)};
}

Prepared prepare_create(const VerifySettings& settings, const std::string& recipient_digits,
                        const Speech& speech) {
  // docs/messagebird-verify.md, "Create a verification": recipient in international format,
  // digits only.
  if (!util::is_digits(recipient_digits) || recipient_digits.size() > kMaxRecipientDigits) {
    return refused(VerifyError::InvalidRecipient, "refused locally: recipient is not digits");
  }
  auto headers = request_headers(settings, true);
  if (!headers)
    return refused(VerifyError::Unavailable, "refused locally: control byte in settings");
  Json::Value body(Json::objectValue);
  // Sent as a string of digits, as the guide does: no number precision questions on any side.
  body["recipient"] = recipient_digits;
  body["type"] = "tts";  // a voice call: the only kind this site places
  // The call's own sentence and language first (docs/operations.md, "The call's language"); no
  // template at all lets MessageBird speak its own sentence in the language.
  const std::string& spoken =
      speech.template_text.empty() ? settings.template_text : speech.template_text;
  if (!spoken.empty()) body["template"] = spoken;
  body["tokenLength"] = settings.token_length;
  body["timeout"] = static_cast<Json::Int64>(settings.timeout.count());
  if (!settings.originator.empty()) body["originator"] = settings.originator;
  if (!settings.voice.empty()) body["voice"] = settings.voice;
  const std::string& language = speech.language.empty() ? settings.language : speech.language;
  if (!language.empty()) body["language"] = language;
  // maxAttempts arrived in 2023 with an unknown default: only send it to ask for more than one.
  if (settings.max_attempts > 1) body["maxAttempts"] = settings.max_attempts;

  HttpRequest request;
  request.method = "POST";
  request.url = settings.endpoint + "/verify";
  request.headers = std::move(*headers);
  request.body = json_body(body);
  return {std::move(request), {}};
}

Prepared prepare_check(const VerifySettings& settings, const std::string& id,
                       const std::string& code) {
  // Only validated parts go into the URL: an id of MessageBird's shape, a code of digits.
  if (!is_verify_id(id)) return refused(VerifyError::Rejected, "refused locally: bad id");
  if (!util::is_digits(code) || code.size() > kMaxCodeDigits) {
    return refused(VerifyError::Rejected, "refused locally: code is not 1 to 10 digits");
  }
  auto headers = request_headers(settings, false);
  if (!headers)
    return refused(VerifyError::Unavailable, "refused locally: control byte in settings");
  HttpRequest request;
  request.method = "GET";
  request.url = settings.endpoint + "/verify/" + id + "?token=" + code;
  request.headers = std::move(*headers);
  return {std::move(request), {}};
}

// DELETE /verify/{id} (a cancel) or GET /verify/{id} without a token (a look-up).
Prepared prepare_by_id(const VerifySettings& settings, const char* method, const std::string& id) {
  if (!is_verify_id(id)) return refused(VerifyError::Rejected, "refused locally: bad id");
  auto headers = request_headers(settings, false);
  if (!headers)
    return refused(VerifyError::Unavailable, "refused locally: control byte in settings");
  HttpRequest request;
  request.method = method;
  request.url = settings.endpoint + "/verify/" + id;
  request.headers = std::move(*headers);
  return {std::move(request), {}};
}

Prepared prepare(const VerifySettings& settings, Call call, const std::string& subject,
                 const std::string& code, const Speech& speech) {
  switch (call) {
    case Call::Create:
      return prepare_create(settings, subject, speech);
    case Call::Check:
      return prepare_check(settings, subject, code);
    case Call::Cancel:
      break;
  }
  return prepare_by_id(settings, "DELETE", subject);
}

// Reads the answer; for a check, an answer about another verify object must not verify this one.
VerifyResult read_answer(Call call, const std::string& subject, const HttpResponse& response) {
  VerifyResult result = interpret(call, response);
  if (call == Call::Check && result.error == VerifyError::None && !result.id.empty() &&
      result.id != subject) {
    return failed_result(VerifyError::Unavailable, result.http_status,
                         "check answer for another id");
  }
  return result;
}

using Clock = std::chrono::steady_clock;

// One request that went out, however it ended; a refusal before sending is not counted.
void count_upstream(const char* operation, const VerifyResult& result, Clock::time_point sent) {
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent);
  util::metrics().upstream(
      operation, result.error == VerifyError::None ? "ok" : verify_error_name(result.error), took);
}

using Reader = std::function<VerifyResult(const HttpResponse&)>;

// Answers a local refusal at once, or submits the request; `read` makes its answer a result,
// counted under `operation`.
void send(Transport& transport, Prepared prepared, std::chrono::milliseconds timeout,
          const char* operation, Reader read, VerifyClient::Done done) {
  if (!prepared.request) {
    done(std::move(prepared.refusal));
    return;
  }
  prepared.request->timeout = timeout;
  transport.submit(std::move(*prepared.request),
                   [operation, read = std::move(read), sent = Clock::now(),
                    done = std::move(done)](const HttpResponse& response) {
                     VerifyResult result = read(response);
                     count_upstream(operation, result, sent);
                     done(std::move(result));
                   });
}

}  // namespace

VerifyClient::VerifyClient(const VerifySettings& settings, Transport& transport)
    : settings_(settings), transport_(transport) {}

void VerifyClient::start(Call call, const std::string& subject, const std::string& code,
                         const Speech& speech, std::chrono::milliseconds timeout, Done done) {
  send(
      transport_, prepare(settings_, call, subject, code, speech), timeout, call_name(call),
      [call, subject](const HttpResponse& response) {
        return read_answer(call, subject, response);
      },
      std::move(done));
}

void VerifyClient::look_up(const std::string& id, Done done) {
  send(
      transport_, prepare_by_id(settings_, "GET", id), std::chrono::milliseconds(0), "look_up",
      [](const HttpResponse& response) { return interpret(Call::Check, response); },
      std::move(done));
}

}  // namespace voiceverify::messagebird
