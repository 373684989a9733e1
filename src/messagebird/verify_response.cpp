// Reading MessageBird's answers: how each one becomes one VerifyError, rule by rule as
// docs/messagebird-verify.md ("Errors", "Create a verification", "Check a code", "Cancel") sets
// them out. Upstream bytes are untrusted: jsoncpp throws on wrong-type access, so every value is
// type-checked before use and parsing runs inside a catch; interpret() is also the fuzz target.
#include "messagebird/verify_response.hpp"

#include <json/json.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "log/log.hpp"
#include "messagebird/verify_id.hpp"
#include "util/ascii.hpp"
#include "util/name_table.hpp"

namespace voiceverify::messagebird {
namespace {

// A detail goes to the log only; keep an upstream-controlled string short and on one line.
constexpr std::size_t kMaxDetail = 200;
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

constexpr auto kTransportErrorNames = std::to_array<util::NameRow<TransportError>>({
    {TransportError::None, "none"},
    {TransportError::ConnectFailed, "connect_failed"},
    {TransportError::Timeout, "timeout"},
    {TransportError::TooLarge, "too_large"},
    {TransportError::Other, "other"},
});

const char* transport_error_name(TransportError error) {
  return util::name_of(kTransportErrorNames, error, "unknown");
}

constexpr auto kVerifyErrorNames = std::to_array<util::NameRow<VerifyError>>({
    {VerifyError::None, "none"},
    {VerifyError::InvalidRecipient, "invalid_recipient"},
    {VerifyError::Unauthorized, "unauthorized"},
    {VerifyError::NoBalance, "no_balance"},
    {VerifyError::WrongCode, "wrong_code"},
    {VerifyError::Expired, "expired"},
    {VerifyError::AlreadyProcessed, "already_processed"},
    {VerifyError::NotFound, "not_found"},
    {VerifyError::Rejected, "rejected"},
    {VerifyError::Unavailable, "unavailable"},
});

constexpr auto kCallNames = std::to_array<util::NameRow<Call>>({
    {Call::Create, "create"},
    {Call::Check, "check"},
    {Call::Cancel, "cancel"},
});

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

// One entry of {"errors":[{"code","description","parameter"}]} (docs/messagebird-verify.md,
// "Errors").
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

// Check errors are told apart only by their description, all being code 10
// (docs/messagebird-verify.md, "Check a code").
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

// The error codes docs/messagebird-verify.md ("Errors") maps to one result; nullopt for the rest.
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
// service treats a 201 with "failed" as not placed; so does docs/messagebird-verify.md, "Create a
// verification").
VerifyResult interpret_created(const Json::Value& root, long http_status) {
  if (http_status != 200 && http_status != 201 && http_status != 202) {
    return failed_result(VerifyError::Unavailable, http_status, "unexpected success status");
  }
  const Json::Value* id = member(root, "id");
  if (id == nullptr || !id->isString() || !is_verify_id(id->asString())) {
    return failed_result(VerifyError::Unavailable, http_status, "create answer without a valid id");
  }
  const Json::Value* status = member(root, "status");
  if (status == nullptr || !status->isString()) {
    return failed_result(VerifyError::Unavailable, http_status, "create answer without a status");
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

// The object's recipient as E.164, or empty: a JSON number for a phone verification (a string
// of digits is taken too), 8 to 15 digits (docs/messagebird-verify.md, "Verify object and
// statuses").
std::string recipient_of(const Json::Value& root) {
  const Json::Value* recipient = member(root, "recipient");
  if (recipient == nullptr) return {};
  std::string digits;
  // An integer as written: never a float such as 3.16e10, whose digits are not the number's.
  const bool integer = recipient->type() == Json::uintValue || recipient->type() == Json::intValue;
  if (integer && recipient->isUInt64()) {
    digits = std::to_string(recipient->asUInt64());
  } else if (recipient->isString()) {
    digits = recipient->asString();
  }
  if (digits.size() < 8 || digits.size() > 15 || !util::is_digits(digits) || digits[0] == '0')
    return {};
  return "+" + digits;
}

// A 200 check: the object as it stands. Only "verified" is success (docs/messagebird-verify.md,
// "Check a code").
VerifyResult interpret_checked(const Json::Value& root, long http_status) {
  if (http_status != 200) {
    return failed_result(VerifyError::Unavailable, http_status, "unexpected success status");
  }
  const Json::Value* status = member(root, "status");
  if (status == nullptr || !status->isString()) {
    return failed_result(VerifyError::Unavailable, http_status, "check answer without a status");
  }
  VerifyResult result;
  result.http_status = http_status;
  if (const Json::Value* id = member(root, "id"); id != nullptr) {
    if (!id->isString() || !is_verify_id(id->asString())) {
      return failed_result(VerifyError::Unavailable, http_status,
                           "check answer without a valid id");
    }
    result.id = id->asString();
  }
  result.status = status->asString();
  if (result.status == "verified") {
    result.error = VerifyError::None;
    result.recipient = recipient_of(root);
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

}  // namespace

VerifyResult failed_result(VerifyError error, long http_status, std::string_view detail) {
  VerifyResult result;
  result.error = error;
  result.http_status = http_status;
  result.detail = clean_detail(detail);
  return result;
}

const char* verify_error_name(VerifyError error) {
  return util::name_of(kVerifyErrorNames, error, "unknown");
}

const char* call_name(Call call) {
  return util::name_of(kCallNames, call, "unknown");
}

VerifyResult interpret(Call call, const HttpResponse& response) {
  const long http = response.status;
  if (response.error != TransportError::None) {
    return failed_result(
        VerifyError::Unavailable, http,
        std::string("transport ") + transport_error_name(response.error) + ": " + response.detail);
  }
  // docs/messagebird-verify.md, "Cancel": 204 No Content with an empty body.
  if (call == Call::Cancel && http == 204) return failed_result(VerifyError::None, http, "");

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

  // docs/messagebird-verify.md, "Errors": server trouble may be HTML or empty; whatever it says,
  // try again later.
  if (http >= 500) {
    return failed_result(VerifyError::Unavailable, http,
                         "HTTP " + std::to_string(http) +
                             (first_description.empty() ? "" : ": " + first_description));
  }
  // docs/messagebird-verify.md, "Authentication": 401 is a bad or missing access key, with or
  // without a readable body.
  if (http == 401) return failed_result(VerifyError::Unauthorized, http, first_description);
  if (!root || !root->isObject()) {
    return failed_result(VerifyError::Unavailable, http,
                         "HTTP " + std::to_string(http) + ": body is not a JSON object");
  }
  if (errors_malformed) {
    return failed_result(VerifyError::Unavailable, http,
                         "HTTP " + std::to_string(http) + ": errors of the wrong shape");
  }
  if (!errors.empty()) {
    // Several errors: the first one we know decides; none known is a generic refusal.
    for (const UpstreamError& error : errors) {
      if (const std::optional<VerifyError> known = known_error(call, error)) {
        return failed_result(*known, http, error.description);
      }
    }
    return failed_result(VerifyError::Rejected, http,
                         "code " + std::to_string(errors.front().code) + ": " + first_description);
  }
  if (http < 200 || http > 299) {
    return failed_result(VerifyError::Unavailable, http,
                         "HTTP " + std::to_string(http) + " without errors");
  }
  switch (call) {
    case Call::Create:
      return interpret_created(*root, http);
    case Call::Check:
      return interpret_checked(*root, http);
    case Call::Cancel:
      return failed_result(VerifyError::None, http, "");
  }
  return failed_result(VerifyError::Unavailable, http, "unknown call");
}

}  // namespace voiceverify::messagebird
