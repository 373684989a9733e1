#include "simulator/sim_state.hpp"

#include <json/writer.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <stdexcept>
#include <utility>
#include <vector>

namespace voiceverify::simulator {
namespace {

using std::chrono::system_clock;

constexpr std::string_view kBase = "https://rest.messagebird.com";
constexpr std::string_view kDefaultTemplate = "Your code is: %token";  // contract default [V]

// TTS languages from MessageBird's Java client (contract, POST /verify).
constexpr std::array<std::string_view, 19> kLanguages = {
    "nl-nl", "de-de", "en-gb", "en-us", "en-au", "es-es", "es-mx", "es-us", "fr-fr", "fr-ca",
    "it-it", "pl-pl", "pt-br", "ro-ro", "ru-ru", "is-is", "ja-jp", "ko-kr", "zh-cn"};

struct ApiError {
  int code;
  std::string description;
  std::string parameter;  // "" renders as null
};

std::string quoted(std::string_view text) {
  return Json::valueToQuotedString(std::string(text).c_str());
}

// Built by hand rather than through Json::Value so the keys keep the contract's order (jsoncpp
// sorts object keys); every string still goes through jsoncpp's escaping.
std::string errors_body(const std::vector<ApiError>& errors) {
  std::string body = R"({"errors":[)";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) body += ',';
    body += R"({"code":)" + std::to_string(errors[i].code) + R"(,"description":)" +
            quoted(errors[i].description) + R"(,"parameter":)" +
            (errors[i].parameter.empty() ? std::string("null") : quoted(errors[i].parameter)) + "}";
  }
  return body + "]}";
}

ApiResult error_result(int status, int code, std::string_view description,
                       std::string_view parameter) {
  return {status, error_body(code, description, parameter), std::nullopt};
}

// Contract, Errors: 401 code 2, word for word.
ApiResult unauthorized() {
  return error_result(401, 2, "Request not allowed (incorrect access_key)", "access_key");
}

// The contract names no parameter for code 20; MessageBird's not-found errors carry null.
ApiResult not_found() {
  return error_result(404, 20, "Verify object could not be found", "");
}

