// See test_numbers.hpp. The answers follow docs/messagebird-verify.md ("Check a code", "Cancel")
// as VerifyClient reads them: the flow cannot tell them from MessageBird's.
#include "verify/test_numbers.hpp"

#include <charconv>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "http/signed_cookie.hpp"
#include "log/log.hpp"
#include "util/hmac.hpp"
#include "util/metrics.hpp"
#include "util/seal.hpp"
#include "util/verify_id.hpp"

namespace voiceverify::verify {

using messagebird::Call;
using messagebird::VerifyError;
using messagebird::VerifyResult;

namespace {

constexpr std::string_view kKeyPrefix = "test-call:";
constexpr std::size_t kRandomHexDigits = 20;
constexpr std::size_t kTagHexDigits = util::kVerifyIdLength - kRandomHexDigits;
// A record outlives its code by this, so a late check is Expired, as MessageBird answers it,
// rather than NotFound.
constexpr std::chrono::seconds kKeptAfterExpiry{3600};
constexpr std::string_view kSent = "sent";
constexpr std::string_view kVerified = "verified";

VerifyResult result(VerifyError error, long http_status, std::string status = {}) {
  VerifyResult out = messagebird::failed_result(error, http_status, "test number");
  out.status = std::move(status);
  return out;
}

VerifyResult store_down() {
  util::metrics().store_error();
  return messagebird::failed_result(VerifyError::Unavailable, 0, "store unavailable");
}

}  // namespace

struct TestNumbers::Record {
  std::string digits;
  long created = 0;  // seconds since the epoch
  bool verified = false;
};

TestNumbers::TestNumbers(store::Store& store, TestNumberSettings settings, WallClock clock)
    : store_(store), settings_(std::move(settings)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
  if (settings_.codes.empty()) return;
  if (settings_.key_secret.empty()) throw std::invalid_argument("test numbers need a key secret");
  id_key_ = util::hmac_sha256_hex(settings_.key_secret, "voiceverify test numbers id v1");
  const util::HmacSha256 seal =
      util::hmac_sha256(settings_.key_secret, "voiceverify test numbers seal v1");
  seal_key_.assign(seal.begin(), seal.end());
}

bool TestNumbers::holds(std::string_view digits) const {
  return settings_.codes.find(digits) != settings_.codes.end();
}

std::string TestNumbers::masked_list() const {
  std::string out;
  for (const auto& [digits, code] : settings_.codes) {
    if (!out.empty()) out += ',';
    out += log::mask_number("+" + digits);
  }
  return out;
}

std::optional<VerifyResult> TestNumbers::answer(const UpstreamCall& call) {
  if (empty()) return std::nullopt;
  switch (call.op) {
    case Call::Create:
      if (!holds(call.recipient)) return std::nullopt;
      return create(call.recipient);
    case Call::Check:
      if (!made_here(call.verify_id)) return std::nullopt;
      return check(call.verify_id, call.code);
    case Call::Cancel:
      if (!made_here(call.verify_id)) return std::nullopt;
      return cancel(call.verify_id);
  }
  return std::nullopt;
}

bool TestNumbers::made_here(std::string_view verify_id) const {
  if (!util::is_verify_id(verify_id)) return false;
  const std::string_view random = verify_id.substr(0, kRandomHexDigits);
  const std::string tag = util::hmac_sha256_hex(id_key_, random).substr(0, kTagHexDigits);
  return http::constant_time_equal(verify_id.substr(kRandomHexDigits), tag);
}

VerifyResult TestNumbers::create(const std::string& digits) {
  const std::string random = http::random_hex(kRandomHexDigits / 2);
  const std::string id = random + util::hmac_sha256_hex(id_key_, random).substr(0, kTagHexDigits);
  VerifyResult out = result(VerifyError::None, 201, std::string(kSent));
  if (write(std::string(kKeyPrefix) + id, Record{digits, now(), false}) !=
      store::StoreError::None) {
    out = store_down();
  } else {
    out.id = id;
  }
  util::metrics().test_number_use(messagebird::call_name(Call::Create));
  log::info("test_number_used", {{"step", messagebird::call_name(Call::Create)},
                                 {"number", log::mask_number("+" + digits)},
                                 {"outcome", messagebird::verify_error_name(out.error)}});
  return out;
}

VerifyResult TestNumbers::check(const std::string& verify_id, const std::string& code) {
  const std::string key = std::string(kKeyPrefix) + verify_id;
  VerifyResult out;
  std::optional<Record> record = read(key, out);
  if (record) {
    const auto right = settings_.codes.find(record->digits);
    if (record->verified) {
      out = result(VerifyError::AlreadyProcessed, 422);
    } else if (now() >= record->created + settings_.code_timeout.count()) {
      out = result(VerifyError::Expired, 422);
    } else if (right == settings_.codes.end() || !http::constant_time_equal(code, right->second)) {
      out = result(VerifyError::WrongCode, 422, std::string(kSent));
    } else {
      record->verified = true;
      out = write(key, *record) == store::StoreError::None
                ? result(VerifyError::None, 200, std::string(kVerified))
                : store_down();
      if (out.error == VerifyError::None) {
        out.id = verify_id;
        out.recipient = "+" + record->digits;
      }
    }
  }
  util::metrics().test_number_use(messagebird::call_name(Call::Check));
  log::info("test_number_used",
            {{"step", messagebird::call_name(Call::Check)},
             {"number", record ? log::mask_number("+" + record->digits) : std::string("***")},
             {"outcome", messagebird::verify_error_name(out.error)}});
  return out;
}

VerifyResult TestNumbers::cancel(const std::string& verify_id) {
  const std::string key = std::string(kKeyPrefix) + verify_id;
  VerifyResult out;
  const std::optional<Record> record = read(key, out);
  if (record) {
    out = store_.remove(key) == store::StoreError::None ? result(VerifyError::None, 204)
                                                        : store_down();
  }
  util::metrics().test_number_use(messagebird::call_name(Call::Cancel));
  log::info("test_number_used",
            {{"step", messagebird::call_name(Call::Cancel)},
             {"number", record ? log::mask_number("+" + record->digits) : std::string("***")},
             {"outcome", messagebird::verify_error_name(out.error)}});
  return out;
}

// "<digits>|<created>|sent" or "...|verified", sealed under the record's own key, base64url.
// A record that is gone, or does not open, is a verification MessageBird would not know: NotFound.
std::optional<TestNumbers::Record> TestNumbers::read(const std::string& key, VerifyResult& failed) {
  const store::Fetched fetched = store_.get(key);
  if (fetched.error != store::StoreError::None) {
    failed = store_down();
    return std::nullopt;
  }
  failed = result(VerifyError::NotFound, 404);
  if (!fetched.value) return std::nullopt;
  const auto bytes = http::base64url_decode(*fetched.value);
  const auto plain = bytes ? util::unseal(seal_key_, key, *bytes) : std::nullopt;
  if (!plain) return std::nullopt;
  const auto first = plain->find('|');
  const auto second = plain->find('|', first == std::string::npos ? first : first + 1);
  if (second == std::string::npos) return std::nullopt;
  Record record;
  record.digits = plain->substr(0, first);
  const char* begin = plain->data() + first + 1;
  const char* end = plain->data() + second;
  const auto [stop, error] = std::from_chars(begin, end, record.created);
  if (error != std::errc{} || stop != end) return std::nullopt;
  record.verified = std::string_view(*plain).substr(second + 1) == kVerified;
  return record;
}

store::StoreError TestNumbers::write(const std::string& key, const Record& record) {
  const std::string plain = record.digits + "|" + std::to_string(record.created) + "|" +
                            std::string(record.verified ? kVerified : kSent);
  // The record lives as long from its call, whenever it is written.
  const std::chrono::seconds left{record.created + settings_.code_timeout.count() +
                                  kKeptAfterExpiry.count() - now()};
  if (left.count() <= 0) return store::StoreError::None;
  return store_.put(key, http::base64url_encode(util::seal(seal_key_, key, plain)), left);
}

long TestNumbers::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count();
}

}  // namespace voiceverify::verify
