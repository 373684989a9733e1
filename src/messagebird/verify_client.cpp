// The Verify client. Every rule here cites shared/messagebird-verify-api.md ("the contract"):
// what we send, and how each upstream answer becomes one VerifyError. Upstream bytes are
// untrusted: jsoncpp throws on wrong-type access, so every value is type-checked before use and
// parsing runs inside a catch; interpret() is also the fuzz target.
#include "messagebird/verify_client.hpp"

#include <json/json.h>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "log/log.hpp"
#include "messagebird/verify_id.hpp"
#include "util/ascii.hpp"

namespace voiceverify::messagebird {
namespace {

// A detail goes to the log only; keep an upstream-controlled string short and on one line.
constexpr std::size_t kMaxDetail = 200;
// E.164 allows at most 15 digits; the contract wants the recipient as digits only.
constexpr std::size_t kMaxRecipientDigits = 15;
// The contract allows tokenLength 6..10; nothing longer can be right, so nothing longer is sent.
constexpr std::size_t kMaxCodeDigits = 10;
// Real answers nest three levels deep; a low limit keeps a hostile body from recursing far.
constexpr int kJsonStackLimit = 32;

// Every upstream text on its way to the log passes here, so this is where phone numbers in it
// (MessageBird's descriptions repeat the recipient) are masked, before the cut so a number
// split by it is masked too.
std::string clean_detail(std::string_view text) {
  std::string out = log::mask_digit_runs(text).substr(0, kMaxDetail);
  std::replace_if(out.begin(), out.end(), util::is_control, '?');
  return out;
}

VerifyResult failure(VerifyError error, long http_status, std::string_view detail) {
  VerifyResult result;
  result.error = error;
  result.http_status = http_status;
  result.detail = clean_detail(detail);
  return result;
}

const char* transport_error_name(TransportError error) {
  switch (error) {
    case TransportError::None:
      return "none";
    case TransportError::ConnectFailed:
      return "connect_failed";
    case TransportError::Timeout:
      return "timeout";
    case TransportError::TooLarge:
      return "too_large";
    case TransportError::Other:
      return "other";
  }
  return "unknown";
}

// Strict JSON: no comments, no trailing garbage, no duplicate keys, an object or array root.
std::optional<Json::Value> parse_json(const std::string& body) {
  Json::CharReaderBuilder builder;
  Json::CharReaderBuilder::strictMode(&builder.settings_);
  builder["stackLimit"] = kJsonStackLimit;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  try {
    if (!reader->parse(body.data(), body.data() + body.size(), &root, &errors)) return std::nullopt;
  } catch (const std::exception&) {
    // jsoncpp throws past stackLimit; for us that is just another unreadable body.
    return std::nullopt;
  }
  return root;
}

const Json::Value* member(const Json::Value& object, std::string_view key) {
  if (!object.isObject()) return nullptr;
  return object.find(key.data(), key.data() + key.size());
}

// One entry of the contract's {"errors":[{"code","description","parameter"}]}.
struct UpstreamError {
  int code = 0;
  std::string description;
  std::string parameter;  // empty when null or absent
};

// nullopt when the entry does not have the documented shape (the whole answer is then unusable).
std::optional<UpstreamError> read_error(const Json::Value& entry) {
  const Json::Value* code = member(entry, "code");
  if (code == nullptr || !code->isInt()) return std::nullopt;
  UpstreamError error;
  error.code = code->asInt();
  if (const Json::Value* description = member(entry, "description");
      description != nullptr && !description->isNull()) {
    if (!description->isString()) return std::nullopt;
    error.description = description->asString();
  }
  if (const Json::Value* parameter = member(entry, "parameter");
      parameter != nullptr && !parameter->isNull()) {
    if (!parameter->isString()) return std::nullopt;
    error.parameter = parameter->asString();
  }
  return error;
}

// Check errors are told apart only by their description (contract, GET table: all code 10).
struct TokenDescription {
  std::string_view description;
  VerifyError error;
};
constexpr TokenDescription kTokenDescriptions[] = {
    {"The token is invalid.", VerifyError::WrongCode},
    {"The token has expired.", VerifyError::Expired},
    {"The token has already been processed.", VerifyError::AlreadyProcessed},
    // The observed text is missing "be" (sic); accept the corrected one too should it be fixed.
    {"Token should between 6 and 10 characters", VerifyError::WrongCode},
    {"Token should be between 6 and 10 characters", VerifyError::WrongCode},
};

// The error codes the contract lists that mean one thing for us; nullopt for the rest.
std::optional<VerifyError> known_error(Call call, const UpstreamError& error) {
  switch (error.code) {
    case 2:
      return VerifyError::Unauthorized;  // request not allowed (incorrect access_key)
    case 20:
      return VerifyError::NotFound;  // verify object could not be found
    case 25:
      return VerifyError::NoBalance;  // not enough balance
    case 99:
      return VerifyError::Unavailable;  // internal error: their trouble, not ours
    case 9:
    case 10:
      if (call == Call::Create && error.parameter == "recipient") {
        return VerifyError::InvalidRecipient;
      }
      if (call == Call::Check && error.code == 10) {
        for (const auto& known : kTokenDescriptions) {
          if (error.description == known.description) return known.error;
        }
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// A 2xx create: the call was placed only with a well-formed id and status "sent" (Signal's
// service treats a 201 with "failed" as not placed; so does the contract).
VerifyResult interpret_created(const Json::Value& root, long http_status) {
  if (http_status != 200 && http_status != 201 && http_status != 202) {
    return failure(VerifyError::Unavailable, http_status, "unexpected success status");
  }
  const Json::Value* id = member(root, "id");
  if (id == nullptr || !id->isString() || !is_verify_id(id->asString())) {
    return failure(VerifyError::Unavailable, http_status, "create answer without a valid id");
  }
  const Json::Value* status = member(root, "status");
  if (status == nullptr || !status->isString()) {
    return failure(VerifyError::Unavailable, http_status, "create answer without a status");
  }
  VerifyResult result;
  result.http_status = http_status;
  result.id = id->asString();
  result.status = status->asString();
  if (result.status != "sent") {
    result.error = VerifyError::Unavailable;
    result.detail = clean_detail("create status " + result.status);
  }
  return result;
}

// A 200 check: the object as it stands. Only "verified" is success (contract, GET table).
VerifyResult interpret_checked(const Json::Value& root, long http_status) {
  if (http_status != 200) {
    return failure(VerifyError::Unavailable, http_status, "unexpected success status");
  }
  const Json::Value* status = member(root, "status");
  if (status == nullptr || !status->isString()) {
    return failure(VerifyError::Unavailable, http_status, "check answer without a status");
  }
  VerifyResult result;
  result.http_status = http_status;
  if (const Json::Value* id = member(root, "id"); id != nullptr) {
    if (!id->isString() || !is_verify_id(id->asString())) {
      return failure(VerifyError::Unavailable, http_status, "check answer without a valid id");
    }
    result.id = id->asString();
  }
  result.status = status->asString();
  if (result.status == "verified") {
    result.error = VerifyError::None;
  } else if (result.status == "expired") {
    result.error = VerifyError::Expired;
  } else if (result.status == "failed") {
    result.error = VerifyError::AlreadyProcessed;  // attempts spent: a new call is needed
  } else if (result.status == "deleted") {
    result.error = VerifyError::NotFound;  // cancelled: the code can never match again
  } else {
    // "sent" comes back for an empty token; we never send one, so treat it as not verified.
    result.error = VerifyError::WrongCode;
  }
  if (result.error != VerifyError::None) result.detail = clean_detail("status " + result.status);
  return result;
}

std::string json_body(const Json::Value& value) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = "";
  builder["emitUTF8"] = true;
  return Json::writeString(builder, value);
}

}  // namespace

const char* verify_error_name(VerifyError error) {
  switch (error) {
    case VerifyError::None:
      return "none";
    case VerifyError::InvalidRecipient:
      return "invalid_recipient";
    case VerifyError::Unauthorized:
      return "unauthorized";
    case VerifyError::NoBalance:
      return "no_balance";
    case VerifyError::WrongCode:
      return "wrong_code";
    case VerifyError::Expired:
      return "expired";
    case VerifyError::AlreadyProcessed:
      return "already_processed";
    case VerifyError::NotFound:
      return "not_found";
    case VerifyError::Rejected:
      return "rejected";
    case VerifyError::Unavailable:
      return "unavailable";
  }
  return "unknown";
}

VerifyResult interpret(Call call, const HttpResponse& response) {
  const long http = response.status;
  if (response.error != TransportError::None) {
    return failure(
        VerifyError::Unavailable, http,
        std::string("transport ") + transport_error_name(response.error) + ": " + response.detail);
  }
  // Contract, DELETE: 204 No Content with an empty body.
  if (call == Call::Cancel && http == 204) return failure(VerifyError::None, http, "");

  const std::optional<Json::Value> root = parse_json(response.body);
  std::vector<UpstreamError> errors;
  bool errors_malformed = false;
  if (root) {
    if (const Json::Value* list = member(*root, "errors"); list != nullptr && !list->isNull()) {
      if (!list->isArray()) {
        errors_malformed = true;
      } else {
        for (const Json::Value& entry : *list) {
          std::optional<UpstreamError> error = read_error(entry);
          if (!error) {
            errors_malformed = true;
            break;
          }
          errors.push_back(std::move(*error));
        }
      }
    }
  }
  const std::string first_description = errors.empty() ? "" : errors.front().description;

  // Contract, Errors: server trouble may be HTML or empty; whatever it says, try again later.
  if (http >= 500) {
    return failure(VerifyError::Unavailable, http,
                   "HTTP " + std::to_string(http) +
                       (first_description.empty() ? "" : ": " + first_description));
  }
  // Contract: 401 is a bad or missing access key, with or without a readable body.
  if (http == 401) return failure(VerifyError::Unauthorized, http, first_description);
  if (!root || !root->isObject()) {
    return failure(VerifyError::Unavailable, http,
                   "HTTP " + std::to_string(http) + ": body is not a JSON object");
  }
  if (errors_malformed) {
    return failure(VerifyError::Unavailable, http,
                   "HTTP " + std::to_string(http) + ": errors of the wrong shape");
  }
  if (!errors.empty()) {
    // Several errors: the first one we know decides; none known is a generic refusal.
    for (const UpstreamError& error : errors) {
      if (const std::optional<VerifyError> known = known_error(call, error)) {
        return failure(*known, http, error.description);
      }
    }
    return failure(VerifyError::Rejected, http,
                   "code " + std::to_string(errors.front().code) + ": " + first_description);
  }
  if (http < 200 || http > 299) {
    return failure(VerifyError::Unavailable, http,
                   "HTTP " + std::to_string(http) + " without errors");
  }
  switch (call) {
    case Call::Create:
      return interpret_created(*root, http);
    case Call::Check:
      return interpret_checked(*root, http);
    case Call::Cancel:
      return failure(VerifyError::None, http, "");
  }
  return failure(VerifyError::Unavailable, http, "unknown call");
}

VerifyClient::VerifyClient(const VerifySettings& settings, Transport& transport)
    : settings_(settings), transport_(transport) {}

namespace {

// Contract, Transport: AccessKey authorization, JSON in both directions, a client User-Agent.
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

VerifyResult VerifyClient::create_call(const std::string& recipient_digits) {
  // Contract, POST /verify: recipient in international format, digits only.
  if (!util::is_digits(recipient_digits) || recipient_digits.size() > kMaxRecipientDigits) {
    return failure(VerifyError::InvalidRecipient, 0, "refused locally: recipient is not digits");
  }
  auto headers = request_headers(settings_, true);
  if (!headers) {
    return failure(VerifyError::Unavailable, 0, "refused locally: control byte in settings");
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
  // Only validated parts go into the URL: an id of the contract's shape, a code of digits.
  if (!is_verify_id(id)) return failure(VerifyError::Rejected, 0, "refused locally: bad id");
  if (!util::is_digits(code) || code.size() > kMaxCodeDigits) {
    return failure(VerifyError::Rejected, 0, "refused locally: code is not 1 to 10 digits");
  }
  auto headers = request_headers(settings_, false);
  if (!headers) {
    return failure(VerifyError::Unavailable, 0, "refused locally: control byte in settings");
  }
  HttpRequest request;
  request.method = "GET";
  request.url = settings_.endpoint + "/verify/" + id + "?token=" + code;
  request.headers = std::move(*headers);
  VerifyResult result = interpret(Call::Check, transport_.perform(request));
  // An answer about another verify object must not verify this one.
  if (result.error == VerifyError::None && !result.id.empty() && result.id != id) {
    return failure(VerifyError::Unavailable, result.http_status, "check answer for another id");
  }
  return result;
}

VerifyResult VerifyClient::cancel(const std::string& id) {
  if (!is_verify_id(id)) return failure(VerifyError::Rejected, 0, "refused locally: bad id");
  auto headers = request_headers(settings_, false);
  if (!headers) {
    return failure(VerifyError::Unavailable, 0, "refused locally: control byte in settings");
  }
  HttpRequest request;
  request.method = "DELETE";
  request.url = settings_.endpoint + "/verify/" + id;
  request.headers = std::move(*headers);
  return interpret(Call::Cancel, transport_.perform(request));
}

}  // namespace voiceverify::messagebird
