// The Verify client: the three requests as docs/messagebird-verify.md ("Authentication",
// "Create a verification", "Check a code", "Cancel") describes them, each checked locally before
// anything is sent. Reading the answers is verify_response.cpp's job.
#include "messagebird/verify_client.hpp"

#include <json/json.h>

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "messagebird/verify_id.hpp"
#include "util/ascii.hpp"

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

}  // namespace

VerifyClient::VerifyClient(const VerifySettings& settings, Transport& transport)
    : settings_(settings), transport_(transport) {}

VerifyResult VerifyClient::create_call(const std::string& recipient_digits) {
  // docs/messagebird-verify.md, "Create a verification": recipient in international format,
  // digits only.
  if (!util::is_digits(recipient_digits) || recipient_digits.size() > kMaxRecipientDigits) {
    return failed_result(VerifyError::InvalidRecipient, 0,
                         "refused locally: recipient is not digits");
  }
  auto headers = request_headers(settings_, true);
  if (!headers) {
    return failed_result(VerifyError::Unavailable, 0, "refused locally: control byte in settings");
  }
  Json::Value body(Json::objectValue);
  // Sent as a string of digits, as the guide does: no number precision questions on any side.
  body["recipient"] = recipient_digits;
  body["type"] = settings_.type;
  body["template"] = settings_.template_text;
  body["tokenLength"] = settings_.token_length;
  body["timeout"] = static_cast<Json::Int64>(settings_.timeout.count());
  if (!settings_.originator.empty()) body["originator"] = settings_.originator;
  if (!settings_.voice.empty()) body["voice"] = settings_.voice;
  if (!settings_.language.empty()) body["language"] = settings_.language;
  // maxAttempts arrived in 2023 with an unknown default: only send it to ask for more than one.
  if (settings_.max_attempts > 1) body["maxAttempts"] = settings_.max_attempts;

  HttpRequest request;
  request.method = "POST";
  request.url = settings_.endpoint + "/verify";
  request.headers = std::move(*headers);
  request.body = json_body(body);
  return interpret(Call::Create, transport_.perform(request));
}

VerifyResult VerifyClient::check_code(const std::string& id, const std::string& code) {
  // Only validated parts go into the URL: an id of MessageBird's shape, a code of digits.
  if (!is_verify_id(id)) return failed_result(VerifyError::Rejected, 0, "refused locally: bad id");
  if (!util::is_digits(code) || code.size() > kMaxCodeDigits) {
    return failed_result(VerifyError::Rejected, 0, "refused locally: code is not 1 to 10 digits");
  }
  auto headers = request_headers(settings_, false);
  if (!headers) {
    return failed_result(VerifyError::Unavailable, 0, "refused locally: control byte in settings");
  }
  HttpRequest request;
  request.method = "GET";
  request.url = settings_.endpoint + "/verify/" + id + "?token=" + code;
  request.headers = std::move(*headers);
  VerifyResult result = interpret(Call::Check, transport_.perform(request));
  // An answer about another verify object must not verify this one.
  if (result.error == VerifyError::None && !result.id.empty() && result.id != id) {
    return failed_result(VerifyError::Unavailable, result.http_status,
                         "check answer for another id");
  }
  return result;
}

VerifyResult VerifyClient::cancel(const std::string& id) {
  if (!is_verify_id(id)) return failed_result(VerifyError::Rejected, 0, "refused locally: bad id");
  auto headers = request_headers(settings_, false);
  if (!headers) {
    return failed_result(VerifyError::Unavailable, 0, "refused locally: control byte in settings");
  }
  HttpRequest request;
  request.method = "DELETE";
  request.url = settings_.endpoint + "/verify/" + id;
  request.headers = std::move(*headers);
  return interpret(Call::Cancel, transport_.perform(request));
}

}  // namespace voiceverify::messagebird
