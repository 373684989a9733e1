#include "simulator/sim_state.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "simulator/sim_params.hpp"

namespace voiceverify::simulator {
namespace {

using std::chrono::system_clock;

ApiResult error_result(int status, int code, std::string_view description,
                       std::string_view parameter) {
  return {status, error_body(code, description, parameter), std::nullopt};
}

// docs/messagebird-verify.md, Errors: 401 code 2, word for word.
ApiResult unauthorized() {
  return error_result(401, 2, "Request not allowed (incorrect access_key)", "access_key");
}

// The documentation names no parameter for code 20; MessageBird's not-found errors carry null.
ApiResult not_found() {
  return error_result(404, 20, "Verify object could not be found", "");
}

// GET /verify/{id} token rows: all 422 code 10 with parameter "token"
// (docs/messagebird-verify.md, Check a code).
ApiResult token_error(std::string_view description) {
  return error_result(422, 10, description, "token");
}

void random_bytes(unsigned char* out, std::size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
}

// 32 lowercase hex characters with the occasional 'v', like the documented example id
// 4e213b01155d1e35a9d9571v00162985 (docs/messagebird-verify.md, Verify ids): the 'v' at the same
// place, in about one id of four.
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

}  // namespace

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
  return verify_body(object, status);
}

ApiResult SimState::create(std::string_view authorization, const CreateInput& input) {
  std::lock_guard lock(mutex_);
  ++counters_.creates;
  if (!authorized(authorization)) return unauthorized();
  if (input.body_unparsable) return error_result(400, 21, "Request body is not valid JSON", "");

  const CheckedCreate checked = check_create(input.params);
  if (!checked.errors.empty()) return {422, errors_body(checked.errors), std::nullopt};
  if (behaviour_.no_balance) return error_result(422, 25, "Not enough balance", "");
  if (behaviour_.refuse_recipient)
    return error_result(422, 10,
                        behaviour_.error_description.empty() ? std::string("recipient is invalid")
                                                             : behaviour_.error_description,
                        "recipient");

  const CreateParams& p = checked.params;
  VerifyObject object;
  do {
    object.id = make_id();
  } while (objects_.count(object.id) != 0);
  object.type = p.type;
  object.recipient = p.recipient;
  object.reference = p.reference;
  object.messages_href = messages_href(p.type, make_id());
  object.token = make_token(p.token_length);
  const auto now = clock_();
  object.created = std::chrono::floor<std::chrono::seconds>(now);
  object.valid_until = object.created + std::chrono::seconds(p.timeout);
  object.max_attempts = behaviour_.ignore_max_attempts ? 1 : p.max_attempts;
  object.language = p.language;
  if (p.template_sent) object.template_sent = p.template_text;

  ApiResult result{201, render(object, now), std::nullopt};
  // Test keys "check the connection only; nothing is sent" and later GET/DELETE answer 404.
  if (test_key_) return result;

  const std::string token_text = p.type == "tts" ? spaced(object.token) : object.token;
  result.call =
      PlacedCall{p.type,       p.recipient, replace_all(p.template_text, "%token", token_text),
                 object.token, object.id,   p.language.value_or("")};
  newest_by_recipient_[p.recipient] = object.id;
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

  // The rows of the documented GET table (docs/messagebird-verify.md, Check a code), in this
  // order.
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
    // Historically one attempt per object: the wrong code ends the verification
    // (docs/messagebird-verify.md, Attempts).
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

std::optional<std::string> SimState::last_spoken(const std::string& recipient) const {
  std::lock_guard lock(mutex_);
  const auto newest = newest_by_recipient_.find(recipient);
  if (newest == newest_by_recipient_.end()) return std::nullopt;
  const auto object = objects_.find(newest->second);
  if (object == objects_.end()) return std::nullopt;
  return spoken_body(object->second.language, object->second.template_sent);
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