// GET /verify/{id} token rows: all 422 code 10 with parameter "token" (the contract's [I]).
ApiResult token_error(std::string_view description) {
  return error_result(422, 10, description, "token");
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_alnum(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

// Whole-string decimal integer, no sign, no spaces: "6" yes, "+6", " 6", "6x" no.
std::optional<long long> parse_int(std::string_view text) {
  if (!all_digits(text) || text.size() > 12) return std::nullopt;
  long long value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void random_bytes(unsigned char* out, std::size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
}

// 32 lowercase hex characters with the occasional 'v', like the contract's example id
// 4e213b01155d1e35a9d9571v00162985 (the 'v' at the same place, in about one id of four).
std::string make_id() {
  std::array<unsigned char, 17> bytes{};
  random_bytes(bytes.data(), bytes.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (std::size_t i = 0; i < 16; ++i) {
    id += kHex[bytes[i] >> 4];
    id += kHex[bytes[i] & 0x0f];
  }
  if ((bytes[16] & 3) == 0) id[23] = 'v';
  return id;
}

// Uniform decimal digits: bytes of 250 and above are dropped so that `% 10` has no bias.
std::string make_token(int length) {
  std::string token;
  while (token.size() < static_cast<std::size_t>(length)) {
    std::array<unsigned char, 16> bytes{};
    random_bytes(bytes.data(), bytes.size());
    for (unsigned char b : bytes) {
      if (b < 250 && token.size() < static_cast<std::size_t>(length)) {
        token += static_cast<char>('0' + b % 10);
      }
    }
  }
  return token;
}

std::string replace_all(std::string text, std::string_view what, std::string_view with) {
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
  return text;
}

// A voice reads "1 2 3 4 5 6" digit by digit; the printed line should look like what is heard.
std::string spaced(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  return out;
}

std::string messages_href(std::string_view type, std::string_view message_id) {
  std::string path = type == "tts"     ? "/voicemessages/"
                     : type == "email" ? "/verify/messages/email/"
                                       : "/messages/";
  return std::string(kBase) + path + std::string(message_id);
}

std::optional<std::string> get(const Params& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::string error_body(int code, std::string_view description, std::string_view parameter) {
  return errors_body({{code, std::string(description), std::string(parameter)}});
}

std::string format_datetime(system_clock::time_point when) {
  const std::time_t seconds = system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S+00:00", &utc);
  return text;
}

std::string mask_recipient(std::string_view recipient) {
  std::string masked(recipient);
  for (std::size_t i = 2; i + 2 < masked.size(); ++i) masked[i] = '*';
  return (all_digits(recipient) ? "+" : "") + masked;
}

SimState::SimState(std::string access_key, Clock clock, bool test_keys_send_nothing)
    : access_key_(std::move(access_key)),
      clock_(std::move(clock)),
      test_key_(test_keys_send_nothing && access_key_.rfind("test_", 0) == 0) {}

bool SimState::authorized(std::string_view authorization) const {
  constexpr std::string_view kScheme = "AccessKey ";
  return !access_key_.empty() && authorization.size() == kScheme.size() + access_key_.size() &&
         authorization.substr(0, kScheme.size()) == kScheme &&
         authorization.substr(kScheme.size()) == access_key_;
}

std::string SimState::render(const VerifyObject& object, system_clock::time_point now) const {
  std::string status;
  switch (object.status) {
    case Status::Verified:
      status = "verified";
      break;
    case Status::Failed:
      status = "failed";
      break;
    case Status::Sent:
      status = now > object.valid_until ? "expired" : "sent";
      break;
  }
  // recipient is a JSON number for phone verifies, a string for email (contract, POST /verify).
  const std::string recipient =
      object.type == "email" ? quoted(object.recipient) : object.recipient;
  return R"({"id":)" + quoted(object.id) + R"(,"href":)" +
         quoted(std::string(kBase) + "/verify/" + object.id) + R"(,"recipient":)" + recipient +
         R"(,"reference":)" + (object.reference ? quoted(*object.reference) : "null") +
         R"(,"messages":{"href":)" + quoted(object.messages_href) + R"(},"status":)" +
         quoted(status) + R"(,"createdDatetime":)" + quoted(format_datetime(object.created)) +
         R"(,"validUntilDatetime":)" + quoted(format_datetime(object.valid_until)) + "}";
}

ApiResult SimState::create(std::string_view authorization, const CreateInput& input) {
  std::lock_guard lock(mutex_);
  ++counters_.creates;
  if (!authorized(authorization)) return unauthorized();
  if (input.body_unparsable) return error_result(400, 21, "Request body is not valid JSON", "");

  // Every invalid parameter is reported at once: the contract allows several errors per body.
  const Params& p = input.params;
  std::vector<ApiError> errors;
  const auto bad = [&](const std::string& name) {
    errors.push_back({10, name + " is invalid", name});
  };

  const std::string type = get(p, "type").value_or("sms");
  const bool type_ok = type == "sms" || type == "flash" || type == "tts" || type == "email";
  if (!type_ok) bad("type");

  const std::string recipient = get(p, "recipient").value_or("");
  if (recipient.empty()) {
    errors.push_back({9, "recipient is required", "recipient"});
  } else if (type == "email") {
    if (recipient.find('@') == std::string::npos || recipient.size() > 254) bad("recipient");
  } else if (!all_digits(recipient) || recipient.size() < 7 || recipient.size() > 15) {
    bad("recipient");  // international format, digits only (contract)
  }

  const std::string template_text = get(p, "template").value_or(std::string(kDefaultTemplate));
  if (template_text.find("%token") == std::string::npos) {
    errors.push_back({10, "template must contain %token", "template"});
  }

  const auto int_param = [&](const std::string& name, long long fallback, long long low,
                             long long high) {
    const auto raw = get(p, name);
    if (!raw) return fallback;
    const auto value = parse_int(*raw);
    if (!value || *value < low || *value > high) {
      bad(name);
      return fallback;
    }
    return *value;
  };
  const int token_length = static_cast<int>(int_param("tokenLength", 6, 6, 10));
  const long long timeout = int_param("timeout", 30, 1, 100'000'000);
  const int max_attempts = static_cast<int>(int_param("maxAttempts", 1, 1, 1'000));

  const auto one_of = [&](const std::string& name,
                          std::initializer_list<std::string_view> allowed) {
    const auto raw = get(p, name);
    if (raw && std::find(allowed.begin(), allowed.end(), *raw) == allowed.end()) bad(name);
  };
  one_of("voice", {"male", "female"});
  one_of("datacoding", {"plain", "unicode", "auto"});
  if (const auto language = get(p, "language");
      language && std::find(kLanguages.begin(), kLanguages.end(), *language) == kLanguages.end()) {
    bad("language");
  }
  // originator: a number, or up to 11 alphanumerics (contract).
  if (const auto originator = get(p, "originator");
      originator && !(all_digits(*originator) && originator->size() <= 17) &&
      !(all_alnum(*originator) && originator->size() <= 11)) {
    bad("originator");
  }
  const auto reference = get(p, "reference");
  if (reference && !all_alnum(*reference)) bad("reference");

  if (!errors.empty()) return {422, errors_body(errors), std::nullopt};
  if (behaviour_.no_balance) return error_result(422, 25, "Not enough balance", "");
  if (behaviour_.refuse_recipient)
    return error_result(422, 10,
                        behaviour_.error_description.empty() ? std::string("recipient is invalid")
                                                             : behaviour_.error_description,
                        "recipient");

  VerifyObject object;
  do {
    object.id = make_id();
  } while (objects_.count(object.id) != 0);
  object.type = type;
  object.recipient = recipient;
  object.reference = reference;
  object.messages_href = messages_href(type, make_id());
  object.token = make_token(token_length);
  const auto now = clock_();
  object.created = std::chrono::floor<std::chrono::seconds>(now);
  object.valid_until = object.created + std::chrono::seconds(timeout);
  object.max_attempts = behaviour_.ignore_max_attempts ? 1 : max_attempts;

  ApiResult result{201, render(object, now), std::nullopt};
  // Test keys "check the connection only; nothing is sent" and later GET/DELETE answer 404.
  if (test_key_) return result;

  const std::string token_text = type == "tts" ? spaced(object.token) : object.token;
  result.call =
      PlacedCall{type, recipient, replace_all(template_text, "%token", token_text), object.token};
  newest_by_recipient_[recipient] = object.id;
  objects_.emplace(object.id, std::move(object));
  return result;
}

ApiResult SimState::check(std::string_view authorization, const std::string& id,
                          const std::string& token) {
  std::lock_guard lock(mutex_);
  ++counters_.checks;
  if (!authorized(authorization)) return unauthorized();
  const auto it = objects_.find(id);
  if (it == objects_.end()) return not_found();
  VerifyObject& object = it->second;
  const auto now = clock_();

  // The rows of the contract's GET table, in this order.
  if (token.empty()) return {200, render(object, now), std::nullopt};
  if (now > object.valid_until) return token_error("The token has expired.");
  if (object.status != Status::Sent || object.attempts >= object.max_attempts) {
    return token_error("The token has already been processed.");
  }
  if (token.size() < 6 || token.size() > 10) {
    return token_error("Token should between 6 and 10 characters");  // (sic), as observed
  }
  ++object.attempts;
  if (token != object.token) {
    // Historically one attempt per object: the wrong code ends the verification (contract).
    if (object.attempts >= object.max_attempts) object.status = Status::Failed;
    return token_error("The token is invalid.");
  }
  object.status = Status::Verified;
  return {200, render(object, now), std::nullopt};
}

ApiResult SimState::remove(std::string_view authorization, const std::string& id) {
  std::lock_guard lock(mutex_);
  ++counters_.deletes;
  if (!authorized(authorization)) return unauthorized();
  if (objects_.erase(id) == 0) return not_found();
  return {204, "", std::nullopt};
}

std::optional<std::string> SimState::last_code(const std::string& recipient) const {
  std::lock_guard lock(mutex_);
  const auto newest = newest_by_recipient_.find(recipient);
  if (newest == newest_by_recipient_.end()) return std::nullopt;
  const auto object = objects_.find(newest->second);
  if (object == objects_.end()) return std::nullopt;
  return object->second.token;
}

SimStats SimState::stats() const {
  std::lock_guard lock(mutex_);
  SimStats stats = counters_;
  const auto now = clock_();
  stats.active = static_cast<std::uint64_t>(
      std::count_if(objects_.begin(), objects_.end(), [&](const auto& entry) {
        return entry.second.status == Status::Sent && now <= entry.second.valid_until;
      }));
  return stats;
}

Behaviour SimState::behaviour() const {
  std::lock_guard lock(mutex_);
  return behaviour_;
}

void SimState::set_behaviour(const Behaviour& behaviour) {
  std::lock_guard lock(mutex_);
  behaviour_ = behaviour;
}

void SimState::expire_all() {
  std::lock_guard lock(mutex_);
  const system_clock::time_point past =
      std::chrono::floor<std::chrono::seconds>(clock_()) - std::chrono::seconds(1);
  for (auto& [id, object] : objects_) object.valid_until = std::min(object.valid_until, past);
}

void SimState::reset() {
  std::lock_guard lock(mutex_);
  objects_.clear();
  newest_by_recipient_.clear();
  counters_ = SimStats{};
  behaviour_ = Behaviour{};
}

}  // namespace voiceverify::simulator
