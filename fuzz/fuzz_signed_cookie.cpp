// Fuzzes signed cookie verification (http/signed_cookie.hpp), which reads the vv_session and
// vv_flash values straight from the browser. Input: a cookie value as a browser would send it.
// With a fixed key and clock it checks that verify() accepts only what sign() writes, for one
// purpose only, that base64url is canonical both ways, and that the input used as a payload
// round-trips through sign() and verify() and stops verifying once tampered with or expired.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "check.hpp"
#include "http/signed_cookie.hpp"

namespace {

using voiceverify::http::Clock;
using voiceverify::http::CookieSigner;

// The seed corpus holds values the real signer made with this key, expiring 2100-01-01
// (sign(purpose, payload, 4102444800 s - kNow, kNow)), so verify() gets past the MAC for them,
// and one of the format before versions (version_1_session), which it refuses.
constexpr std::string_view kKey = "fuzz-only-signing-key-0123456789abcdef";
const Clock::time_point kNow{std::chrono::seconds(1'700'000'000)};
constexpr std::string_view kPurposes[] = {"session", "flash"};

std::size_t base64url_length(std::size_t bytes) {
  return bytes / 3 * 4 + (bytes % 3 == 0 ? 0 : bytes % 3 + 1);
}

void check_verify(const CookieSigner& signer, std::string_view value) {
  int accepted = 0;
  for (const std::string_view purpose : kPurposes) {
    const std::optional<std::string> payload = signer.verify(purpose, value, kNow);
    if (!payload) continue;
    ++accepted;
    // Accepted means "exactly what sign() wrote": signing the payload again with the same expiry
    // gives back the same text.
    // "v2." payload "." expiry "." mac: the expiry follows the second dot.
    const std::size_t first_dot = value.find('.', value.find('.') + 1);
    const std::size_t second_dot = value.find('.', first_dot + 1);
    const long long expiry =
        std::stoll(std::string(value.substr(first_dot + 1, second_dot - first_dot - 1)));
    const std::chrono::seconds ttl(expiry - 1'700'000'000);
    VV_FUZZ_CHECK(ttl.count() > 0);
    VV_FUZZ_CHECK(signer.sign(purpose, *payload, ttl, kNow) == value);
    // Past year 2200 kNow + ttl would overflow the clock's nanoseconds; no seed expires that late.
    if (expiry < 7'258'118'400) VV_FUZZ_CHECK(!signer.verify(purpose, value, kNow + ttl));
  }
  // A value is bound to one purpose.
  VV_FUZZ_CHECK(accepted <= 1);
}

void check_round_trip(const CookieSigner& signer, std::string_view payload) {
  constexpr std::chrono::seconds kTtl{60};
  const std::string_view purpose = kPurposes[payload.size() % 2];
  const std::string_view other = kPurposes[(payload.size() + 1) % 2];
  // "v2." payload "." 1700000060 "." 43 characters of MAC
  const std::size_t expected_size = 3 + base64url_length(payload.size()) + 1 + 10 + 1 + 43;
  std::string value;
  try {
    value = signer.sign(purpose, payload, kTtl, kNow);
  } catch (const std::length_error&) {
    VV_FUZZ_CHECK(expected_size > 4096);
    return;
  }
  VV_FUZZ_CHECK(expected_size <= 4096);
  VV_FUZZ_CHECK(value.size() == expected_size);
  VV_FUZZ_CHECK(signer.verify(purpose, value, kNow) == payload);
  VV_FUZZ_CHECK(signer.verify(purpose, value, kNow + kTtl - std::chrono::seconds(1)) == payload);
  VV_FUZZ_CHECK(!signer.verify(purpose, value, kNow + kTtl));
  VV_FUZZ_CHECK(!signer.verify(other, value, kNow));

  // Any one changed character breaks it: decoding is canonical, so a new text is a new
  // (payload, expiry, mac) triple.
  std::string tampered = value;
  char& c = tampered[payload.size() * 7919 % tampered.size()];
  c = c == 'A' ? 'B' : 'A';
  VV_FUZZ_CHECK(!signer.verify(purpose, tampered, kNow));

  const std::string token = signer.mac_hex("csrf", payload);
  VV_FUZZ_CHECK(token.size() == 64);
  VV_FUZZ_CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const CookieSigner signer{std::string(kKey)};
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  check_verify(signer, input);

  const std::optional<std::string> decoded = voiceverify::http::base64url_decode(input);
  if (decoded) VV_FUZZ_CHECK(voiceverify::http::base64url_encode(*decoded) == input);
  VV_FUZZ_CHECK(voiceverify::http::base64url_decode(voiceverify::http::base64url_encode(input)) ==
                input);

  check_round_trip(signer, input);

  VV_FUZZ_CHECK(voiceverify::http::constant_time_equal(input, input));
  if (size > 0) {
    std::string changed(input);
    changed.back() = static_cast<char>(changed.back() ^ 1);
    VV_FUZZ_CHECK(!voiceverify::http::constant_time_equal(input, changed));
  }
  return 0;
}
