// See call_records.hpp. Store layout:
//   recall:<verify id>   the sealed number: hex of util::seal (AES-256-GCM, a random nonce) of
//                        the digits, under a subkey of the key secret, with the verify id and
//                        the browser id as associated data
//   submit:<tag>         tag of (browser id, number): "-" while pending, "<verify id>|<time>"
//   again:<tag>          tag of (browser id, verify id): the same, for "call me again"
// Why sealed and not the number beside a tag: the store must hold nothing that names a number
// without the server's secret (limits.cpp keys numbers the same way), and an authenticated
// cipher means a record altered in the store, moved under another verify id or opened for
// another browser gives nothing rather than other digits. Why not the number in the session
// cookie: a signed cookie is readable by whoever holds it (a shared computer, a proxy log), the
// sealed record is not. docs/architecture.md, "The code page".
#include "guard/call_records.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <thread>

#include "util/ascii.hpp"
#include "util/hmac.hpp"
#include "util/seal.hpp"
#include "util/verify_id.hpp"

namespace voiceverify::guard {

using store::Created;
using store::Fetched;

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxDigits = 15;  // E.164
// The sealed text: the count of digits, then the digits padded to kMaxDigits, so every record has
// the same length and a dump does not tell a short national number from a long one.
constexpr std::size_t kPaddedBytes = 1 + kMaxDigits;
constexpr std::string_view kPending = "-";

bool valid_browser(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), util::is_hex);
}

bool valid_digits(std::string_view digits) {
  return !digits.empty() && digits.size() <= kMaxDigits && util::is_digits(digits);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (!util::is_hex(hex[i]) || !util::is_hex(hex[i + 1])) return std::nullopt;
    out += static_cast<char>(util::hex_value(hex[i]) * 16 + util::hex_value(hex[i + 1]));
  }
  return out;
}

// What the record is bound to: a sealed number opens only for this verification and browser.
std::string associated(const std::string& verify_id, const std::string& browser_id) {
  return "recall|" + verify_id + "|" + browser_id;
}

// "<verify id>|<time>" as settle() writes it.
bool read_settled(const std::string& value, Claim& claim) {
  const auto bar = value.find('|');
  if (bar == std::string::npos || !util::is_verify_id(value.substr(0, bar))) return false;
  long at = 0;
  const char* first = value.data() + bar + 1;
  const char* last = value.data() + value.size();
  if (std::from_chars(first, last, at).ptr != last) return false;
  claim.verdict = ClaimVerdict::Joined;
  claim.verify_id = value.substr(0, bar);
  claim.called_at = at;
  return true;
}

}  // namespace

CallRecords::CallRecords(Store& store, std::string key_secret)
    : store_(store), key_secret_(std::move(key_secret)) {
  if (key_secret_.empty()) throw std::invalid_argument("CallRecords: key_secret is empty");
  // A labelled HMAC of the key secret as the cipher's key (as oidc/grants.cpp derives its own):
  // the key secret itself only ever keys tags.
  const util::HmacSha256 subkey = util::hmac_sha256(key_secret_, "voiceverify recall seal v1");
  seal_key_.assign(subkey.begin(), subkey.end());
}

StoreError CallRecords::keep_number(const std::string& verify_id, const std::string& browser_id,
                                    const std::string& digits, std::chrono::seconds lifetime) {
  if (!util::is_verify_id(verify_id) || !valid_browser(browser_id) || !valid_digits(digits)) {
    return StoreError::Unavailable;
  }
  std::string padded(1, static_cast<char>(digits.size()));
  padded += digits;
  padded.resize(kPaddedBytes, '0');
  const std::string sealed = util::seal(seal_key_, associated(verify_id, browser_id), padded);
  return store_.put("recall:" + verify_id, to_hex(sealed), lifetime);
}

Recalled CallRecords::number_of(const std::string& verify_id, const std::string& browser_id) {
  if (!util::is_verify_id(verify_id) || !valid_browser(browser_id)) return {};
  const Fetched fetched = store_.get("recall:" + verify_id);
  if (fetched.error != StoreError::None) return {fetched.error, std::nullopt};
  if (!fetched.value) return {};
  const auto sealed = from_hex(*fetched.value);
  if (!sealed) return {};
  const auto padded = util::unseal(seal_key_, associated(verify_id, browser_id), *sealed);
  if (!padded || padded->size() != kPaddedBytes) return {};
  const auto length = static_cast<std::size_t>(static_cast<unsigned char>((*padded)[0]));
  if (length > kMaxDigits) return {};
  std::string digits = padded->substr(1, length);
  if (!valid_digits(digits)) return {};
  return {StoreError::None, std::move(digits)};
}

StoreError CallRecords::forget_number(const std::string& verify_id) {
  if (!util::is_verify_id(verify_id)) return StoreError::Unavailable;
  return store_.remove("recall:" + verify_id);
}

std::string CallRecords::submission_key(const std::string& browser_id,
                                        const std::string& digits) const {
  if (!valid_browser(browser_id) || !valid_digits(digits)) return "";
  return "submit:" +
         util::hmac_sha256_hex(key_secret_, "submit|" + browser_id + "|" + digits).substr(0, 32);
}

std::string CallRecords::call_again_key(const std::string& browser_id,
                                        const std::string& verify_id) const {
  if (!valid_browser(browser_id) || !util::is_verify_id(verify_id)) return "";
  return "again:" +
         util::hmac_sha256_hex(key_secret_, "again|" + browser_id + "|" + verify_id).substr(0, 32);
}

Claim CallRecords::claim(const std::string& key, std::chrono::seconds hold,
                         std::chrono::milliseconds wait) {
  if (key.empty()) return {};
  const Created created = store_.put_if_absent(key, std::string(kPending), hold);
  if (created.error != StoreError::None) return {};
  if (created.created) return {ClaimVerdict::Ours, {}, 0};
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    const Fetched held = store_.get(key);
    if (held.error != StoreError::None) return {};
    Claim joined;
    if (held.value && read_settled(*held.value, joined)) return joined;
    if (!held.value) {
      // Released (that call was refused) or expired between the two reads: try to take it.
      const Created again = store_.put_if_absent(key, std::string(kPending), hold);
      if (again.error != StoreError::None) return {};
      if (again.created) return {ClaimVerdict::Ours, {}, 0};
    }
    if (std::chrono::steady_clock::now() >= deadline) return {ClaimVerdict::Pending, {}, 0};
    std::this_thread::sleep_for(25ms);
  }
}

StoreError CallRecords::settle(const std::string& key, const std::string& verify_id, long called_at,
                               std::chrono::seconds ttl) {
  if (key.empty() || !util::is_verify_id(verify_id)) return StoreError::Unavailable;
  return store_.put(key, verify_id + "|" + std::to_string(called_at), ttl);
}

StoreError CallRecords::release(const std::string& key) {
  if (key.empty()) return StoreError::Unavailable;
  return store_.remove(key);
}

}  // namespace voiceverify::guard
